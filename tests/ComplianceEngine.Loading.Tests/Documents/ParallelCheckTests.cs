using System.Buffers;
using System.Globalization;
using System.Text;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.FileSystem;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Documents;

/// <summary>
/// The estate's cross-check runs in pieces on several threads, the vocabulary check beside it, and files are read into
/// rented buffers: the diagnostics, their order and the bytes read must be those of doing it all one step at a time.
/// </summary>
public sealed class ParallelCheckTests
{
    /// <summary>
    /// An estate of several pieces of each kind (<see cref="EstateLinker.PieceSize"/>): dangling references of every
    /// role, documents that fail validation, names declared twice, spread over every piece.
    /// </summary>
    private static string EstateYaml(int seed, int stores = EstateLinker.PieceSize + 1500, int flows = 2 * EstateLinker.PieceSize + 900)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        void Doc(string kind, string name, string spec) =>
            text.Append(CultureInfo.InvariantCulture, $"---\napiVersion: compliance/v1\nkind: {kind}\nmetadata: {{name: {name}}}\nspec: {spec}\n");
        for (var i = 0; i < 40; i++)
        {
            var dr = random.Next(6) == 0 ? $", disasterRecovery: {{targets: [{(random.Next(2) == 0 ? "nowhere" : $"c{i}")}]}}" : "";
            Doc("Cluster", random.Next(15) == 0 ? "c1" : $"c{i}", $"{{provider: aws, region: eu-west-1{dr}}}");
        }
        for (var i = 0; i < stores; i++)
        {
            var spec = random.Next(400) switch
            {
                0 => $"{{cluster: zz-c{i}}}",
                1 => $"{{cluster: c2, replicas: [c2]}}",
                2 => $"{{recipient: zz-r{i}}}",
                3 => $"{{cluster: c3, backups: [s{i}, zz-b{i}]}}",
                4 => "{individuals: 3}",
                _ => $"{{cluster: c{i % 40}}}",
            };
            Doc("DataStore", random.Next(500) == 0 ? "s7" : $"s{i}", spec);
        }
        for (var i = 0; i < flows; i++)
        {
            var spec = random.Next(300) switch
            {
                0 => $"{{from: zz-from{i}, to: c1}}",
                1 => $"{{from: s{i % stores}, to: zz-to{i}}}",
                2 => $"{{from: s{i % stores}, to: s{i % stores}}}",
                _ => $"{{from: s{i % stores}, to: c{i % 40}}}",
            };
            Doc("DataFlow", random.Next(700) == 0 ? "f3" : $"f{i}", spec);
        }
        return text.ToString();
    }

    private static (Estate Estate, HashSet<DocumentInfo> WithErrors) Read(string yaml)
    {
        var bag = new DiagnosticBag();
        var withErrors = new HashSet<DocumentInfo>(ReferenceEqualityComparer.Instance);
        var docs = new DocumentLoader().LoadText(yaml, "estate.yaml", bag);
        var builder = new InventoryReader.Builder(bag, withErrors);
        foreach (var d in docs) builder.Add(d);
        return (builder.Build(), withErrors);
    }

    private static List<string> Lines(DiagnosticBag bag) => [.. bag.Sorted().Select(d => d.ToString())];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Check_InPieces_SameDiagnosticsAsOneThread(int seed)
    {
        var (estate, withErrors) = Read(EstateYaml(seed));
        Assert.True(estate.Flows.Length > 2 * EstateLinker.PieceSize && estate.Stores.Length > EstateLinker.PieceSize);
        var one = new DiagnosticBag();
        EstateLinker.Check(estate, one, withErrors, parallelism: 1);
        // Something of every kind to compare, in the last piece of flows too.
        foreach (var code in new[] { DiagnosticCodes.DanglingReference, DiagnosticCodes.DuplicateName, DiagnosticCodes.InvalidValue })
            Assert.Contains(one.Sorted(), d => d.Code == code);
        Assert.Contains(one.Sorted(), d => d.Location.Line > estate.Flows[2 * EstateLinker.PieceSize].Info.Location.Line);
        Assert.True(one.Count > 60, $"{one.Count} diagnostics");

        foreach (var parallelism in new[] { 2, 3, 16 })
        {
            var many = new DiagnosticBag();
            EstateLinker.Check(estate, many, withErrors, parallelism);
            Assert.Equal(one.Count, many.Count);
            Assert.Equal(one.ErrorCount, many.ErrorCount);
            Assert.Equal(Lines(one), Lines(many));
        }
    }

    [Fact]
    public void Finish_Alongside_RunsOverTheEstateAndIsDoneOnReturn()
    {
        var bag = new DiagnosticBag();
        var reader = new EstateReader(bag);
        reader.Add(new DocumentLoader().LoadText(EstateYaml(4, stores: 300, flows: 500), "estate.yaml", bag));
        // Usually on another thread; one the pool has not begun when the cross-check ends is run by the waiting thread.
        var done = false;
        var (estate, _) = reader.Finish(e =>
        {
            Thread.Sleep(50);
            Assert.True(e.Flows.Length > 0);
            done = true;
        });
        Assert.True(done);
        Assert.True(estate.Flows.Length > 0);
    }

    [Fact]
    public void Finish_AlongsideThrows_TheExceptionIsThrown()
    {
        var bag = new DiagnosticBag();
        var reader = new EstateReader(bag);
        reader.Add(new DocumentLoader().LoadText(EstateYaml(5, stores: 300, flows: 500), "estate.yaml", bag));
        var ex = Assert.Throws<InvalidOperationException>(() => reader.Finish(_ => throw new InvalidOperationException("beside")));
        Assert.Equal("beside", ex.Message);
    }

    [Fact]
    public void Finish_Alongside_SameDiagnosticsAsFinishThenCheck()
    {
        var yaml = EstateYaml(6, stores: 300, flows: 500);
        var before = new DiagnosticBag();
        var first = new EstateReader(before);
        first.Add(new DocumentLoader().LoadText(yaml, "estate.yaml", before));
        var (estate1, _) = first.Finish();
        before.Warning("CE0000", "after the cross-check", SourceLocation.None);

        var after = new DiagnosticBag();
        var second = new EstateReader(after);
        second.Add(new DocumentLoader().LoadText(yaml, "estate.yaml", after));
        var beside = new DiagnosticBag();
        var (estate2, _) = second.Finish(_ => beside.Warning("CE0000", "after the cross-check", SourceLocation.None));
        after.AddRange(beside);

        Assert.Equal(estate1.Flows.Length, estate2.Flows.Length);
        Assert.Equal(Lines(before), Lines(after));
    }

    /// <summary>A pool that counts what is rented and given back.</summary>
    private sealed class CountingPool : ArrayPool<byte>
    {
        public int Out;

        public override byte[] Rent(int minimumLength)
        {
            Out++;
            return new byte[minimumLength + 17];
        }

        public override void Return(byte[] array, bool clearArray = false) => Out--;
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(5000, 0)]
    [InlineData(5000, 10)]
    [InlineData(70_000, 100)]
    [InlineData(70_000, 70_000)]
    public void ReadAll_Pooled_SameBytesAsUnpooled(int size, int hint)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var pool = new CountingPool();
        var plain = BoundedInput.ReadAll(new MemoryStream(bytes), 1 << 20, hint)!.Value;
        var rented = BoundedInput.ReadAll(new MemoryStream(bytes), 1 << 20, hint, pool)!.Value;
        Assert.Equal(plain.ToArray(), rented.ToArray());
        Assert.Equal(1, pool.Out); // only the array handed out is still out
        BoundedInput.Return(rented, pool);
        Assert.Equal(0, pool.Out);
    }

    [Theory]
    [InlineData(101, 0)]
    [InlineData(5000, 0)]
    [InlineData(5000, 5000)]
    public void ReadAll_Pooled_OverTheCap_NullAndEveryArrayGivenBack(int size, int hint)
    {
        var pool = new CountingPool();
        Assert.Null(BoundedInput.ReadAll(new MemoryStream(new byte[size]), 100, hint, pool));
        Assert.Equal(0, pool.Out);
        // Exactly the cap is read.
        Assert.Equal(100, BoundedInput.ReadAll(new MemoryStream(new byte[100]), 100, hint, pool)!.Value.Count);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(4, 5)]
    public void ReadFiles_StoppedAfterTheFirstFile_ReadsNoFurtherThanTheLookAhead(int parallelism, int mostRead)
    {
        using var dir = new TempDir();
        var files = Enumerable.Range(0, 30).Select(i => dir.Write($"f{i:D2}.yaml",
            $"apiVersion: compliance/v1\nkind: Cluster\nmetadata: {{name: c{i}}}\nspec: {{provider: aws, region: eu-west-1}}\n")).ToList();
        var digests = new FileDigests();
        var loader = new DocumentLoader { MaxDegreeOfParallelism = parallelism, Digests = digests };
        var first = loader.ReadFiles(files, new DiagnosticBag()).First();
        Assert.Equal("c0", Assert.Single(first).Info.Name);
        // Tasks already started may still be finishing: wait a moment, then count the files read.
        Thread.Sleep(200);
        Assert.InRange(digests.All.Count, 1, mostRead);
    }

    [Fact]
    public void ReadFiles_SmallAndLargeFilesMixed_DocumentsAndDiagnosticsAsOneByOne()
    {
        using var dir = new TempDir();
        var random = new Random(11);
        var files = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            // Sizes from one document to a thousand, a mistake here and there.
            var count = random.Next(3) == 0 ? 1 : random.Next(50, 1000);
            var text = new StringBuilder();
            for (var j = 0; j < count; j++)
                text.Append(CultureInfo.InvariantCulture, $"---\napiVersion: compliance/v1\nkind: DataFlow\nmetadata: {{name: f{i}-{j}}}\nspec: {{from: s{j}, to: c{j}, {(random.Next(40) == 0 ? "purpse" : "purpose")}: analytics}}\n");
            if (i % 4 == 1) text.Append("---\na: 1\nb: 2\na: 3\n"); // a duplicate key: the file's diagnostic
            files.Add(dir.Write($"f{i:D2}.yaml", text.ToString()));
        }
        (List<string>, List<string>) Load(int parallelism)
        {
            var bag = new DiagnosticBag();
            var docs = new List<string>();
            foreach (var batch in new DocumentLoader { MaxDegreeOfParallelism = parallelism }.ReadFiles(files, bag))
                docs.AddRange(batch.Select(d => $"{d.Info.Name}@{d.Info.Location}"));
            return (docs, Lines(bag));
        }
        var (oneDocs, oneDiags) = Load(1);
        Assert.NotEmpty(oneDiags);
        foreach (var parallelism in new[] { 2, 3, 8 })
        {
            var (docs, diags) = Load(parallelism);
            Assert.Equal(oneDocs, docs);
            Assert.Equal(oneDiags, diags);
        }
    }
}
