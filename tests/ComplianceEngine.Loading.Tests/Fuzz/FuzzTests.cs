using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ComplianceEngine.Tests;
using CsCheck;

namespace ComplianceEngine.Loading.Tests.Fuzz;

/// <summary>
/// A mutation fuzzer driven by CsCheck: inputs are seeds from the corpus with random byte flips, insertions of YAML
/// tokens, deletions, duplications and splices. A few seconds per target in CI; <c>COMPLIANCE_FUZZ_SECONDS</c> runs longer.
/// An input that makes a target throw is saved to the corpus folder (and the test fails): commit it with the fix.
/// </summary>
public sealed class FuzzTests
{
    private static readonly string CorpusRoot = Repo.Path("tests", "ComplianceEngine.Loading.Tests", "Fuzz", "corpus");

    private static readonly byte[][] Tokens = [.. new[]
    {
        "&a ", "*a", "!!python/object ", "!tag ", "[", "]", "{", "}", "- ", ": ", "---\n", "...\n", "\t", "\0", "\"", "'", "#", "|\n", ">-\n",
        "? ", ",", "\n  ", "%YAML 1.1\n", "<<: ", "apiVersion: compliance/v1\n", "kind: DataFlow\n", "metadata: {name: x}\n", "spec:\n",
        "\uFEFF", "\u2028", "\xff", "1e999", "-0", "0x1F", "2026-02-30", "~", "null", "yes",
    }.Select(Encoding.UTF8.GetBytes)];

    private static int Budget => int.TryParse(Environment.GetEnvironmentVariable("COMPLIANCE_FUZZ_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 3;

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    private static byte[][] Corpus(IFuzzTarget target) =>
        [.. Directory.EnumerateFiles(Path.Combine(CorpusRoot, target.Name)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_EveryInput_ReadWithoutThrowing(string name)
    {
        var target = FuzzTargets.ByName(name);
        var corpus = Corpus(target);
        Assert.NotEmpty(corpus);
        foreach (var input in corpus) target.Run(input);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutations_NeverThrow(string name)
    {
        var target = FuzzTargets.ByName(name);
        var corpus = Corpus(target);
        var mutation = Gen.Select(Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Int[1, 64]);
        var gen = Gen.Select(Gen.Int[0, corpus.Length - 1], mutation.Array[1, 12], Gen.Int[0, corpus.Length - 1]);
        gen.Sample((seed, mutations, other) =>
        {
            var input = Mutate(corpus[seed], corpus[other], mutations);
            try
            {
                target.Run(input);
            }
            catch (Exception)
            {
                Save(target, input);
                throw;
            }
        }, time: Budget, threads: 1);
    }

    private static byte[] Mutate(byte[] seed, byte[] other, (int Kind, int A, int B, int Length)[] mutations)
    {
        var bytes = new List<byte>(seed);
        foreach (var (kind, a, b, length) in mutations)
        {
            var at = bytes.Count == 0 ? 0 : a % bytes.Count;
            switch (kind)
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << (b % 8));
                    break;
                case 1:
                    bytes.InsertRange(at, Tokens[b % Tokens.Length]);
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(length, bytes.Count - at));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.InsertRange(b % bytes.Count, bytes.GetRange(at, Math.Min(length, bytes.Count - at)));
                    break;
                case 4 when other.Length > 0:
                    var from = b % other.Length;
                    bytes.InsertRange(at, other.AsSpan(from, Math.Min(length * 4, other.Length - from)).ToArray());
                    break;
                default:
                    bytes.Insert(at, (byte)b);
                    break;
            }
        }
        return [.. bytes];
    }

    private static void Save(IFuzzTarget target, byte[] input)
    {
        var name = "found-" + Convert.ToHexStringLower(SHA256.HashData(input))[..16];
        File.WriteAllBytes(Path.Combine(CorpusRoot, target.Name, name), input);
    }
}
