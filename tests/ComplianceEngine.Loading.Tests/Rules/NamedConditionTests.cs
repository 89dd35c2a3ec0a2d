using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Rules;

/// <summary>Named lists and predicates: every reference resolves or is a diagnostic at the reference; the rules see inlined conditions.</summary>
public sealed class NamedConditionTests
{
    private const string Shared = """
        apiVersion: compliance/v1
        kind: List
        metadata: {name: systematic-purposes}
        spec:
          description: purposes of standing pipelines
          items: [replication, backup, sync]
        ---
        apiVersion: compliance/v1
        kind: Predicate
        metadata: {name: eu-leaving}
        spec:
          description: EU personal data leaving the EEA
          condition:
            all:
              - {field: categories, prefix: [user]}
              - {field: regimes, contains: EU}
              - {field: destination.country, notInGroup: EEA}
        ---
        apiVersion: compliance/v1
        kind: Predicate
        metadata: {name: one-off}
        spec:
          description: an occasional transfer that is not a standing pipeline
          condition:
            all:
              - {field: purpose, notIn: {list: systematic-purposes}}
              - {field: attributes.occasional, isTrue: true}

        """;

    private static string Pack(string when, string require = "{predicate: one-off}") => $$"""
        apiVersion: compliance/v1
        kind: RulePack
        metadata: {name: p}
        spec:
          jurisdiction: EU
          attributes:
            - {name: occasional, type: bool, kinds: [DataFlow], description: occasional}
          rules:
            - id: R-1
              title: A rule
              appliesTo: transfer
              severity: high
              citations: [{instrument: GDPR, article: Art. 44}]
              when: {{when}}
              require: {{require}}
              message: m
              remediation: r

        """;

    private static (RulePack Pack, IReadOnlyList<Diagnostic> Diagnostics) Load(string pack, string shared = Shared)
    {
        using var dir = new TempDir();
        dir.Write("rules.yaml", pack);
        dir.Write("shared.yaml", shared);
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([dir.Path, Repo.Path("rules", "catalog")], bag);
        return (Assert.Single(source.Packs), bag.Sorted());
    }

    [Fact]
    public void Load_DesignationComparedInsidePredicate_JoinsTheDesignationVocabulary()
    {
        using var dir = new TempDir();
        dir.Write("rules.yaml", Pack("{all: [{predicate: eu-leaving}, {predicate: sensitive}, {field: designations, in: [alpha]}]}"));
        dir.Write("shared.yaml", Shared + """
            ---
            apiVersion: compliance/v1
            kind: Predicate
            metadata: {name: sensitive}
            spec:
              description: designated data
              condition: {any: [{field: designations, containsAny: [beta, gamma]}, {field: designations, exists: true}]}

            """);
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([dir.Path, Repo.Path("rules", "catalog")], bag);
        Assert.Empty(bag.Sorted());
        Assert.Equal(["alpha", "beta", "gamma"], source.Vocabulary.Designations);
    }

    [Fact]
    public void Load_UnknownPredicate_DiagnosticAtReferenceWithSuggestion()
    {
        var (_, diags) = Load(Pack("{predicate: eu-leavin}"));
        var d = Assert.Single(diags);
        Assert.Equal(DiagnosticCodes.RuleUnknownPredicate, d.Code);
        Assert.Contains("no Predicate 'eu-leavin'", d.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'eu-leaving'", d.Message, StringComparison.Ordinal);
        Assert.EndsWith("rules.yaml", d.Location.File, StringComparison.Ordinal);
        Assert.Equal((14, 25), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Load_UnknownList_DiagnosticAtReferenceWithSuggestion()
    {
        var (_, diags) = Load(Pack("{field: purpose, in: {list: systematic-purpose}}"));
        var d = Assert.Single(diags);
        Assert.Equal(DiagnosticCodes.RuleUnknownList, d.Code);
        Assert.Contains("did you mean 'systematic-purposes'", d.Message, StringComparison.Ordinal);
        Assert.Equal((14, 41), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Load_UnknownListInsideAPredicate_ReportedOnceAtThePredicate()
    {
        var (_, diags) = Load(Pack("{predicate: eu-leaving}"), Shared.Replace("{list: systematic-purposes}", "{list: systematic}", StringComparison.Ordinal));
        var unknown = Assert.Single(diags, d => d.Code == DiagnosticCodes.RuleUnknownList);
        Assert.EndsWith("shared.yaml", unknown.Location.File, StringComparison.Ordinal);
        Assert.Contains(diags, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Load_PredicatesInACycle_Diagnostic()
    {
        const string cycle = """
            apiVersion: compliance/v1
            kind: Predicate
            metadata: {name: a}
            spec: {description: a, condition: {any: [{predicate: b}, {field: purpose, equals: x}]}}
            ---
            apiVersion: compliance/v1
            kind: Predicate
            metadata: {name: b}
            spec: {description: b, condition: {not: {predicate: a}}}
            """;
        var (_, diags) = Load(Pack("{predicate: a}", "{field: purpose, equals: y}"), cycle);
        var d = Assert.Single(diags, d => d.Code == DiagnosticCodes.PredicateCycle);
        Assert.Contains("a -> b -> a", d.Message, StringComparison.Ordinal);
        // The rule's reference to the broken predicate is not silently dropped: it stays, and the compiler rejects it.
        Assert.DoesNotContain(diags, d => d.Code == DiagnosticCodes.RuleUnknownPredicate);
    }

    [Fact]
    public void Load_PredicateThatRefersToItself_Diagnostic()
    {
        const string self = """
            apiVersion: compliance/v1
            kind: Predicate
            metadata: {name: me}
            spec: {description: me, condition: {all: [{predicate: me}]}}
            """;
        var (_, diags) = Load(Pack("{field: purpose, equals: y}", "{field: purpose, equals: y}"), self);
        Assert.Contains("me -> me", Assert.Single(diags).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PredicatesThatExpandExponentially_Diagnostic()
    {
        var docs = new System.Text.StringBuilder();
        for (var i = 0; i < 20; i++)
        {
            var body = i == 0 ? "{field: purpose, equals: x}" : $"{{all: [{{predicate: p{i - 1}}}, {{any: [{{predicate: p{i - 1}}}]}}]}}";
            docs.Append(System.Globalization.CultureInfo.InvariantCulture, $"apiVersion: compliance/v1\nkind: Predicate\nmetadata: {{name: p{i}}}\nspec: {{description: d, condition: {body}}}\n---\n");
        }
        var (_, diags) = Load(Pack("{predicate: p19}", "{field: purpose, equals: y}"), docs.ToString());
        Assert.Equal(DiagnosticCodes.PredicateCycle, Assert.Single(diags).Code);
    }

    [Fact]
    public void Load_References_AreInlinedSplicedAndExpanded()
    {
        var (pack, diags) = Load(Pack("{all: [{predicate: eu-leaving}, {field: purpose, notIn: [x, {list: systematic-purposes}]}]}"));
        Assert.Empty(diags);
        var rule = Assert.Single(pack.Rules);
        // The predicate's all is spliced into the rule's all: its regime condition stays top level.
        var when = Assert.IsType<AllCondition>(rule.When);
        Assert.Equal(["categories", "regimes", "destination.country", "purpose"], when.Items.Cast<FieldCondition>().Select(f => f.Field));
        Assert.Equal(["x", "replication", "backup", "sync"], ((FieldCondition)when.Items[3]).Operands.ToArray());
        Assert.True(((FieldCondition)when.Items[3]).Lists.IsEmpty);
        // A predicate used alone is its condition; lists inside predicates are expanded too.
        var require = Assert.IsType<AllCondition>(rule.Require);
        Assert.Equal(["replication", "backup", "sync"], ((FieldCondition)require.Items[0]).Operands.ToArray());
    }

    [Fact]
    public void Load_PredicateInsideAny_StaysOneItem()
    {
        var (pack, diags) = Load(Pack("{any: [{predicate: eu-leaving}, {field: purpose, equals: x}]}"));
        Assert.Empty(diags);
        var when = Assert.IsType<AnyCondition>(Assert.Single(pack.Rules).When);
        Assert.Equal(2, when.Items.Length);
        Assert.IsType<AllCondition>(when.Items[0]);
    }

    [Fact]
    public void Load_PredicateBodyChecked_UnknownFieldInsidePredicateNamesRuleAndPredicateFile()
    {
        var (pack, diags) = Load(Pack("{predicate: eu-leaving}"), Shared.Replace("field: regimes", "field: regime", StringComparison.Ordinal));
        // Field names are checked when rules compile (per fact kind): the loader inlines the condition with its location.
        Assert.Empty(diags);
        var f = Assert.IsType<AllCondition>(Assert.Single(pack.Rules).When).Items[1];
        Assert.EndsWith("shared.yaml", f.Location.File, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyListOrMissingCondition_Diagnostics()
    {
        const string bad = """
            apiVersion: compliance/v1
            kind: List
            metadata: {name: empty}
            spec: {description: d, items: []}
            ---
            apiVersion: compliance/v1
            kind: List
            metadata: {name: nested}
            spec: {description: d, items: [a, [b]]}
            ---
            apiVersion: compliance/v1
            kind: Predicate
            metadata: {name: nothing}
            spec: {description: d}
            """;
        var (_, diags) = Load(Pack("{field: purpose, equals: y}", "{field: purpose, equals: y}"), bad);
        Assert.Equal(3, diags.Count(d => d.Code == DiagnosticCodes.NamedConditionInvalid));
    }

    [Fact]
    public void Load_PredicateWhoseConditionIsBroken_OnlyItsOwnMistakeReported()
    {
        const string noCondition = """
            apiVersion: compliance/v1
            kind: Predicate
            metadata: {name: empty}
            spec: {description: d, conditon: {field: purpose, equals: x}}
            """;
        var (_, diags) = Load(Pack("{predicate: empty}", "{field: purpose, equals: y}"), noCondition);
        // The missing condition and the misspelt key are reported at the predicate; the rule's reference is not "unknown".
        Assert.All(diags, d => Assert.EndsWith("shared.yaml", d.Location.File, StringComparison.Ordinal));
        Assert.Contains(diags, d => d.Code == DiagnosticCodes.NamedConditionInvalid);
        Assert.DoesNotContain(diags, d => d.Code == DiagnosticCodes.RuleUnknownPredicate);
    }

    [Fact]
    public void Load_TwoListsOfOneName_Duplicate()
    {
        var (_, diags) = Load(Pack("{field: purpose, equals: y}", "{field: purpose, equals: y}"), Shared + "---\n" + Shared.Split("---")[0]);
        Assert.Contains(diags, d => d.Code == DiagnosticCodes.DuplicateName && d.Message.Contains("List 'systematic-purposes'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_PredicateWithOtherKeys_Diagnostic()
    {
        var (_, diags) = Load(Pack("{predicate: eu-leaving, field: purpose}"));
        Assert.Equal(DiagnosticCodes.RuleInvalid, Assert.Single(diags).Code);
    }

    [Fact]
    public void Load_GroupConfidence_ReadAndUnverifiedMembersChecked()
    {
        const string groups = """
            apiVersion: compliance/v1
            kind: CountryGroup
            metadata: {name: G}
            spec: {members: [GB, FO], unverifiedMembers: [FO, GG], confidence: unverified}
            """;
        using var dir = new TempDir();
        dir.Write("groups.yaml", groups);
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([dir.Path, Repo.Path("rules", "catalog")], bag);
        var d = Assert.Single(bag.Sorted());
        Assert.Equal(DiagnosticCodes.CatalogInvalid, d.Code);
        Assert.Contains("'GG' is not among its members", d.Message, StringComparison.Ordinal);
        var g = Assert.Single(source.Groups, g => g.Name == "G");
        Assert.Equal(Confidence.Unverified, g.Confidence);
        Assert.Equal(["FO"], g.UnverifiedMembers);
    }

    [Fact]
    public void Load_BuiltInPacks_UseNamedListsAndResolveCleanly()
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules")], bag);
        Assert.Empty(bag.Sorted());
        Assert.DoesNotContain(source.Packs.SelectMany(p => p.Rules), r => RuleReferenceMentions(r.When) || RuleReferenceMentions(r.Require));
    }

    private static bool RuleReferenceMentions(Condition? c) => c switch
    {
        PredicateReference => true,
        FieldCondition f => !f.Lists.IsEmpty,
        AllCondition a => a.Items.Any(RuleReferenceMentions),
        AnyCondition a => a.Items.Any(RuleReferenceMentions),
        NotCondition n => RuleReferenceMentions(n.Inner),
        _ => false,
    };
}
