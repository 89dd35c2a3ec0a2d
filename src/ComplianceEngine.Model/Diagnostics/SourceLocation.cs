namespace ComplianceEngine.Model.Diagnostics;

/// <summary>A position in a user's file: 1-based line and column. <see cref="None"/> when unknown.</summary>
public sealed record SourceLocation(string File, int Line, int Column) : IComparable<SourceLocation>
{
    /// <summary>No position (built-in or generated facts).</summary>
    public static SourceLocation None { get; } = new(string.Empty, 0, 0);

    /// <summary>The parameters of a request: the command line's options, or an API call's query.</summary>
    public static SourceLocation Parameters { get; } = new("<parameters>", 0, 0);
    /// <summary>
    /// For a fact read from a JSON file (Terraform plans, <c>kubectl -o json</c>): the RFC 6901 JSON pointer of the value,
    /// e.g. <c>/resource_changes/3/change/after/region</c>; null for YAML. Not part of <see cref="ToString"/>.
    /// </summary>
    public string? Pointer { get; init; }

    /// <summary>True when this location names a file.</summary>
    public bool IsKnown => File.Length > 0;

    /// <inheritdoc />
    public int CompareTo(SourceLocation? other)
    {
        if (other is null) return 1;
        var c = string.CompareOrdinal(File, other.File);
        if (c != 0) return c;
        c = Line.CompareTo(other.Line);
        return c != 0 ? c : Column.CompareTo(other.Column);
    }

    /// <summary><c>file:line:col</c>, the form editors and CI annotate.</summary>
    public override string ToString() => !IsKnown ? "<built-in>" : Line > 0 ? $"{File}:{Line}:{Column}" : File;
}
