using System.Collections.Immutable;
using ComplianceEngine.Bench;
using ComplianceEngine.Loading;
using ComplianceEngine.Loading.Vocabulary;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Tests;
using CsCheck;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>
/// Issue 9 part 6, vocabulary half: over generated estates (the bench's seeded Bogus generator), a valid estate passes
/// the vocabulary check, and mistyping any category, subject type, subject code, country or attribute name always gives
/// an error (exit 2) with the code of what was mistyped. Fixed seed, one thread: the same cases every run.
/// </summary>
public sealed class VocabularyPropertyTests
{
    private const string Seed = "0N0XIzNsQ0O2";

    private static readonly Lazy<(RuleSource Source, GeoCatalog Geo)> Rules = new(() =>
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules")], bag);
        Assert.DoesNotContain(bag.Sorted(), d => d.Severity == DiagnosticSeverity.Error);
        return (source, new GeoCatalog(source, Repo.Path("rules")));
    });

    /// <summary>What a mutation mistypes, and the diagnostic code that must follow.</summary>
    public enum Target
    {
        StoreCategory,
        FlowCategory,
        SubjectType,
        Subject,
        Country,
        Attribute,
    }

    /// <summary>A typo: delete, swap, replace, insert or change the case of one character.</summary>
    public sealed record Typo(int Operation, int Position, char Letter)
    {
        public string Apply(string word)
        {
            var i = Position % word.Length;
            return Operation switch
            {
                0 when word.Length > 1 => word.Remove(i, 1),
                1 when i + 1 < word.Length && word[i] != word[i + 1] => string.Concat(word.AsSpan(0, i), word[i + 1].ToString(), word[i].ToString(), word.AsSpan(i + 2)),
                2 when word[i] != Letter => word.Remove(i, 1).Insert(i, Letter.ToString()),
                3 => word.Insert(i, Letter.ToString()),
                _ => word.Remove(i, 1).Insert(i, char.IsUpper(word[i]) ? char.ToLowerInvariant(word[i]).ToString() : char.ToUpperInvariant(word[i]).ToString()) is var flipped && flipped != word
                    ? flipped
                    : word + Letter,
            };
        }
    }

    private static readonly Gen<Typo> TypoGen =
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, 40], Gen.Char['a', 'z'], (op, pos, letter) => new Typo(op, pos, letter));

    private static readonly Gen<(int EstateSeed, Target Target, int Pick, Typo Typo)> Cases =
        Gen.Select(Gen.Int[1, 1_000_000], Gen.Enum<Target>(), Gen.Int[0, int.MaxValue], TypoGen);

    private static Estate Generate(int seed) =>
        new EstateGenerator(Rules.Value.Geo, seed).Generate(EstateSize.ForFlows(100));

    private static IReadOnlyList<Diagnostic> Check(Estate estate)
    {
        var bag = new DiagnosticBag();
        VocabularyChecker.Check(estate, Rules.Value.Source.Vocabulary, bag);
        return bag.Sorted();
    }

    [Fact]
    public void GeneratedEstates_PassTheVocabularyCheck() =>
        Gen.Int[1, 1_000_000].Sample(seed => Assert.Empty(Check(Generate(seed))), seed: Seed, iter: 40, threads: 1);

    [Fact]
    public void MistypedVocabulary_AlwaysAnErrorWithTheRightCode()
    {
        var mutated = new Dictionary<Target, int>();
        Cases.Sample(c =>
        {
            var estate = Generate(c.EstateSeed);
            if (Mutate(estate, c.Target, c.Pick, c.Typo) is not { } m) return;
            mutated[c.Target] = mutated.GetValueOrDefault(c.Target) + 1;
            var diagnostics = Check(m.Estate);
            Assert.True(diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && d.Code == m.Code),
                $"{c.Target} '{m.From}' -> '{m.To}' gave no {m.Code}: {string.Join("; ", diagnostics)}");
        }, seed: Seed, iter: 400, threads: 1);
        // The property is about typos, not about skipped cases: every target was really mistyped many times.
        Assert.All(Enum.GetValues<Target>(), t => Assert.True(mutated.GetValueOrDefault(t) >= 20, $"{t} mistyped only {mutated.GetValueOrDefault(t)} times"));
    }

    /// <summary>The estate with one value mistyped, or null when the typo happens to be a valid value (or there is nothing to mistype).</summary>
    private static (Estate Estate, string Code, string From, string To)? Mutate(Estate estate, Target target, int pick, Typo typo)
    {
        var v = Rules.Value.Source.Vocabulary;
        switch (target)
        {
            case Target.StoreCategory or Target.SubjectType or Target.Subject:
            {
                var stores = estate.Stores.Where(s => Items(s, target).Length > 0).ToList();
                if (stores.Count == 0) return null;
                var store = stores[pick % stores.Count];
                var items = Items(store, target);
                var j = pick / 7 % items.Length;
                var to = typo.Apply(items[j]);
                var valid = target switch
                {
                    Target.StoreCategory => v.Categories.Find(to) is not null,
                    Target.SubjectType => v.SubjectTypes.Find(to) is not null,
                    _ => v.RegimeCodes.Contains(to) || v.CountryCodes.Contains(to),
                };
                if (valid) return null;
                var changed = target switch
                {
                    Target.StoreCategory => store with { Categories = items.SetItem(j, to) },
                    Target.SubjectType => store with { SubjectTypes = items.SetItem(j, to) },
                    _ => store with { Subjects = items.SetItem(j, to) },
                };
                var code = target switch
                {
                    Target.StoreCategory => DiagnosticCodes.UnknownCategory,
                    Target.SubjectType => DiagnosticCodes.UnknownSubjectType,
                    _ => DiagnosticCodes.UnknownSubjectCode,
                };
                return (estate with { Stores = estate.Stores.Replace(store, changed) }, code, items[j], to);
            }
            case Target.FlowCategory:
            {
                var flows = estate.Flows.Where(f => f.Categories.Length > 0).ToList();
                if (flows.Count == 0) return null;
                var flow = flows[pick % flows.Count];
                var j = pick / 7 % flow.Categories.Length;
                var to = typo.Apply(flow.Categories[j]);
                if (v.Categories.Find(to) is not null) return null;
                return (estate with { Flows = estate.Flows.Replace(flow, flow with { Categories = flow.Categories.SetItem(j, to) }) },
                    DiagnosticCodes.UnknownCategory, flow.Categories[j], to);
            }
            case Target.Country:
            {
                if (estate.Recipients.IsEmpty) return null;
                var recipient = estate.Recipients[pick % estate.Recipients.Length];
                var to = typo.Apply(recipient.Country);
                if (v.CountryCodes.Contains(to) || to == Model.Jurisdictions.CountryCodes.Unknown) return null;
                return (estate with { Recipients = estate.Recipients.Replace(recipient, recipient with { Country = to }) },
                    DiagnosticCodes.UnknownCountryCode, recipient.Country, to);
            }
            default:
            {
                // A declared attribute, written on a document of a kind that carries it, with its name mistyped.
                var declaration = v.Attributes[pick % v.Attributes.Length];
                var to = typo.Apply(declaration.Name);
                if (v.Attributes.Any(a => a.Name == to)) return null;
                var value = declaration.Type == "bool" ? "true" : "x";
                DocumentInfo With(DocumentInfo info) => info with { Attributes = info.Attributes.SetItem(to, value) };
                var kind = declaration.Kinds[pick / 7 % declaration.Kinds.Length];
                Estate? changed = kind switch
                {
                    "Organization" when estate.Organization is { } o => estate with { Organization = o with { Info = With(o.Info) } },
                    "Cluster" when !estate.Clusters.IsEmpty => estate with { Clusters = estate.Clusters.SetItem(0, estate.Clusters[0] with { Info = With(estate.Clusters[0].Info) }) },
                    "Recipient" when !estate.Recipients.IsEmpty => estate with { Recipients = estate.Recipients.SetItem(0, estate.Recipients[0] with { Info = With(estate.Recipients[0].Info) }) },
                    "DataStore" when !estate.Stores.IsEmpty => estate with { Stores = estate.Stores.SetItem(0, estate.Stores[0] with { Info = With(estate.Stores[0].Info) }) },
                    "DataFlow" when !estate.Flows.IsEmpty => estate with { Flows = estate.Flows.SetItem(0, estate.Flows[0] with { Info = With(estate.Flows[0].Info) }) },
                    _ => null,
                };
                return changed is null ? null : (changed, DiagnosticCodes.UndeclaredAttribute, declaration.Name, to);
            }
        }
    }

    private static ImmutableArray<string> Items(DataStore store, Target target) => target switch
    {
        Target.StoreCategory => store.Categories,
        Target.SubjectType => store.SubjectTypes,
        _ => store.Subjects,
    };
}
