using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Documents;

/// <summary>
/// Files and request bodies read straight from parser events (<see cref="DocumentLoader.ReadRecordsFromEvents"/>) must
/// give the records, documents and diagnostics the YAML tree gives, byte for byte, on every input: the repository's
/// examples and scenarios, and hostile or mistaken YAML of every kind (a mistaken document is read from its own tree, a
/// YAML-level problem hands the whole file back to the tree path).
/// </summary>
public sealed class InventoryEventReaderTests
{
    private const string Org = "apiVersion: compliance/v1\nkind: Organization\nmetadata: {name: acme, labels: {team: legal}}\nspec:\n  country: DE\n  certifications: [iso27001]\n  mechanisms: [bcr]\n  attributes: {ciio: false}\n";

    private const string Waiver = "apiVersion: compliance/v1\nkind: Waiver\nmetadata: {name: w1}\nspec:\n  rule: GDPR-CH5-TRANSFER\n  subject: DataFlow/f1\n  jurisdiction: EU\n  justification: signed\n  approvedBy: Dana\n  ticket: PRIV-1\n  approved: 2026-06-01\n  expires: 2026-12-15\n";

    private const string Category = "apiVersion: compliance/v1\nkind: DataCategory\nmetadata: {name: user.contact.pager}\nspec:\n  parent: user.contact\n  description: a pager number\n";

    private const string Flow = "apiVersion: compliance/v1\nkind: DataFlow\nmetadata: {name: f1, labels: {team: a}}\nspec:\n  from: s1\n  to: c1\n  purpose: analytics\n";

    /// <summary>
    /// Everything a load gives, three ways in (<c>check</c>'s LoadWorkspace; the scenario runner's LoadFiles and ReadEstate;
    /// each file's text through LoadText, as the hosted engine reads a request body), with and without the source reader:
    /// the estate's records with every property and position, the waivers, the envelope and spec tree of every document
    /// that is not an inventory record (Organization, Waiver, Policy, DataCategory, rule kinds...), the diagnostics
    /// (sorted, and how many were added).
    /// </summary>
    private static (string Estate, string Diagnostics, int Count, int FromEvents) Load(IReadOnlyList<string> paths, bool fromEvents, YamlLimits? limits,
        bool plain = true)
    {
        var estates = new StringBuilder();
        var diagnostics = new StringBuilder();
        var count = 0;
        var read = 0;
        foreach (var sources in new Sources.ISourceReader?[] { null, new Import.EstateImporter() })
        {
            var documents = new DocumentLoader(limits, sources) { ReadRecordsFromEvents = fromEvents, ReadPlainYaml = plain };
            var bag = new DiagnosticBag();
            var (estate, waivers) = new WorkspaceLoader(documents).LoadWorkspace(paths, bag);
            estates.Append(Dump(estate)).Append('\n').Append(Dump(waivers)).Append('\n');
            diagnostics.AppendJoin("\n", bag.Sorted()).Append("\n--\n");
            count += bag.Count;

            var bag2 = new DiagnosticBag();
            var docs = documents.LoadFiles(documents.FindInputFiles(paths, bag2), bag2);
            estates.Append(DumpTrees(docs)).Append('\n');
            estates.Append(Dump(WorkspaceLoader.ReadEstate(docs, bag2))).Append('\n');
            diagnostics.AppendJoin("\n", bag2.Sorted()).Append("\n--\n");
            count += bag2.Count;
            read += docs.Count(d => d.Record is not null);

            // The hosted engine's way: each file's text as an inline document (a request body), under the same caps.
            var bag3 = new DiagnosticBag();
            var texts = new List<RawDocument>();
            foreach (var file in documents.FindInputFiles(paths, bag3))
            {
                if (documents.ReadText(file, bag3) is { } text) texts.AddRange(documents.LoadText(text, file, bag3));
            }
            estates.Append(DumpTrees(texts)).Append('\n');
            var reader = new EstateReader(bag3);
            reader.Add(texts);
            var (fromText, textWaivers) = reader.Finish();
            estates.Append(Dump(fromText)).Append('\n').Append(Dump(textWaivers)).Append('\n');
            diagnostics.AppendJoin("\n", bag3.Sorted()).Append("\n--\n");
            count += bag3.Count;
            read += texts.Count(d => d.Record is not null);
        }
        return (estates.ToString(), diagnostics.ToString(), count, read / 4);
    }

    /// <summary>The envelope and spec tree of every document that is not an inventory record kind (always read from a tree).</summary>
    private static string DumpTrees(IEnumerable<RawDocument> documents)
    {
        var sb = new StringBuilder();
        foreach (var d in documents.Where(d => d.Info.Kind is not (DocumentKind.Cluster or DocumentKind.DataStore or DocumentKind.DataFlow or DocumentKind.Recipient)))
        {
            Write(sb, d.Info, 0);
            Write(sb, d.Spec.Location, 0);
            foreach (var key in d.Spec.Keys.ToList())
            {
                sb.Append(' ').Append(key);
                Write(sb, d.Spec.KeyLocationOf(key), 0);
                Write(sb, d.Spec.Node(key), 0);
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static (string Estate, string Diagnostics, int FromEvents) AssertSame(IEnumerable<string> paths, YamlLimits? limits = null)
    {
        var list = paths.ToList();
        var tree = Load(list, fromEvents: false, limits);
        var events = Load(list, fromEvents: true, limits);
        Assert.Equal(0, tree.FromEvents);
        Assert.Equal(tree.Diagnostics, events.Diagnostics);
        Assert.Equal(tree.Count, events.Count);
        Assert.Equal(tree.Estate, events.Estate);
        // The same with every file's events from YamlDotNet (no plain-subset parser).
        var parsed = Load(list, fromEvents: true, limits, plain: false);
        Assert.Equal(tree.Diagnostics, parsed.Diagnostics);
        Assert.Equal(tree.Count, parsed.Count);
        Assert.Equal(tree.Estate, parsed.Estate);
        Assert.Equal(events.FromEvents, parsed.FromEvents);
        // Only the diagnostics of one load (without the source reader, through LoadWorkspace), for the tests' own checks.
        return (events.Estate, events.Diagnostics[..events.Diagnostics.IndexOf("\n--\n", StringComparison.Ordinal)], events.FromEvents);
    }

    private static (string Estate, string Diagnostics, int FromEvents) AssertSameText(string yaml, YamlLimits? limits = null)
    {
        using var dir = new TempDir();
        return AssertSame([dir.Write("estate.yaml", yaml)], limits);
    }

    // ---- the repository's inputs ----

    public static TheoryData<string> RepositoryInputs()
    {
        var data = new TheoryData<string>();
        data.Add("examples/estate");
        data.Add("examples");
        foreach (var scenario in Directory.EnumerateDirectories(Repo.Path("rules"), "*", SearchOption.TopDirectoryOnly)
                     .SelectMany(pack => Directory.Exists(Path.Combine(pack, "tests")) ? Directory.EnumerateDirectories(Path.Combine(pack, "tests")) : [])
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Repo.Root, scenario));
        }
        data.Add("tests/ComplianceEngine.Loading.Tests/Fuzz/corpus");
        data.Add("tests/ComplianceEngine.Import.Tests/Scenarios");
        return data;
    }

    [Theory]
    [MemberData(nameof(RepositoryInputs))]
    public void RepositoryInput_EventsAndTree_SameRecordsAndDiagnostics(string folder)
    {
        var root = Repo.Path(folder);
        AssertSame([root]);
        // And each file on its own (a file's diagnostics do not depend on the others read with it).
        foreach (var file in Directory.EnumerateFiles(root, "*.y*ml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(200))
            AssertSame([file]);
    }

    [Fact]
    public void ExampleEstate_ReadFromEvents()
    {
        var (estate, diagnostics, fromEvents) = AssertSame([Repo.Path("examples/estate")]);
        // The comparison above means something only if the event path did read the example's inventory files.
        Assert.True(fromEvents >= 10, $"{fromEvents} documents read from events");
        Assert.Contains("DataFlow", estate, StringComparison.Ordinal);
        _ = diagnostics;
    }

    [Fact]
    public void CleanFile_EveryKindAndField_ReadFromEventsAsTheTreeReadsIt()
    {
        const string yaml = """
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {name: c1, labels: {team: web, tier: ~}}
            spec:
              provider: aws
              region: eu-central-1
              country: ~
              environment: "staging"
              role: standby
              operator: 'Acme GmbH'
              agreements: [dpa-1, "dpa-2"]
              attributes: {residency: eu, empty: ~, n: 3}
              disasterRecovery:
                strategy: warm-standby
                targets: [c2, s1]
            ---
            apiVersion: compliance/v1
            kind: Cluster
            metadata:
              name: c2
            spec: {provider: onprem, country: DE, disasterRecovery: {targets: []}}
            ---
            apiVersion: compliance/v1
            kind: Recipient
            metadata: {name: r1}
            spec: {country: "", role: controller, certifications: [iso27001], agreements: ~}
            ---
            kind: DataStore
            apiVersion: compliance/v1
            spec:
              cluster: c1
              encryption: {atRest: true, keyCountry: DE, endToEnd: false}
              categories: [user.contact, 'user.name']
              subjects: [EU]
              subjectTypes: [customer]
              designations: [critical]
              individuals: 1_000_000
              sensitiveIndividuals: 10
              primary: True
              replicas: [c2]
              backups: []
              geoRedundant: false
            metadata: {name: s1}
            ---
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: s2}
            spec: {recipient: r1, encryption: {}, categories: ~}
            ---
            apiVersion: compliance/v1
            kind: DataFlow
            metadata: {name: f1}
            spec:
              from: s1
              to: r1
              categories: [user.contact]
              purpose: ml-training
              mechanisms: [scc]
              individuals: 5
              sensitiveIndividuals: ~
              encryptedInTransit: true
              pseudonymised: false
              retention: P30D
            """;
        var (estate, diagnostics, fromEvents) = AssertSameText(yaml);
        Assert.Equal(6, fromEvents);
        Assert.Equal("", diagnostics);
        Assert.Contains("Acme GmbH", estate, StringComparison.Ordinal);
        Assert.Contains("30.00:00:00", estate, StringComparison.Ordinal);
    }

    // ---- mistakes and hostile YAML: handed to the tree, reported exactly as before, never accepted ----

    public static TheoryData<string> Mistakes() =>
    [
        Flow.Replace("purpose: analytics", "purpose: analytcs", StringComparison.Ordinal),
        Flow + "  colour: blue\n",
        Flow.Replace("  to: c1\n", "", StringComparison.Ordinal),
        Flow.Replace("  to: c1\n", "  to: ~\n", StringComparison.Ordinal),
        Flow.Replace("  to: c1\n", "  to: [c1]\n", StringComparison.Ordinal),
        Flow + "  individuals: many\n",
        Flow + "  individuals: '5'\n",
        Flow + "  individuals: -5\n",
        Flow + "  encryptedInTransit: 'true'\n",
        Flow + "  encryptedInTransit: yes\n",
        Flow + "  retention: P1Y\n",
        Flow + "  categories: user.contact\n",
        Flow + "  categories: [user.contact, ~]\n",
        Flow + "  categories: [[user.contact]]\n",
        Flow + "  mechanisms: {scc: true}\n",
        Flow + "  attributes: {a: [1]}\n",
        Flow + "  attributes: [a]\n",
        Flow + "  from: s2\n",
        Flow.Replace("labels: {team: a}", "labels: {team: a, team: b}", StringComparison.Ordinal),
        Flow.Replace("labels: {team: a}", "labels: {team: [a]}", StringComparison.Ordinal),
        Flow.Replace("labels: {team: a}", "labels: [a]", StringComparison.Ordinal),
        Flow.Replace("labels: {team: a}", "annotations: {note: x}", StringComparison.Ordinal),
        Flow.Replace("labels: {team: a}", "annotations: {note: x, note: y}", StringComparison.Ordinal),
        Flow.Replace("labels: {team: a}", "owner: x", StringComparison.Ordinal),
        Flow.Replace("{name: f1, ", "{name: '', ", StringComparison.Ordinal),
        Flow.Replace("{name: f1, ", "{name: ~, ", StringComparison.Ordinal),
        Flow.Replace("{name: f1, ", "{name: [f1], ", StringComparison.Ordinal),
        Flow.Replace("{name: f1, ", "{", StringComparison.Ordinal),
        Flow.Replace("compliance/v1", "compliance/v2", StringComparison.Ordinal),
        Flow.Replace("compliance/v1", "~", StringComparison.Ordinal),
        Flow.Replace("kind: DataFlow", "kind: Dataflow", StringComparison.Ordinal),
        Flow.Replace("kind: DataFlow", "kind: Organization", StringComparison.Ordinal),
        Flow.Replace("kind: DataFlow\n", "", StringComparison.Ordinal),
        Flow.Replace("metadata: {name: f1, labels: {team: a}}\n", "", StringComparison.Ordinal),
        Flow.Replace("metadata: {name: f1, labels: {team: a}}\n", "metadata: ~\n", StringComparison.Ordinal),
        Flow[..Flow.IndexOf("spec:", StringComparison.Ordinal)],
        Flow[..Flow.IndexOf("spec:", StringComparison.Ordinal)] + "spec: [1]\n",
        Flow[..Flow.IndexOf("spec:", StringComparison.Ordinal)] + "spec: ~\n",
        Flow + "extra: 1\n",
        "spec: {from: a, to: b}\n" + Flow.Replace("spec:\n  from: s1\n  to: c1\n  purpose: analytics\n", "", StringComparison.Ordinal),
        Flow + "kind: DataFlow\n",
        Flow + "  to: c2\n",
        Flow + "  ? [a, b]\n  : c\n",
        Flow.Replace("from: s1", "from: &a s1", StringComparison.Ordinal).Replace("to: c1", "to: *a", StringComparison.Ordinal),
        Flow.Replace("from: s1", "from: !!str s1", StringComparison.Ordinal),
        Flow.Replace("from: s1", "from: !custom s1", StringComparison.Ordinal),
        Flow.Replace("from: s1", "from: \"s1\"", StringComparison.Ordinal),
        Flow + "---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal) + "  purpose: api\n",
        Flow + "---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal) + "  foo: [\n",
        Flow + "---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal) + "  foo: {\n",
        Flow + "---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal).Replace("purpose: analytics", "purpose: other", StringComparison.Ordinal),
        Flow + "---\n---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal),
        Flow + "---\n- a\n- b\n",
        Flow + "---\nplain text\n",
        Flow + "---\n" + Flow,
        Flow + "...\n",
        "%YAML 1.2\n---\n" + Flow,
        Flow + "  \"from\": s3\n",
        Flow.Replace("kind: DataFlow", "kind: 'DataFlow'", StringComparison.Ordinal),
        Flow.Replace("spec:\n  from: s1", "spec:\n  from: s1\n  disasterRecovery: {targets: [a]}", StringComparison.Ordinal),
        "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: c1}\nspec: {provider: aws, disasterRecovery: {strategy: cold}}\n",
        "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: c1}\nspec: {provider: aws, disasterRecovery: {targets: ~}}\n",
        "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: c1}\nspec: {provider: aws, disasterRecovery: {targets: c2}}\n",
        "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: c1}\nspec: {provider: aws, disasterRecovery: [c2]}\n",
        "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: c1}\nspec: {provider: aws, disasterRecovery: {targets: [c2], targets: [c3]}}\n",
        "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: c1}\nspec: {provider: aws, disasterRecovery: {targets: [c1]}}\n",
        "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: c1}\nspec: {provider: amazon}\n",
        "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: c1}\nspec: {provider: ~}\n",
        "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: c1}\nspec: {region: eu-west-1}\n",
        "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: c1}\nspec: {provider: onprem}\n",
        "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: c1}\nspec: {provider: aws, role: leader}\n",
        "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: c1}\nspec: {provider: aws, country: [DE]}\n",
        "apiVersion: compliance/v1\nkind: DataStore\nmetadata: {name: s1}\nspec: {cluster: c1, recipient: r1}\n",
        "apiVersion: compliance/v1\nkind: DataStore\nmetadata: {name: s1}\nspec: {cluster: c1, encryption: {atRest: 1}}\n",
        "apiVersion: compliance/v1\nkind: DataStore\nmetadata: {name: s1}\nspec: {cluster: c1, encryption: {keyCountry: [DE]}}\n",
        "apiVersion: compliance/v1\nkind: DataStore\nmetadata: {name: s1}\nspec: {cluster: c1, encryption: {kms: aws}}\n",
        "apiVersion: compliance/v1\nkind: DataStore\nmetadata: {name: s1}\nspec: {cluster: c1, encryption: on}\n",
        "apiVersion: compliance/v1\nkind: DataStore\nmetadata: {name: s1}\nspec: {cluster: c1, individuals: 5, sensitiveIndividuals: 6}\n",
        "apiVersion: compliance/v1\nkind: DataStore\nmetadata: {name: s1}\nspec: {cluster: c1, replicas: [~]}\n",
        "apiVersion: compliance/v1\nkind: DataStore\nmetadata: {name: s1}\nspec: {cluster: c1, backups: s2}\n",
        "apiVersion: compliance/v1\nkind: Recipient\nmetadata: {name: r1}\nspec: {role: processor}\n",
        "apiVersion: compliance/v1\nkind: Recipient\nmetadata: {name: r1}\nspec: {country: US, role: vendor}\n",
        "apiVersion: compliance/v1\nkind: Recipient\nmetadata: {name: r1}\nspec: {country: US, certifications: iso}\n",
        "apiVersion: compliance/v1\nkind: Recipient\nmetadata: {name: r1}\nspec: {country: US}\n---\napiVersion: compliance/v1\nkind: Recipient\nmetadata: {name: r1}\nspec: {country: DE}\n",
        "apiVersion: compliance/v1\nkind: Organization\nmetadata: {name: o}\nspec: {country: DE}\n---\n" + Flow,
        "apiVersion: compliance/v1\nkind: Waiver\nmetadata: {name: w}\nspec: {}\n---\n" + Flow,
        "apiVersion: compliance/v1\nkind: RulePack\nmetadata: {name: p}\nspec: {}\n---\n" + Flow,
        // Organization, Waiver, DataCategory and Policy documents beside inventory: each read from its own tree.
        Org + "---\n" + Flow,
        Flow + "---\n" + Org,
        Flow + "---\n" + Waiver + "---\n" + Category + "---\n" + Org,
        Org.Replace("  country: DE\n", "", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("  country: DE\n", "  country: ~\n", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("  country: DE\n", "  country: [DE]\n", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("  country: DE\n", "  countyr: DE\n", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("[iso27001]", "iso27001", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("[bcr]", "[bcr, ~]", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("{ciio: false}", "{ciio: [false]}", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("{name: acme, ", "{name: '', ", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("{name: acme, ", "{", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("labels: {team: legal}", "annotations: {note: x}", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("labels: {team: legal}", "owner: x", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("compliance/v1", "compliance/v2", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("kind: Organization", "kind: Organisation", StringComparison.Ordinal) + "---\n" + Flow,
        Org[..Org.IndexOf("spec:", StringComparison.Ordinal)] + "spec: ~\n---\n" + Flow,
        Org[..Org.IndexOf("spec:", StringComparison.Ordinal)] + "spec: [DE]\n---\n" + Flow,
        Org[..Org.IndexOf("spec:", StringComparison.Ordinal)] + "---\n" + Flow,
        "spec: {country: DE}\n" + Org[..Org.IndexOf("spec:", StringComparison.Ordinal)] + "---\n" + Flow,
        Org + "---\n" + Org.Replace("acme", "acme2", StringComparison.Ordinal) + "---\n" + Flow,
        Org + "---\n" + Flow + "---\n" + Org,
        Org + "  country: FR\n---\n" + Flow,
        Org.Replace("{team: legal}", "{team: legal, team: x}", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("country: DE", "country: &c DE", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("[bcr]", "[*c]", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("country: DE", "country: !!str DE", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("country: DE", "country: \"DE\"", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("country: DE", "country: |\n    DE", StringComparison.Ordinal) + "---\n" + Flow,
        Org.Replace("  country: DE\n", "  ? [a]\n  : DE\n", StringComparison.Ordinal) + "---\n" + Flow,
        Org + "  attributes2: {a: " + new string('[', 100) + new string(']', 100) + "}\n---\n" + Flow,
        Org + "  foo: [\n---\n" + Flow,
        Flow + "---\n" + Org + "  foo: [\n",
        Waiver + "---\n" + Flow,
        Waiver.Replace("  expires: 2026-12-15\n", "", StringComparison.Ordinal) + "---\n" + Flow,
        Waiver.Replace("2026-12-15", "someday", StringComparison.Ordinal) + "---\n" + Flow,
        Waiver + "  color: red\n---\n" + Flow,
        Category + "---\n" + Flow,
        Category.Replace("parent: user.contact", "parent: user", StringComparison.Ordinal) + "---\n" + Flow,
        Category.Replace("user.contact.pager}", "Pager}", StringComparison.Ordinal) + "---\n" + Flow,
        "apiVersion: compliance/v1\nkind: Policy\nmetadata: {name: p}\nspec: {failOn: medium}\n---\n" + Flow,
        "apiVersion: compliance/v1\nkind: TestCase\nmetadata: {name: t}\nspec: {}\n---\n" + Flow,
        "apiVersion: compliance/v1\nkind: Jurisdiction\nmetadata: {name: j}\nspec: {}\n---\n" + Flow,
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {topology.kubernetes.io/region: eu-west-1}}\n---\n" + Flow,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n---\n" + Flow,
        Flow + "---\n- a\n- [b, {c: d}]\n",
        Flow + "---\n~\n---\n" + Org,
        Flow + "---\n'quoted'\n",
        Flow + "---\n{}\n",
        // Mistakes in inventory documents beside clean ones: the mistaken one is read from its own tree.
        Flow + "---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal).Replace("purpose: analytics", "purpose: analytcs", StringComparison.Ordinal) + "---\n" + Flow.Replace("f1", "f3", StringComparison.Ordinal),
        Flow.Replace("purpose: analytics", "purpose: analytcs", StringComparison.Ordinal) + "---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal) + "  colour: red\n---\n" + Org,
        "",
        "---\n",
        "# only a comment\n",
        "[1, 2\n",
        "a: 'unclosed\n",
        "\t- tab\n",
    ];

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Mistake_EventsAndTree_SameRecordsAndDiagnostics(string yaml) => AssertSameText(yaml);

    [Fact]
    public void Mistakes_AreReported_NotAccepted()
    {
        // Every mistake above that the tree reports is reported (the event path never turns one into a clean load).
        var reported = 0;
        foreach (var yaml in Mistakes())
        {
            var (_, diagnostics, _) = AssertSameText(yaml);
            if (diagnostics.Length > 0) reported++;
        }
        Assert.True(reported >= 110, $"{reported} mistakes reported");
    }

    [Fact]
    public void EveryFieldWithEveryShapeOfValue_EventsAndTree_Same()
    {
        // Each field of each kind, given each shape of value: the event path takes the good ones and hands the rest to the tree.
        string[] values = ["~", "''", "x", "'x'", "true", "'true'", "False", "12", "1_000", "-1", "'7'", "P1D", "PT20H", "P1M", "2026-01-01",
            "[]", "[a]", "[a, ~]", "[a, [b]]", "{}", "{a: b}", "{a: [b]}", "aws", "primary", "analytics", "processor", "active-active", "DE"];
        var kinds = new Dictionary<string, (string Base, string[] Fields)>
        {
            ["Cluster"] = ("provider: aws", ["provider", "region", "country", "environment", "role", "operator", "agreements", "attributes", "disasterRecovery", "unknown"]),
            ["DataStore"] = ("cluster: c1", ["cluster", "recipient", "encryption", "categories", "subjects", "subjectTypes", "designations", "individuals",
                "sensitiveIndividuals", "primary", "replicas", "backups", "geoRedundant"]),
            ["DataFlow"] = ("from: s1\n  to: c1", ["from", "to", "categories", "purpose", "mechanisms", "individuals", "sensitiveIndividuals",
                "encryptedInTransit", "pseudonymised", "retention"]),
            ["Recipient"] = ("country: US", ["country", "role", "certifications", "agreements"]),
        };
        var sb = new StringBuilder();
        var n = 0;
        foreach (var (kind, (baseSpec, fields)) in kinds)
        {
            foreach (var field in fields)
            {
                foreach (var value in values)
                {
                    var spec = baseSpec.StartsWith(field + ":", StringComparison.Ordinal) || baseSpec.Contains("\n  " + field + ":", StringComparison.Ordinal)
                        ? string.Join("\n  ", baseSpec.Split("\n  ").Select(l => l.StartsWith(field + ":", StringComparison.Ordinal) ? $"{field}: {value}" : l))
                        : $"{baseSpec}\n  {field}: {value}";
                    sb.Append(CultureInfo.InvariantCulture, $"---\napiVersion: compliance/v1\nkind: {kind}\nmetadata: {{name: d{n++}}}\nspec:\n  {spec}\n");
                }
            }
        }
        // One file per document (a mistake hands its whole file to the tree), then all in one file.
        using var dir = new TempDir();
        var docs = sb.ToString().Split("---\n", StringSplitOptions.RemoveEmptyEntries);
        var files = docs.Select((d, i) => dir.Write($"d{i:D4}.yaml", d)).ToList();
        var (_, diagnostics, fromEvents) = AssertSame([dir.Path]);
        Assert.True(fromEvents > 100, $"{fromEvents} read from events");
        Assert.NotEqual("", diagnostics);
        AssertSameText(sb.ToString());
        foreach (var f in files.Take(400)) AssertSame([f]);
    }

    [Fact]
    public void AliasBomb_RejectedAsBefore()
    {
        var bomb = new StringBuilder("a0: &a0 [x, x]\n");
        for (var i = 1; i < 30; i++) bomb.Append(CultureInfo.InvariantCulture, $"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n");
        var (_, diagnostics, fromEvents) = AssertSameText(Flow + "---\n" + bomb);
        Assert.Contains(DiagnosticCodes.YamlAliasRejected, diagnostics, StringComparison.Ordinal);
        Assert.Equal(1, fromEvents); // the flow before the bomb, as the tree path keeps the documents before a stop
        var (_, inSpec, _) = AssertSameText(Flow.Replace("purpose: analytics", "purpose: &p analytics\n  mechanisms: [*p]", StringComparison.Ordinal));
        Assert.Contains(DiagnosticCodes.YamlAliasRejected, inSpec, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNesting_RejectedAsBefore_WithinTheDepthCap()
    {
        var deep = Flow + "  attributes: {a: " + new string('[', 200) + new string(']', 200) + "}\n";
        var (_, diagnostics, _) = AssertSameText(deep);
        Assert.Contains(DiagnosticCodes.YamlTooDeep, diagnostics, StringComparison.Ordinal);
        // A cap lower than a clean document's own depth: the tree's diagnostic, not a record.
        var (_, capped, fromEvents) = AssertSameText(Flow, new YamlLimits { MaxDepth = 2 });
        Assert.Contains(DiagnosticCodes.YamlTooDeep, capped, StringComparison.Ordinal);
        Assert.Equal(0, fromEvents);
        var (_, fits, fitted) = AssertSameText(Flow, new YamlLimits { MaxDepth = 3 });
        Assert.DoesNotContain(DiagnosticCodes.YamlTooDeep, fits, StringComparison.Ordinal);
        Assert.Equal(1, fitted);
    }

    [Fact]
    public void EventCap_EnforcedPerFileAsBefore()
    {
        var many = string.Concat(Enumerable.Range(0, 300).Select(i => $"---\napiVersion: compliance/v1\nkind: Cluster\nmetadata: {{name: c{i}}}\nspec: {{provider: aws, region: eu-west-1}}\n"));
        var parser = new YamlDotNet.Core.Parser(new StringReader(many));
        var events = 0;
        while (parser.MoveNext()) events++;
        var (_, under, underEvents) = AssertSameText(many, new YamlLimits { MaxEvents = events });
        Assert.Equal("", under);
        Assert.Equal(300, underEvents);
        var (_, over, overEvents) = AssertSameText(many, new YamlLimits { MaxEvents = events - 1 });
        Assert.Contains(DiagnosticCodes.YamlTooManyNodes, over, StringComparison.Ordinal);
        Assert.Equal(300, overEvents); // the cap trips at the stream's end: every document before it stands, as in the tree path
    }

    [Fact]
    public void EventCap_AtEveryEvent_SameAsTheTree()
    {
        // A stop on each event in turn (a document's own end included): the same documents and diagnostic as the tree path.
        var text = Flow + "---\n" + Org + "---\n- a\n- b\n---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal);
        var parser = new YamlDotNet.Core.Parser(new StringReader(text));
        var events = 0;
        while (parser.MoveNext()) events++;
        for (var cap = 1; cap <= events; cap++) AssertSameText(text, new YamlLimits { MaxEvents = cap });
    }

    [Fact]
    public void HugeList_ReadFromEvents()
    {
        var categories = string.Join(", ", Enumerable.Range(0, 20_000).Select(i => $"user.c{i}"));
        var (estate, diagnostics, fromEvents) = AssertSameText(Flow + $"  categories: [{categories}]\n");
        // Only the references to documents not in the file.
        Assert.All(diagnostics.Split('\n'), d => Assert.Contains(DiagnosticCodes.DanglingReference, d, StringComparison.Ordinal));
        Assert.Equal(1, fromEvents);
        Assert.Contains("user.c19999", estate, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateKeyInOneDocument_DropsTheWholeFileAsBefore()
    {
        var text = Flow + "---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal).Replace("  to: c1\n", "  to: c1\n  to: c2\n", StringComparison.Ordinal);
        var (estate, diagnostics, fromEvents) = AssertSameText(text);
        Assert.Contains(DiagnosticCodes.YamlDuplicateKey, diagnostics, StringComparison.Ordinal);
        Assert.DoesNotContain("f1", estate, StringComparison.Ordinal);
        Assert.Equal(0, fromEvents);
    }

    [Fact]
    public void MixedFiles_EachFileItsOwnPath_DiagnosticsInFileOrder()
    {
        using var dir = new TempDir();
        dir.Write("a.yaml", Flow);
        dir.Write("b.yaml", Flow.Replace("f1", "f2", StringComparison.Ordinal).Replace("analytics", "nope", StringComparison.Ordinal));
        dir.Write("c.yaml", Flow.Replace("f1", "f3", StringComparison.Ordinal) + "---\napiVersion: compliance/v1\nkind: Organization\nmetadata: {name: o}\nspec: {country: DE}\n");
        dir.Write("d.yaml", Flow.Replace("f1", "f1", StringComparison.Ordinal));
        var (_, diagnostics, fromEvents) = AssertSame([dir.Path]);
        Assert.Equal(3, fromEvents); // a.yaml, d.yaml, and c.yaml's flow (its Organization is read from its own tree)
        Assert.Contains(DiagnosticCodes.InvalidValue, diagnostics, StringComparison.Ordinal);
        Assert.Contains(DiagnosticCodes.DuplicateName, diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public void OrganizationAndOtherKindsBesideInventory_InventoryStillReadFromEvents()
    {
        // A request body holds every kind in one stream: the inventory documents around the others are records.
        var text = Org + "---\n" + Flow + "---\n" + Waiver + "---\n" + Category + "---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal);
        var (estate, diagnostics, fromEvents) = AssertSameText(text);
        Assert.Equal(2, fromEvents);
        Assert.Contains("Organization", estate, StringComparison.Ordinal);
        Assert.Contains("ciio", estate, StringComparison.Ordinal);
        Assert.Contains("user.contact.pager", estate, StringComparison.Ordinal);
        Assert.DoesNotContain("CE10", diagnostics, StringComparison.Ordinal); // only the dangling references of the flows
    }

    [Fact]
    public void MistakenDocumentBesideCleanOnes_OnlyItReadFromItsTree()
    {
        var text = Flow + "---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal).Replace("purpose: analytics", "purpose: analytcs", StringComparison.Ordinal)
            + "---\n" + Flow.Replace("f1", "f3", StringComparison.Ordinal);
        var (_, diagnostics, fromEvents) = AssertSameText(text);
        Assert.Equal(2, fromEvents);
        Assert.Contains(DiagnosticCodes.InvalidValue, diagnostics, StringComparison.Ordinal);
        Assert.Contains("analytcs", diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_RequestBody_ReadFromEvents_UnderItsOwnCaps()
    {
        var body = Org + string.Concat(Enumerable.Range(0, 50).Select(i => "---\n" + Flow.Replace("f1", $"f{i}", StringComparison.Ordinal)));
        var fromEvents = new DocumentLoader(YamlLimits.Default).LoadText(body, "request.yaml", new DiagnosticBag());
        Assert.Equal(50, fromEvents.Count(d => d.Record is DataFlow));
        Assert.Single(fromEvents, d => d.Info.Kind == DocumentKind.Organization && d.Record is null);

        // The caps are the loader's: a body over its node or depth cap is reported as the tree reports it, nothing read from events.
        var parser = new YamlDotNet.Core.Parser(new StringReader(body));
        var events = 0;
        while (parser.MoveNext()) events++;
        foreach (var (limits, records) in new[] { (new YamlLimits { MaxEvents = events - 1 }, 50), (new YamlLimits { MaxDepth = 2 }, 0) })
        {
            var eventsBag = new DiagnosticBag();
            var treeBag = new DiagnosticBag();
            var read = new DocumentLoader(limits).LoadText(body, "request.yaml", eventsBag);
            var tree = new DocumentLoader(limits) { ReadRecordsFromEvents = false }.LoadText(body, "request.yaml", treeBag);
            Assert.Equal(string.Join("\n", treeBag.Sorted()), string.Join("\n", eventsBag.Sorted()));
            Assert.True(eventsBag.HasErrors);
            Assert.Equal(tree.Count, read.Count);
            Assert.Equal(records, read.Count(d => d.Record is not null));
        }
        var (_, under, underEvents) = AssertSameText(body, new YamlLimits { MaxEvents = events });
        Assert.Equal(50, underEvents);
        Assert.DoesNotContain(DiagnosticCodes.YamlTooManyNodes, under, StringComparison.Ordinal);
    }

    [Fact]
    public void LongDocumentWithAMistake_FileReadThroughTheTree_SameDiagnostics()
    {
        // Past the events a document keeps for its own tree, a mistake in it hands the whole file back to the tree path.
        var categories = string.Join(", ", Enumerable.Range(0, 5_000).Select(i => $"user.c{i}"));
        var (_, diagnostics, fromEvents) = AssertSameText(Flow + "---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal) + $"  categories: [{categories}]\n  colour: red\n");
        Assert.Equal(0, fromEvents);
        Assert.Contains("colour", diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateKeys_ReportedEveryOne_FileGivesNoDocuments_AsTheTreePath()
    {
        var text = Flow + "---\n" + Org.Replace("  country: DE\n", "  country: DE\n  country: FR\n", StringComparison.Ordinal)
            + "---\n" + Flow.Replace("f1", "f2", StringComparison.Ordinal).Replace("  to: c1\n", "  to: c1\n  to: c2\n", StringComparison.Ordinal);
        var (estate, diagnostics, fromEvents) = AssertSameText(text);
        Assert.Equal(2, diagnostics.Split('\n').Count(d => d.Contains(DiagnosticCodes.YamlDuplicateKey, StringComparison.Ordinal)));
        Assert.Equal(0, fromEvents);
        Assert.DoesNotContain("\"f1\"", estate, StringComparison.Ordinal);
        // A stop after a duplicate keeps the documents read before it, duplicate and all, as the tree path does.
        AssertSameText(text + "---\nkey: &anchor value\n");
    }

    [Fact]
    public void HugeList_NodeCapReached_ParsedOnce()
    {
        // A body built to the node cap is read once (the stop is reported where the tree path reports it), not again through the tree.
        var text = "[" + string.Join(",", Enumerable.Repeat("1", 600_000)) + "]";
        var limits = new YamlLimits { MaxEvents = 500_000 };
        GC.Collect();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var bag = new DiagnosticBag();
        var docs = new DocumentLoader(limits) { MaxDegreeOfParallelism = 1 }.LoadText(text, "huge.yaml", bag);
        var events = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var treeBag = new DiagnosticBag();
        new DocumentLoader(limits) { ReadRecordsFromEvents = false }.LoadText(text, "huge.yaml", treeBag);
        var tree = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(docs);
        Assert.Equal(string.Join("\n", treeBag.Sorted()), string.Join("\n", bag.Sorted()));
        Assert.Equal(DiagnosticCodes.YamlTooManyNodes, Assert.Single(bag.Sorted()).Code);
        Assert.True(events < tree * 1.2, $"events {events:N0} bytes, tree {tree:N0}");
    }

    [Fact]
    public void ReadFiles_CleanInventoryFile_IsOneBatchOfRecords_WithAnEmptySpec()
    {
        using var dir = new TempDir();
        var file = dir.Write("a.yaml", Flow);
        var bag = new DiagnosticBag();
        var batch = Assert.Single(new DocumentLoader().ReadFiles([file], bag));
        var doc = Assert.Single(batch);
        var flow = Assert.IsType<DataFlow>(doc.Record);
        Assert.Equal(new SourceLocation(file, 1, 1), doc.Info.Location);
        Assert.Equal(new SourceLocation(file, 6, 7), flow.To.Location);
        Assert.Empty(doc.Spec.Keys);
        Assert.Equal(0, bag.Count);
    }

    // ---- a dump of every public property, recursively, so that two loads compare field by field with positions ----

    private static string Dump(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value, int depth)
    {
        if (depth > 80) throw new InvalidOperationException("dump too deep");
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case string s:
                sb.Append('"').Append(s).Append('"');
                return;
            case SourceLocation l:
                sb.Append('@').Append(l.File).Append(':').Append(l.Line).Append(':').Append(l.Column);
                return;
            case bool or int or long or TimeSpan or DateOnly or Enum:
                sb.Append(CultureInfo.InvariantCulture, $"{value}");
                return;
        }
        var type = value.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>)
            && (bool)type.GetProperty("IsDefault")!.GetValue(value)!)
        {
            sb.Append("default");
            return;
        }
        if (value is IEnumerable items)
        {
            sb.Append('[');
            foreach (var item in items)
            {
                Write(sb, item, depth + 1);
                sb.Append(", ");
            }
            sb.Append(']');
            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
        {
            Write(sb, type.GetProperty("Key")!.GetValue(value), depth + 1);
            sb.Append('=');
            Write(sb, type.GetProperty("Value")!.GetValue(value), depth + 1);
            return;
        }
        sb.Append(type.Name).Append('{');
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
                     .OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            sb.Append(p.Name).Append(": ");
            Write(sb, p.GetValue(value), depth + 1);
            sb.Append("; ");
        }
        sb.Append('}');
    }
}
