using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Core.Tests;

/// <summary>
/// Core is pure (no clock, file system, console, environment or randomness): Microsoft.CodeAnalysis.BannedApiAnalyzers
/// enforces it at build time from src/ComplianceEngine.Core/BannedSymbols.txt. These tests fail when the analyzer or a
/// ban is removed, and check the built assembly itself as a second line.
/// </summary>
public sealed class PurityTests
{
    private static readonly string CoreFolder = Repo.Path("src", "ComplianceEngine.Core");

    /// <summary>The bans that must stay (documentation-comment IDs as the analyzer reads them).</summary>
    public static TheoryData<string> RequiredBans => new()
    {
        "P:System.DateTime.Now", "P:System.DateTime.UtcNow", "P:System.DateTime.Today",
        "P:System.DateTimeOffset.Now", "P:System.DateTimeOffset.UtcNow", "P:System.TimeProvider.System",
        "T:System.Diagnostics.Stopwatch",
        "T:System.IO.File", "T:System.IO.Directory", "T:System.IO.FileInfo", "T:System.IO.DirectoryInfo", "T:System.IO.FileStream", "T:System.IO.Path",
        "T:System.Console",
        "M:System.Environment.GetEnvironmentVariable(System.String)", "M:System.Environment.GetEnvironmentVariables",
        "T:System.Random", "M:System.Guid.NewGuid", "T:System.Security.Cryptography.RandomNumberGenerator",
    };

    private static HashSet<string> BannedIds() =>
        File.ReadAllLines(Path.Combine(CoreFolder, "BannedSymbols.txt"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(';', 2)[0].Trim())
            .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void CoreProject_ReferencesBannedApiAnalyzer_WithItsBannedSymbolsFile()
    {
        var project = XDocument.Load(Path.Combine(CoreFolder, "ComplianceEngine.Core.csproj"));
        var analyzer = project.Descendants("PackageReference")
            .SingleOrDefault(e => (string?)e.Attribute("Include") == "Microsoft.CodeAnalysis.BannedApiAnalyzers");
        Assert.NotNull(analyzer);
        Assert.Equal("all", (string?)analyzer.Attribute("PrivateAssets"));
        Assert.Contains(project.Descendants("AdditionalFiles"), e => (string?)e.Attribute("Include") == "BannedSymbols.txt");
        // The version comes from the central package versions, as every package's does.
        var versions = XDocument.Load(Repo.Path("Directory.Packages.props"));
        Assert.Contains(versions.Descendants("PackageVersion"), e => (string?)e.Attribute("Include") == "Microsoft.CodeAnalysis.BannedApiAnalyzers");
    }

    [Theory]
    [MemberData(nameof(RequiredBans))]
    public void BannedSymbols_ListsRequiredBan(string id) => Assert.Contains(id, BannedIds());

    [Fact]
    public void BannedSymbols_AllowsProcessorCount()
    {
        // The evaluator's default parallelism reads Environment.ProcessorCount: only named Environment members are banned.
        Assert.DoesNotContain("T:System.Environment", BannedIds());
        Assert.DoesNotContain("P:System.Environment.ProcessorCount", BannedIds());
    }

    [Fact]
    public void CoreAssembly_ReferencesNoBannedSymbol()
    {
        var banned = BannedIds();
        var bannedTypes = banned.Where(b => b.StartsWith("T:", StringComparison.Ordinal)).Select(b => b[2..]).ToHashSet(StringComparer.Ordinal);
        // Members by type and name (every overload of a banned member's name counts; properties as their getters).
        var bannedMembers = banned.Where(b => b[0] is 'M' or 'P')
            .Select(b =>
            {
                var id = b[2..].Split('(')[0];
                var dot = id.LastIndexOf('.');
                return (Type: id[..dot], Name: b[0] == 'P' ? "get_" + id[(dot + 1)..] : id[(dot + 1)..]);
            })
            .ToHashSet();

        using var stream = File.OpenRead(typeof(Engine).Assembly.Location);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        string TypeName(TypeReferenceHandle h)
        {
            var t = md.GetTypeReference(h);
            return $"{md.GetString(t.Namespace)}.{md.GetString(t.Name)}";
        }
        var found = new List<string>();
        var seenMembers = 0;
        var seesObjectConstructor = false;
        foreach (var h in md.TypeReferences)
        {
            var name = TypeName(h);
            if (bannedTypes.Contains(name)) found.Add(name);
        }
        foreach (var h in md.MemberReferences)
        {
            var member = md.GetMemberReference(h);
            if (member.Parent.Kind != HandleKind.TypeReference) continue;
            var key = (TypeName((TypeReferenceHandle)member.Parent), md.GetString(member.Name));
            seenMembers++;
            seesObjectConstructor |= key == ("System.Object", ".ctor");
            if (bannedMembers.Contains(key)) found.Add($"{key.Item1}.{key.Item2}");
        }
        // The scan sees Core's calls into the framework (every class's constructor calls object's), so an empty list means something.
        Assert.True(seenMembers > 100 && seesObjectConstructor, $"only {seenMembers} member references read");
        Assert.Empty(found);
    }
}
