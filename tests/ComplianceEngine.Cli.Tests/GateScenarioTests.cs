using System.Text.Json;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary>
/// Design section 7 as data: each folder under GateScenarios is an estate and what `check` says about it (exit code, gate,
/// findings, what each jurisdiction judged, what nothing judged). A rule whose scope excluded a transfer judged it; a
/// transfer no loaded regime reaches, or whose place is unknown, never passes for judged.
/// </summary>
public sealed class GateScenarioTests
{
    internal static readonly string Folder = Repo.Path("tests", "ComplianceEngine.Cli.Tests", "GateScenarios");

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(Folder).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(dir));
        return data;
    }

    [Fact]
    public void Scenarios_CoverJudgedNothingJudgedAndIndeterminate()
    {
        Assert.Equal(["intra-eea-only", "no-regime-reaches", "unknown-region"],
            Directory.EnumerateDirectories(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Check_Scenario_SaysWhatItsExpectationSays(string name)
    {
        var dir = Path.Combine(Folder, name);
        using var expect = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expect.json")));
        var want = expect.RootElement;

        var (exit, output, error) = Cli.Run("check", Path.Combine(dir, "inventory.yaml"), "--as-of", "2026-11-25", "--format", "json");

        Assert.True(want.GetProperty("exit").GetInt32() == exit, $"{name}: exit {exit}\n{error}");
        using var doc = JsonDocument.Parse(output);
        var report = doc.RootElement;
        var gate = report.GetProperty("gate");
        Assert.Equal(want.GetProperty("result").GetString(), gate.GetProperty("result").GetString());
        Assert.Equal(want.GetProperty("nothingJudged").GetBoolean(), gate.GetProperty("nothingJudged").GetBoolean());
        Assert.Equal(want.GetProperty("nothingJudged").GetBoolean(), report.GetProperty("coverage").GetProperty("nothingJudged").GetBoolean());
        Assert.Equal(Strings(want.GetProperty("findings")),
            [.. report.GetProperty("findings").EnumerateArray()
                .Select(f => $"{f.GetProperty("status").GetString()} {f.GetProperty("ruleId").GetString()} {f.GetProperty("subject").GetProperty("kind").GetString()}/{f.GetProperty("subject").GetProperty("name").GetString()}")
                .Where(f => !f.StartsWith("pass ", StringComparison.Ordinal)).Order(StringComparer.Ordinal)]);
        var judged = report.GetProperty("coverage").GetProperty("byJurisdiction").EnumerateObject()
            .Select(j => (j.Name, Transfers: j.Value.GetProperty("transfers").EnumerateObject().Sum(t => t.Value.GetInt32())))
            .Where(j => j.Transfers > 0).ToDictionary(j => j.Name, j => j.Transfers);
        Assert.Equal(want.GetProperty("transfersJudged").EnumerateObject().ToDictionary(j => j.Name, j => j.Value.GetInt32()), judged);
        Assert.Equal(Strings(want.GetProperty("notJudged")),
            [.. report.GetProperty("notJudged").EnumerateArray()
                .Select(n => $"{n.GetProperty("kind").GetString()}/{n.GetProperty("name").GetString()}: {n.GetProperty("reason").GetString()}").Order(StringComparer.Ordinal)]);
    }

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal)];
}
