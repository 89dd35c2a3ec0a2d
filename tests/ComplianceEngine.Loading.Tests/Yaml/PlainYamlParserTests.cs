using System.Globalization;
using System.Text;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ComplianceEngine.Loading.Tests.Yaml;

/// <summary>
/// The plain-subset parser must give, for every text it accepts, exactly the events YamlDotNet's parser gives (types,
/// values, styles, flags and marks), and must give up on everything else: the repository's YAML, the shapes that
/// generated estates are written in, and tens of thousands of mutations of them.
/// </summary>
public sealed class PlainYamlParserTests
{
    // The shapes of a generated estate (bench's YamlEstateWriter), with the nested mappings and empty lists it can write.
    private const string Estate = """
        apiVersion: compliance/v1
        kind: Cluster
        metadata: {name: eu-prod-web-00002, labels: {team: web, tier: production}}
        spec:
          provider: azure
          region: westeurope
          environment: production
          role: primary
          disasterRecovery:
            strategy: warm-standby
            targets: [us-prod-payments-00019, eu-dr-00001]
          agreements: []
        ---
        apiVersion: compliance/v1
        kind: DataStore
        metadata: {name: archive-000000, labels: {app: archive}}
        spec:
          cluster: apac-stg-archive-00068
          categories: [user.contact, user.name, user.financial, user.health_and_medical]
          subjects: [IN]
          subjectTypes: [customer]
          encryption:
            atRest: true
            keyCountry: DE
          individuals: 933286
          sensitiveIndividuals: 93328
          replicas: [archive-000001]
        ---
        apiVersion: compliance/v1
        kind: DataFlow
        metadata: {name: api-0000002}
        spec:
          from: support-tickets-008401
          to: hodkiewicz-and-sons-saas-008

          categories: [user.contact, user.name]
          purpose: api
          mechanisms: [scc]
          individuals: 8260
          encryptedInTransit: true
          retention: P30D
        ---
        apiVersion: compliance/v1
        kind: Recipient
        metadata: {name: jenkins-llc-saas-001, labels: {vendor-tier: strategic}}
        spec:
          country: US
          role: processor
          certifications: [eu-us-dpf, uk-extension, swiss-us-dpf]
          agreements: [dpa, baa]
        ---
        apiVersion: compliance/v1
        kind: Organization
        metadata: {name: acme-group}
        spec:
          country: DE
          name: Acme  Group Ltd
        """;

    /// <summary>An event as the readers see it (kind, start, value, style), and whether it has no anchor and no tag.</summary>
    private static string Describe(YamlEvent e, bool plainNode) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{e.Kind} [{e.Value}] {e.Style} flow={e.Flow} {e.Start.Index}@{e.Start.Line}:{e.Start.Column} plain-node={plainNode}");

    /// <summary>YamlDotNet's events, or null when it throws (malformed YAML).</summary>
    private static List<string>? YamlDotNetEvents(string text)
    {
        var result = new List<string>();
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                var plainNode = ev is not AnchorAlias && (ev is not NodeEvent n || (n.Anchor.IsEmpty && n.Tag.IsEmpty));
                result.Add(Describe(YamlEvent.From(ev), plainNode));
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException or FormatException)
        {
            return null;
        }
        return result;
    }

    /// <summary>The plain parser's events, or null when it gives up.</summary>
    private static List<string>? PlainEvents(byte[] bytes)
    {
        var result = new List<string>();
        var parser = new PlainYamlParser(bytes);
        while (parser.MoveNext()) result.Add(Describe(parser.Current, plainNode: true));
        return parser.Unsupported ? null : result;
    }

    /// <summary>True when the plain parser accepts the bytes (then its events are asserted to be YamlDotNet's).</summary>
    private static bool AssertSameOrGivesUp(byte[] bytes)
    {
        if (PlainEvents(bytes) is not { } plain) return false;
        var text = Encoding.UTF8.GetString(bytes);
        var yaml = YamlDotNetEvents(text);
        Assert.True(yaml is not null, $"accepted what YamlDotNet rejects:\n{text}");
        Assert.Equal(yaml, plain);
        return true;
    }

    [Fact]
    public void GeneratedEstateShapes_Accepted_SameEventsAsYamlDotNet()
    {
        foreach (var text in new[] { Estate, Estate + "\n", "---\n" + Estate + "\n\n\n", Estate.Replace("\n", "\n\n", StringComparison.Ordinal) })
            Assert.True(AssertSameOrGivesUp(Encoding.ASCII.GetBytes(text)), text);
    }

    [Theory]
    [InlineData("a: b # comment\n")]
    [InlineData("a: 'quoted'\n")]
    [InlineData("a: \"quoted\"\n")]
    [InlineData("a:\n- b\n")]
    [InlineData("a:\n  - b\n")]
    [InlineData("a: b\n\tc: d\n")]
    [InlineData("a: b\r\nc: d\r\n")]
    [InlineData("a: caf\u00e9\n")]
    [InlineData("\uFEFFa: b\n")]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("a: b\n...\n")]
    [InlineData("a: b \n")]
    [InlineData("a: b\n  c\n")]
    [InlineData("a: b\n---\n---\nc: d\n")]
    [InlineData("a: b\n---\n")]
    [InlineData("a:\nb: c\n")]
    [InlineData("a: &x b\n")]
    [InlineData("a: *x\n")]
    [InlineData("a: !tag b\n")]
    [InlineData("a: [b,c]\n")]
    [InlineData("a: [b, ]\n")]
    [InlineData("a: {b}\n")]
    [InlineData("a: b: c\n")]
    [InlineData("a b: c\n")]
    [InlineData("  a: b\n")]
    [InlineData("a:\n    b: c\n  d: e\n")]
    [InlineData("--- a: b\n")]
    [InlineData("a: http://x\n")]
    [InlineData("? a\n: b\n")]
    public void OutsideTheSubset_GivesUp(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Null(PlainEvents(bytes));
        // ...and the loader then reads it with YamlDotNet: the same documents and diagnostics as with the plain parser off.
        using var dir = new TempDir();
        var file = dir.Write("estate.yaml", text);
        var withPlain = Load(file, plain: true);
        var without = Load(file, plain: false);
        Assert.Equal(without, withPlain);
    }

    private static string Load(string file, bool plain)
    {
        var bag = new DiagnosticBag();
        var documents = new DocumentLoader { ReadPlainYaml = plain }.LoadFiles([file], bag);
        return string.Join("\n", documents.Select(d => $"{d.Info.Kind} {d.Info.Name} {d.Info.Location} {d.Record is not null}")) + "\n--\n" +
            string.Join("\n", bag.Sorted());
    }

    private static readonly string[] RepositoryFolders = ["examples", "rules", "policies", "tests"];

    [Fact]
    public void RepositoryYaml_EveryFileAccepted_HasYamlDotNetsEvents()
    {
        var accepted = 0;
        var files = RepositoryFolders
            .Select(d => Repo.Path(d)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.y*ml", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
            if (AssertSameOrGivesUp(File.ReadAllBytes(file))) accepted++;
        Assert.True(accepted > 0, "no repository file is in the plain subset: the comparison above compared nothing");
    }

    [Fact]
    public void Mutations_AcceptedOnlyWithYamlDotNetsEvents()
    {
        // Seeded: the same mutations every run. Each text is a few documents with one to three edits of characters that
        // matter to YAML; whatever the plain parser accepts must be parsed by YamlDotNet into the very same events.
        var random = new Random(1305);
        const string alphabet = " -:#[]{},'\"\t\r\n.&*!|>?%@`~x1_/  abc  123 \n\n";
        var documents = Estate.Split("---\n");
        int accepted = 0, refused = 0;
        for (var round = 0; round < 20_000; round++)
        {
            // One to three whole documents (mostly still in the subset), then up to three edits.
            var first = random.Next(documents.Length);
            var count = 1 + random.Next(Math.Min(3, documents.Length - first));
            var text = new List<byte>(Encoding.ASCII.GetBytes((random.Next(4) == 0 ? "---\n" : "") + string.Join("---\n", documents.Skip(first).Take(count))));
            var edits = random.Next(4);
            for (var e = 0; e < edits && text.Count > 0; e++)
            {
                var at = random.Next(text.Count);
                switch (random.Next(5))
                {
                    case 0: text.Insert(at, (byte)alphabet[random.Next(alphabet.Length)]); break;
                    case 1: text.RemoveAt(at); break;
                    case 2: text[at] = (byte)alphabet[random.Next(alphabet.Length)]; break;
                    case 3: text.Insert(at, text[at]); break;
                    default: text.InsertRange(at, "  "u8.ToArray()); break;
                }
            }
            if (AssertSameOrGivesUp([.. text])) accepted++;
            else refused++;
        }
        Assert.True(accepted > 1_000, $"only {accepted} mutations accepted: the comparison is too weak");
        Assert.True(refused > 1_000, $"only {refused} mutations refused");
    }

    [Fact]
    public void GeneratedEstate_ReadByThePlainParser_SameRecordsAsYamlDotNetAndTheTree()
    {
        // The plain parser takes the file (TryReadPlain gives its documents), and the loader's records, positions and
        // diagnostics are those of the YamlDotNet paths (InventoryEventReaderTests compares every field of every record).
        var bytes = Encoding.ASCII.GetBytes(Estate);
        var documents = InventoryEventReader.TryReadPlain(bytes, "estate.yaml", YamlLimits.Default);
        Assert.NotNull(documents);
        Assert.Equal(4, documents.Count(d => d.Record is not null));
        Assert.Single(documents, d => d.Node is not null); // the Organization, from its tree
        using var dir = new TempDir();
        var file = dir.Write("estate.yaml", Estate);
        Assert.Equal(Load(file, plain: false), Load(file, plain: true));
    }
}
