using ComplianceEngine.Loading.Validation;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;
using FluentValidation;

namespace ComplianceEngine.Loading.Tests.Validation;

/// <summary>
/// A name the user wrote is shown as written in every validator's diagnostic. FluentValidation formats the text a
/// message lambda returns: <c>{PropertyName}</c>, <c>{PropertyValue}</c>, <c>{PropertyPath}</c> and
/// <c>{CollectionIndex}</c> in it were replaced with FluentValidation's own values, so a store named
/// <c>db-{PropertyName}</c> was reported under another name. Codes and positions are those of the plain names.
/// </summary>
public sealed class LiteralTextTests
{
    public static TheoryData<string> Names => new()
    {
        "db-{PropertyName}",
        "{PropertyValue}",
        "x{PropertyPath}y",
        "{CollectionIndex}",
        "{PropertyName:N2}",
        "a{b}",
        "{{PropertyName}}",
    };

    private static List<Diagnostic> Estate(string yaml)
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", yaml);
        var bag = new DiagnosticBag();
        new WorkspaceLoader().LoadEstate([dir.Path], bag);
        return [.. bag.Sorted().Where(d => d.Severity == DiagnosticSeverity.Error)];
    }

    private static List<Diagnostic> Rules(string file, string yaml)
    {
        using var dir = new TempDir();
        dir.Write(file, yaml);
        var bag = new DiagnosticBag();
        new WorkspaceLoader().LoadRules([dir.Path, Repo.Path("rules", "catalog")], bag);
        return [.. bag.Sorted().Where(d => d.Code is DiagnosticCodes.RuleInvalid or DiagnosticCodes.CatalogInvalid)];
    }

    private static string Q(string name) => "'" + name + "'";

    [Theory]
    [MemberData(nameof(Names))]
    public void Cluster_NameWithBraces_ShownLiterally(string name)
    {
        var error = Assert.Single(Estate($"""
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {"{"}name: {Q(name)}{"}"}
            spec: {"{"}provider: aws, environment: prod{"}"}
            """), d => d.Message.Contains("region", StringComparison.Ordinal));
        Assert.Equal((DiagnosticCodes.MissingField, 1), (error.Code, error.Location.Line));
        Assert.Equal($"Cluster '{name}': give 'region' (a aws region) or 'country'", error.Message);
        var environment = Assert.Single(Estate($"""
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {"{"}name: {Q(name)}{"}"}
            spec: {"{"}provider: aws, region: eu-central-1, environment: prod{"}"}
            """));
        Assert.StartsWith($"Cluster '{name}': 'environment' is 'prod'", environment.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DataStore_NamesWithBraces_ShownLiterally(string name)
    {
        var errors = Estate($"""
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {"{"}name: {Q(name + "c")}{"}"}
            spec: {"{"}provider: aws, region: eu-central-1{"}"}
            ---
            apiVersion: compliance/v1
            kind: Recipient
            metadata: {"{"}name: vendor{"}"}
            spec: {"{"}country: US, role: processor{"}"}
            ---
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {"{"}name: {Q(name)}{"}"}
            spec:
              cluster: {Q(name + "c")}
              categories: [user.contact]
              individuals: 10
              sensitiveIndividuals: 20
              replicas: [{Q(name + "c")}]
              backups: [{Q(name)}]
            """);
        Assert.Equal(
            [
                $"{DiagnosticCodes.InvalidValue} 11 DataStore '{name}': sensitiveIndividuals (20) is larger than individuals (10)",
                $"{DiagnosticCodes.InvalidValue} 19 DataStore '{name}': replica '{name}c' is the cluster the store is on; name the cluster that holds the copy",
                $"{DiagnosticCodes.InvalidValue} 20 DataStore '{name}' backs up to itself ('{name}'); name the store that receives its backups",
            ],
            errors.Select(e => $"{e.Code} {e.Location.Line} {e.Message}").Order(StringComparer.Ordinal));
        var both = Assert.Single(Estate($"""
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {"{"}name: fra{"}"}
            spec: {"{"}provider: aws, region: eu-central-1{"}"}
            ---
            apiVersion: compliance/v1
            kind: Recipient
            metadata: {"{"}name: vendor{"}"}
            spec: {"{"}country: US, role: processor{"}"}
            ---
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {"{"}name: {Q(name)}{"}"}
            spec: {"{"}cluster: fra, recipient: vendor, categories: [user.contact]{"}"}
            """));
        Assert.Equal((DiagnosticCodes.MissingField, $"DataStore '{name}': give exactly one of 'cluster' or 'recipient'"), (both.Code, both.Message));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DataFlow_NamesWithBraces_ShownLiterally(string name)
    {
        var errors = Estate($"""
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {"{"}name: fra{"}"}
            spec: {"{"}provider: aws, region: eu-central-1{"}"}
            ---
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {"{"}name: {Q(name + "s")}{"}"}
            spec: {"{"}cluster: fra, categories: [user.contact]{"}"}
            ---
            apiVersion: compliance/v1
            kind: DataFlow
            metadata: {"{"}name: {Q(name)}{"}"}
            spec: {"{"}from: {Q(name + "s")}, to: {Q(name + "s")}, individuals: 5, sensitiveIndividuals: 50{"}"}
            """);
        Assert.Equal(
            [
                $"{DiagnosticCodes.InvalidValue} 11 DataFlow '{name}': sensitiveIndividuals (50) is larger than individuals (5)",
                $"{DiagnosticCodes.InvalidValue} 14 DataFlow '{name}': 'from' and 'to' are the same ('{name}s')",
            ],
            errors.Select(e => $"{e.Code} {e.Location.Line} {e.Message}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Rule_IdAndUrlWithBraces_ShownLiterally(string text)
    {
        var errors = Rules("rules.yaml", $"""
            apiVersion: compliance/v1
            kind: RulePack
            metadata: {"{"}name: p{"}"}
            spec:
              jurisdiction: EU
              rules:
                - id: {Q(text)}
                  title: T
                  appliesTo: transfer
                  severity: high
                  citations:
                    - {"{"}instrument: GDPR, article: Art. 44, url: {Q(text)}{"}"}
                  message: m
                  remediation: r
            """);
        Assert.Equal(
            [
                $"rule '{text}': citation url '{text}' is not an absolute URL",
                $"rule '{text}': id must be upper-case letters, digits, '.' and '-' (e.g. GDPR-CH5-TRANSFER)",
            ],
            errors.Select(e => e.Message).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Equal((DiagnosticCodes.RuleInvalid, 7, 7), (e.Code, e.Location.Line, e.Location.Column)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void AdequacyGroup_WithBraces_ShownLiterally(string text)
    {
        var errors = Rules("jurisdiction.yaml", $"""
            apiVersion: compliance/v1
            kind: Jurisdiction
            metadata: {"{"}name: XX{"}"}
            spec:
              name: Test
              countries: [DE]
              adequacy:
                - group: {Q(text)}
                  decision: d
                  from: 2020-01-01
                  until: 2019-01-01
                  conditions:
                    - {"{"}exporterNotIn: []{"}"}
            """).Where(e => e.Message.StartsWith("adequacy entry for", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                $"{DiagnosticCodes.CatalogInvalid} 8:7 adequacy entry for {text}: 'from' must be before 'until'",
                $"{DiagnosticCodes.CatalogInvalid} 13:11 adequacy entry for {text}: a condition needs 'certification' or 'exporterNotIn'",
            ],
            errors.Select(e => $"{e.Code} {e.Location.Line}:{e.Location.Column} {e.Message}"));
    }

    [Fact]
    public void EveryValidatorMessage_IsGivenAsLiteralText()
    {
        // A validator added later with WithMessage would have its text formatted again: every message goes through WithText.
        var validators = typeof(WorkspaceLoader).Assembly.GetTypes().Where(t => !t.IsAbstract && typeof(IValidator).IsAssignableFrom(t)).Order(Comparer<Type>.Create((a, b) => string.CompareOrdinal(a.Name, b.Name))).ToList();
        Assert.Equal(["AdequacyEntryValidator", "ClusterValidator", "DataFlowValidator", "DataStoreValidator", "RuleDefinitionValidator"], validators.Select(t => t.Name));
        foreach (var type in validators)
        {
            var validator = (IValidator)Activator.CreateInstance(type)!;
            var components = validator.CreateDescriptor().Rules.SelectMany(r => r.Components).ToList();
            Assert.NotEmpty(components);
            Assert.All(components, c => Assert.Equal(LiteralText.Template, c.GetUnformattedErrorMessage()));
        }
    }
}
