namespace ComplianceEngine.Model.Diagnostics;

/// <summary>Collects diagnostics from every stage; read them sorted.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    /// <summary>True when at least one error was reported.</summary>
    public bool HasErrors => ErrorCount > 0;

    /// <summary>Number of errors reported so far.</summary>
    public int ErrorCount { get; private set; }

    /// <summary>Number of diagnostics collected.</summary>
    public int Count => _items.Count;

    /// <summary>Adds a diagnostic.</summary>
    public void Add(Diagnostic diagnostic)
    {
        _items.Add(diagnostic);
        if (diagnostic.Severity == DiagnosticSeverity.Error) ErrorCount++;
    }

    /// <summary>Adds an error.</summary>
    public void Error(string code, string message, SourceLocation location) => Add(Diagnostic.Error(code, message, location));

    /// <summary>Adds a warning.</summary>
    public void Warning(string code, string message, SourceLocation location) => Add(Diagnostic.Warning(code, message, location));

    /// <summary>Adds a note.</summary>
    public void Note(string code, string message, SourceLocation location) => Add(Diagnostic.Note(code, message, location));

    /// <summary>Adds many diagnostics.</summary>
    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics) Add(d);
    }

    /// <summary>Adds every diagnostic of <paramref name="other"/>, in the order they were added there.</summary>
    public void AddRange(DiagnosticBag other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var d in other._items) Add(d);
    }

    /// <summary>The diagnostics sorted by file, line, column and code, duplicates removed.</summary>
    public IReadOnlyList<Diagnostic> Sorted() => _items.Distinct().Order().ToList();
}
