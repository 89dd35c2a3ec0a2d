namespace ComplianceEngine.Model.Diagnostics;

/// <summary>How bad a diagnostic is. Errors stop evaluation (exit code 2); warnings are reported.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The input is usable but probably not what the author meant.</summary>
    Warning,

    /// <summary>The input cannot be used.</summary>
    Error,

    /// <summary>A note: how the engine read the input (e.g. the catalog region a zone or display name stands for).</summary>
    Info,
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

    /// <summary>Creates a note.</summary>
    public static Diagnostic Note(string code, string message, SourceLocation location) =>
        new(code, DiagnosticSeverity.Info, message, location);

    /// <summary>error, warning or note (the words of the terminal and SARIF levels).</summary>
    public string SeverityText => Severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Info => "note",
        _ => "warning",
    };

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
        $"{Location}: {SeverityText} {Code}: {Message}";
}
