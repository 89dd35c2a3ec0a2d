namespace ComplianceEngine.Model.Diagnostics;

/// <summary>How bad a diagnostic is. Errors stop evaluation (exit code 2); warnings are reported.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The input is usable but probably not what the author meant.</summary>
    Warning,

    /// <summary>The input cannot be used.</summary>
    Error,
}

/// <summary>
/// A mistake in a user's file: data, never an exception. Collected, sorted by position, and printed as
/// <c>file:line:col: error CODE: message</c>.
/// </summary>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, string Message, SourceLocation Location)
    : IComparable<Diagnostic>
{
    /// <summary>Creates an error.</summary>
    public static Diagnostic Error(string code, string message, SourceLocation location) =>
        new(code, DiagnosticSeverity.Error, message, location);

    /// <summary>Creates a warning.</summary>
    public static Diagnostic Warning(string code, string message, SourceLocation location) =>
        new(code, DiagnosticSeverity.Warning, message, location);

    /// <inheritdoc />
    public int CompareTo(Diagnostic? other)
    {
        if (other is null) return 1;
        var c = Location.CompareTo(other.Location);
        if (c != 0) return c;
        c = string.CompareOrdinal(Code, other.Code);
        return c != 0 ? c : string.CompareOrdinal(Message, other.Message);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Location}: {(Severity == DiagnosticSeverity.Error ? "error" : "warning")} {Code}: {Message}";
}
