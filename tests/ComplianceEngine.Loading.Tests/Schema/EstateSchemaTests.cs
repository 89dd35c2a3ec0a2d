using System.Reflection;
using System.Text.Json.Nodes;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Tests;
using Json.Schema;

namespace ComplianceEngine.Loading.Tests.Schema;

/// <summary>
/// schema/estate.schema.json (design section 10) is held to the readers: every field a reader accepts is in the schema and
/// every field of the schema is accepted by a reader; it validates every example and scenario estate and rejects an
/// unknown field.
/// </summary>
public sealed class EstateSchemaTests
{
    /// <summary>Kinds that are not estate documents: passed with --rules, --policy or read by <c>compliance test</c>.</summary>
    private static readonly HashSet<string> NotEstateKinds =
        [DocumentKind.RulePack, DocumentKind.Jurisdiction, DocumentKind.CountryGroup, DocumentKind.List, DocumentKind.Predicate, DocumentKind.Policy, DocumentKind.TestCase];

    private static readonly Lazy<JsonNode> SchemaNode = new(() => JsonNode.Parse(File.ReadAllText(Repo.Path("schema", "estate.schema.json")))!);
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(Repo.Path("schema", "estate.schema.json"))));

    private static IReadOnlyList<string> SchemaKinds => [.. SchemaNode.Value["properties"]!["kind"]!["enum"]!.AsArray().Select(k => k!.GetValue<string>())];

    private static JsonObject SpecSchema(string kind) => SchemaNode.Value["$defs"]![kind + "Spec"]!.AsObject();

    private static SortedSet<string> Properties(JsonObject schema) => new(schema["properties"]!.AsObject().Select(p => p.Key), StringComparer.Ordinal);

    private static EvaluationResults Validate(JsonNode? document) =>
        Schema.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Errors(EvaluationResults results) =>
        // Failing "if" branches (the kind is not Cluster, ...) are how the schema picks a spec, not errors.
        string.Join("\n", results.Details.Where(d => d.Errors is not null && !d.EvaluationPath.ToString().Contains("/if", StringComparison.Ordinal)).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));

    [Fact]
    public void Schema_IsDraft202012()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", SchemaNode.Value["$schema"]!.GetValue<string>());
    }

    [Fact]
    public void Schema_Kinds_AreTheKindsAnEstateFolderHolds()
    {
        var estateKinds = DocumentKind.All.Where(k => !NotEstateKinds.Contains(k)).Order(StringComparer.Ordinal);
        // DataCategory is declared by the vocabulary work (DocumentKind.DataCategory); until it is merged it is the one
        // kind of the schema the loader does not know yet.
        var pending = SchemaKinds.Where(k => !DocumentKind.All.Contains(k)).ToList();
        Assert.All(pending, k => Assert.Equal("DataCategory", k));
        Assert.Equal(estateKinds, SchemaKinds.Where(DocumentKind.All.Contains).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string> LoadableKinds()
    {
        var data = new TheoryData<string>();
        foreach (var k in SchemaKinds.Where(DocumentKind.All.Contains)) data.Add(k);
        return data;
    }

    [Theory]
    [MemberData(nameof(LoadableKinds))]
    public void Schema_SpecFields_AreExactlyTheFieldsTheReaderAsksFor(string kind)
    {
        var bag = new DiagnosticBag();
        // The tree readers: which fields they ask for (records read from parser events are held to them by InventoryEventReaderTests).
        var docs = new DocumentLoader { ReadRecordsFromEvents = false }.LoadText($"apiVersion: compliance/v1\nkind: {kind}\nmetadata: {{name: probe}}\nspec: {{}}\n", "probe.yaml", bag);
        var doc = Assert.Single(docs);

        WorkspaceLoader.ReadEstate(docs, bag);
        PolicyReader.ReadWaivers(docs, bag);

        Assert.Equal(new SortedSet<string>(doc.Spec.KnownKeys, StringComparer.Ordinal), Properties(SpecSchema(kind)));
    }

    [Theory]
    [InlineData("ClusterSpec", "disasterRecovery", typeof(DisasterRecovery))]
    [InlineData("DataStoreSpec", "encryption", typeof(Encryption))]
    public void Schema_NestedFields_AreTheModelsFields(string spec, string field, Type model)
    {
        var fields = model.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters()
            .Select(p => p.Name!).Where(n => n != "Location").Select(n => char.ToLowerInvariant(n[0]) + n[1..]);

        Assert.Equal(new SortedSet<string>(fields, StringComparer.Ordinal), Properties(SchemaNode.Value["$defs"]![spec]!["properties"]![field]!.AsObject()));
    }

    [Theory]
    [MemberData(nameof(LoadableKinds))]
    public void Reader_DocumentWithEverySchemaField_HasNoUnknownOrMistypedField(string kind)
    {
        var document = new JsonObject
        {
            ["apiVersion"] = "compliance/v1",
            ["kind"] = kind,
            ["metadata"] = Sample(SchemaNode.Value["$defs"]!["metadata"]!.AsObject(), "metadata"),
            ["spec"] = Sample(SpecSchema(kind), "spec"),
        };
        Assert.True(Validate(document).IsValid, Errors(Validate(document)));
        var bag = new DiagnosticBag();

        // JSON is YAML: the loader reads the sample document as it is.
        var docs = new DocumentLoader().LoadText(document.ToJsonString(), "sample.yaml", bag);
        WorkspaceLoader.ReadEstate(docs, bag);
        PolicyReader.ReadWaivers(docs, bag);

        // Only the shape matters here (the sample's names refer to nothing, which other checks report).
        Assert.DoesNotContain(bag.Sorted(), d => d.Code is DiagnosticCodes.UnknownField or DiagnosticCodes.WrongType or DiagnosticCodes.MissingField
            || (d.Code == DiagnosticCodes.InvalidValue && d.Message.Contains("expected one of", StringComparison.Ordinal)));
    }

    private static readonly string[] ScenarioRoots = ["rules", "policies"];

    public static TheoryData<string> EstateFiles()
    {
        var data = new TheoryData<string>();
        var roots = new[] { Repo.Path("examples", "estate"), Repo.Path("src", "ComplianceEngine.Cli", "Init") }
            .Concat(ScenarioRoots.Select(r => Repo.Path(r)).Where(Directory.Exists)
                .SelectMany(r => Directory.EnumerateDirectories(r, "tests", SearchOption.AllDirectories)));
        foreach (var file in roots.SelectMany(r => Directory.EnumerateFiles(r, "*.yaml", SearchOption.AllDirectories)).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Repo.Root, file).Replace('\\', '/'));
        return data;
    }

    [Theory]
    [MemberData(nameof(EstateFiles))]
    public void Schema_ValidatesEveryExampleAndScenarioEstate(string file)
    {
        foreach (var document in YamlToJson.Documents(File.ReadAllText(Repo.Path(file))))
        {
            var kind = document?["kind"]?.GetValue<string>();
            if (kind is not null && NotEstateKinds.Contains(kind)) continue;
            var results = Validate(document);
            Assert.True(results.IsValid, $"{file}, {kind} '{document?["metadata"]?["name"]}':\n{Errors(results)}");
        }
    }

    [Fact]
    public void Schema_EveryExampleAndScenarioEstate_IsMany() => Assert.True(EstateFiles().Count > 50);

    [Theory]
    [InlineData("Cluster", "regoin: eu-central-1")]
    [InlineData("DataStore", "encryption: {atRest: true, keyCountyr: DE}")]
    [InlineData("DataFlow", "mechanism: [scc]")]
    [InlineData("Recipient", "certification: [eu-us-dpf]")]
    public void Schema_UnknownField_IsRejected(string kind, string field)
    {
        var required = kind switch
        {
            "Cluster" => "provider: aws",
            "DataStore" => "cluster: c",
            "DataFlow" => "{from: a, to: b}",
            _ => "country: US",
        };
        var yaml = $"apiVersion: compliance/v1\nkind: {kind}\nmetadata: {{name: x}}\nspec:\n  {required.Trim('{', '}').Replace(", ", "\n  ", StringComparison.Ordinal)}\n  {field}\n";
        var document = Assert.Single(YamlToJson.Documents(yaml));

        var results = Validate(document);

        Assert.False(results.IsValid);
        var unknown = field[..field.IndexOf(':', StringComparison.Ordinal)];
        var at = kind == "DataStore" ? "/spec/encryption/keyCountyr" : "/spec/" + unknown;
        Assert.Contains(at, Errors(results), StringComparison.Ordinal);
    }

    [Fact]
    public void Examples_CarryTheSchemaComment_PointingAtTheSchema()
    {
        foreach (var file in Directory.EnumerateFiles(Repo.Path("examples", "estate"), "*.yaml"))
        {
            var first = File.ReadLines(file).First();
            Assert.StartsWith("# yaml-language-server: $schema=", first, StringComparison.Ordinal);
            var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, first["# yaml-language-server: $schema=".Length..]));
            Assert.Equal(Repo.Path("schema", "estate.schema.json"), target);
        }
    }

    public static TheoryData<string> AllSchemaKinds()
    {
        var data = new TheoryData<string>();
        foreach (var k in SchemaKinds) data.Add(k);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllSchemaKinds))]
    public void Reference_DocumentsEveryFieldOfEveryKind(string kind)
    {
        var doc = File.ReadAllText(Repo.Path("docs", "estate.md"));
        var start = doc.IndexOf($"\n## {kind}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/estate.md has no section '## {kind}'");
        var end = doc.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? doc[start..] : doc[start..end];
        var spec = SpecSchema(kind);
        var fields = Properties(spec).SelectMany(f => spec["properties"]![f]!["properties"] is JsonObject nested
            ? nested.Select(n => $"{f}.{n.Key}")
            : [f]);

        Assert.All(fields, f => Assert.Contains($"| `{f}` |", section, StringComparison.Ordinal));
        Assert.Contains("```yaml", section, StringComparison.Ordinal);
    }

    /// <summary>Fields of which exactly one may be given (<c>oneOf: [{required: [a]}, {required: [b]}]</c>).</summary>
    private static IEnumerable<string> Exclusive(JsonObject schema) =>
        schema["oneOf"] is JsonArray alternatives ? alternatives.Select(a => a!["required"]![0]!.GetValue<string>()) : [];

    /// <summary>A value for every property of <paramref name="schema"/>, of the type the schema names.</summary>
    private static JsonNode? Sample(JsonObject schema, string name)
    {
        if (schema["$ref"] is JsonValue reference)
            return Sample(SchemaNode.Value["$defs"]![reference.GetValue<string>()["#/$defs/".Length..]]!.AsObject(), name);
        if (schema["enum"] is JsonArray values) return values[0]!.DeepClone();
        if (schema["anyOf"] is JsonArray options) return Sample(options[0]!.AsObject(), name);
        var type = schema["type"] is JsonValue t ? t.GetValue<string>() : schema["properties"] is not null ? "object" : "string";
        return type switch
        {
            "object" when schema["properties"] is JsonObject props =>
                new JsonObject(props.Where(p => !Exclusive(schema).Skip(1).Contains(p.Key))
                    .Select(p => KeyValuePair.Create(p.Key, Sample(p.Value!.AsObject(), p.Key))).Where(p => p.Value is not null)),
            "object" => new JsonObject { ["key"] = "value" },
            "array" => new JsonArray(Sample(schema["items"]!.AsObject(), name)),
            "boolean" => JsonValue.Create(true),
            "integer" => JsonValue.Create(1000),
            _ => JsonValue.Create(schema["pattern"]?.GetValue<string>() switch
            {
                null => name == "parent" ? null : "sample",
                var p when p.StartsWith("^[A-Z]{2}", StringComparison.Ordinal) || p.StartsWith("^([A-Z]{2}", StringComparison.Ordinal) => "DE",
                var p when p.StartsWith("^P", StringComparison.Ordinal) => "PT20H",
                var p when p.StartsWith("^[0-9]{4}", StringComparison.Ordinal) => "2026-01-01",
                var p when p.Contains('/', StringComparison.Ordinal) => "DataFlow/sample",
                var p => throw new InvalidOperationException($"no sample for pattern {p} of {name}"),
            }),
        };
    }
}
