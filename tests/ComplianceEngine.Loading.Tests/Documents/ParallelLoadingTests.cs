using System.Globalization;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Documents;

/// <summary>Files are parsed several at once; documents and diagnostics must come out as if read one after another.</summary>
public sealed class ParallelLoadingTests
{
    /// <summary>40 files: valid documents, unknown fields, wrong types, duplicate keys, syntax errors, aliases, empty files.</summary>
    private static List<string> WriteEstate(TempDir dir)
    {
        var files = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var n = i.ToString("D2", CultureInfo.InvariantCulture);
            var text = (i % 8) switch
            {
                0 => $"apiVersion: compliance/v1\nkind: Cluster\nmetadata: {{name: c{n}}}\nspec: {{provider: aws, region: eu-central-1}}\n",
                1 => $"apiVersion: compliance/v1\nkind: Cluster\nmetadata: {{name: c{n}}}\nspec: {{provider: aws, regoin: eu-central-1}}\n",
                2 => $"apiVersion: compliance/v1\nkind: DataStore\nmetadata: {{name: s{n}}}\nspec:\n  cluster: c00\n  categories: user.contact\n",
                3 => $"a: 1\nb: 2\na: 3\n",
                4 => $"apiVersion: compliance/v1\nkind: Cluster\nmetadata: {{name: c{n}\nspec: [\n",
                5 => $"x: &a [1]\ny: *a\n",
                6 => "",
                _ => string.Concat(Enumerable.Range(0, 30).Select(j =>
                    $"---\napiVersion: compliance/v1\nkind: DataFlow\nmetadata: {{name: f{n}-{j}}}\nspec: {{from: s02, to: c00, purpose: {(j % 5 == 0 ? "analytcs" : "analytics")}}}\n")),
            };
            files.Add(dir.Write($"f{n}.yaml", text));
        }
        return files;
    }

    private static (List<string> Documents, IReadOnlyList<Diagnostic> Diagnostics) Load(IReadOnlyList<string> files, int parallelism)
    {
        var bag = new DiagnosticBag();
        var docs = new DocumentLoader { MaxDegreeOfParallelism = parallelism }.LoadFiles(files, bag);
        WorkspaceLoader.ReadEstate(docs, bag); // the specs' own diagnostics too
        return ([.. docs.Select(d => $"{d.Info.Kind}/{d.Info.Name}@{d.Info.Location}")], bag.Sorted());
    }

    [Fact]
    public void LoadFiles_InParallel_SameDocumentsAndDiagnosticsAsOneByOne()
    {
        using var dir = new TempDir();
        var files = WriteEstate(dir);
        var (sequentialDocs, sequentialDiags) = Load(files, 1);
        // The estate has something of every kind, so the comparison means something.
        Assert.True(sequentialDocs.Count > 100, $"{sequentialDocs.Count} documents");
        foreach (var code in new[] { DiagnosticCodes.UnknownField, DiagnosticCodes.YamlDuplicateKey, DiagnosticCodes.YamlSyntax, DiagnosticCodes.YamlAliasRejected, DiagnosticCodes.InvalidValue })
            Assert.Contains(sequentialDiags, d => d.Code == code);

        foreach (var parallelism in new[] { 2, 4, 16 })
        {
            for (var run = 0; run < 5; run++)
            {
                var (docs, diags) = Load(files, parallelism);
                Assert.Equal(sequentialDocs, docs);
                Assert.Equal(sequentialDiags, diags);
            }
        }
    }

    [Fact]
    public void LoadFiles_InParallel_DocumentsInFileOrder()
    {
        using var dir = new TempDir();
        var files = WriteEstate(dir);
        var (docs, _) = Load(files, 8);
        var fileOfEach = docs.Select(d => d[(d.IndexOf('@', StringComparison.Ordinal) + 1)..].Split(':')[0]).ToList();
        Assert.Equal(fileOfEach.Order(StringComparer.Ordinal), fileOfEach);
        // Within a file, documents in the order written.
        var flows = docs.Where(d => d.Contains("f07-", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 30).Select(j => $"f07-{j}"), flows.Select(d => d.Split('/')[1].Split('@')[0]));
    }

    [Fact]
    public void ParseFiles_ResultsInTheOrderGiven_WithDisplayNamesAndTheirOwnDiagnostics()
    {
        using var dir = new TempDir();
        var files = WriteEstate(dir);
        var missing = Path.Combine(dir.Path, "missing.yaml");
        var parsed = new DocumentLoader { MaxDegreeOfParallelism = 4 }.ParseFiles([.. files, missing], f => "shown/" + Path.GetFileName(f));
        Assert.Equal([.. files.Select(f => "shown/" + Path.GetFileName(f)), "shown/missing.yaml"], parsed.Select(p => p.Name));
        // A syntax error is positioned in the display name; an unreadable file has no nodes and names the path as given.
        Assert.Equal("shown/f04.yaml", Assert.Single(parsed[4].Diagnostics.Sorted()).Location.File);
        Assert.Null(parsed[^1].Nodes);
        Assert.Equal(missing, Assert.Single(parsed[^1].Diagnostics.Sorted()).Location.File);
        Assert.Empty(parsed[0].Diagnostics.Sorted());
    }

    [Fact]
    public void WorkspaceLoader_EstateFromManyFiles_SameWithAnyParallelism()
    {
        using var dir = new TempDir();
        WriteEstate(dir);
        string Run(int parallelism)
        {
            var bag = new DiagnosticBag();
            var loader = new DocumentLoader { MaxDegreeOfParallelism = parallelism };
            var docs = loader.LoadFiles(DocumentLoader.FindFiles([dir.Path], bag), bag);
            var estate = WorkspaceLoader.ReadEstate(docs, bag);
            return string.Join("\n", estate.Clusters.Select(c => c.Info.Name).Concat(estate.Stores.Select(s => s.Info.Name)).Concat(estate.Flows.Select(f => f.Info.Name))
                .Concat(bag.Sorted().Select(d => d.ToString())));
        }
        var one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(8));
    }

    [Fact]
    public void ReadFiles_HandsOutOneFileAtATime_ParsingOnlyAWindowAhead()
    {
        using var dir = new TempDir();
        var files = WriteEstate(dir);
        var bag = new DiagnosticBag();
        using var batches = new DocumentLoader { MaxDegreeOfParallelism = 2 }.ReadFiles(files, bag).GetEnumerator();
        Assert.Equal(0, bag.Count); // nothing is read before the first batch is asked for
        Assert.True(batches.MoveNext());
        Assert.Equal("c00", Assert.Single(batches.Current).Info.Name);
        // f03 (a duplicate key) is beyond the first window (f00, f01): its diagnostic is not there yet.
        Assert.DoesNotContain(bag.Sorted(), d => d.Code == DiagnosticCodes.YamlDuplicateKey);
        for (var i = 0; i < 3; i++) Assert.True(batches.MoveNext());
        Assert.Contains(bag.Sorted(), d => d.Code == DiagnosticCodes.YamlDuplicateKey);
    }

    [Fact]
    public void EstateReader_BatchByBatch_SameEstateWaiversAndDiagnosticsAsAllAtOnce()
    {
        using var dir = new TempDir();
        var files = WriteEstate(dir);
        files.Add(dir.Write("waivers.yaml", """
            apiVersion: compliance/v1
            kind: Waiver
            metadata: {name: w1}
            spec: {rule: R, subject: DataFlow/f07-1, jurisdiction: EU, justification: short, approvedBy: a, ticket: T-1, expires: 2027-01-01}
            ---
            apiVersion: compliance/v1
            kind: Organization
            metadata: {name: acme}
            spec: {country: DE}
            ---
            apiVersion: compliance/v1
            kind: Organization
            metadata: {name: other}
            spec: {country: FR}

            """));
        static string Describe(Model.Inventory.Estate estate, IEnumerable<Model.Policy.Waiver> waivers, DiagnosticBag bag) =>
            string.Join("\n", estate.Clusters.Select(c => c.ToString()).Concat(estate.Stores.Select(s => s.ToString())).Concat(estate.Flows.Select(f => f.ToString()))
                .Append(estate.Organization?.ToString() ?? "no organization").Concat(waivers.Select(w => w.ToString())).Concat(bag.Sorted().Select(d => d.ToString())));

        var allBag = new DiagnosticBag();
        var loader = new DocumentLoader { MaxDegreeOfParallelism = 1 };
        var docs = loader.LoadFiles(files, allBag);
        var allWaivers = PolicyReader.ReadWaivers(docs, allBag);
        var all = Describe(WorkspaceLoader.ReadEstate(docs, allBag), allWaivers, allBag);

        var bag = new DiagnosticBag();
        var reader = new EstateReader(bag);
        foreach (var batch in new DocumentLoader { MaxDegreeOfParallelism = 4 }.ReadFiles(files, bag)) reader.Add(batch);
        var (estate, waivers) = reader.Finish();
        Assert.Equal(all, Describe(estate, waivers, bag));
        Assert.Contains(bag.Sorted(), d => d.Code == DiagnosticCodes.PolicyInvalid); // the waiver's short justification
        Assert.Contains(bag.Sorted(), d => d.Code == DiagnosticCodes.DuplicateName); // the second Organization
    }
}
