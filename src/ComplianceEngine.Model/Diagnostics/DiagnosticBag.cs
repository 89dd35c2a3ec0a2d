namespace ComplianceEngine.Model.Diagnostics;

/// <summary>Collects diagnostics from every stage; read them sorted.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    /// <summary>True when at least one error was reported.</summary>
    public bool HasErrors => _items.Exists(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>Number of diagnostics collected.</summary>
    public int Count => _items.Count;

    /// <summary>Adds a diagnostic.</summary>
    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    /// <summary>Adds an error.</summary>
    public void Error(string code, string message, SourceLocation location) => _items.Add(Diagnostic.Error(code, message, location));

    /// <summary>Adds a warning.</summary>
    public void Warning(string code, string message, SourceLocation location) => _items.Add(Diagnostic.Warning(code, message, location));

    /// <summary>Adds many diagnostics.</summary>
    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    /// <summary>The diagnostics sorted by file, line, column and code, duplicates removed.</summary>
    public IReadOnlyList<Diagnostic> Sorted() => _items.Distinct().Order().ToList();
}
