using System.Text.Json;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Loading.Documents;

/// <summary>Reads a baseline: a JSON report written earlier (by <c>--format json</c> or <c>--write-baseline</c>).</summary>
public static class BaselineReader
{
    /// <summary>The fingerprints of the findings in the baseline, or null with a diagnostic.</summary>
    public static HashSet<string>? Read(string path, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var at = new SourceLocation(DocumentLoader.Normalize(path), 0, 0);
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 32 });
            if (!doc.RootElement.TryGetProperty("findings", out var findings) || findings.ValueKind != JsonValueKind.Array)
            {
                diagnostics.Error(DiagnosticCodes.BaselineInvalid, "a baseline is a JSON report with a 'findings' list", at);
                return null;
            }
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var f in findings.EnumerateArray())
            {
                if (f.ValueKind == JsonValueKind.Object && f.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String) ids.Add(id.GetString()!);
                else diagnostics.Error(DiagnosticCodes.BaselineInvalid, "every baseline finding needs a string 'id'", at);
            }
            return diagnostics.HasErrors ? null : ids;
        }
        catch (JsonException ex)
        {
            diagnostics.Error(DiagnosticCodes.BaselineInvalid, $"the baseline is not valid JSON: {ex.Message}",
                new SourceLocation(at.File, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1));
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(DiagnosticCodes.FileUnreadable, $"cannot read the baseline: {ex.Message}", at);
            return null;
        }
    }
}
