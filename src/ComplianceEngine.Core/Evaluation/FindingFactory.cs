using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>Builds findings from verdicts: the stable id, the message, and the evidence with file and line.</summary>
public static class FindingFactory
{
    /// <summary>The stable fingerprint of a finding: rule, subject, path and jurisdiction (never a line number).</summary>
    public static string Fingerprint(string ruleId, string jurisdiction, FindingSubject subject, IEnumerable<string> path)
    {
        ArgumentNullException.ThrowIfNull(ruleId);
        ArgumentNullException.ThrowIfNull(jurisdiction);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(path);
        // SHA-256 of the UTF-8 key "rule\njurisdiction\nKind/name\npath joined by U+001F", encoded straight into a reused
        // buffer: only the 16-character result is allocated.
        var length = Encoding.UTF8.GetByteCount(ruleId) + Encoding.UTF8.GetByteCount(jurisdiction) + Encoding.UTF8.GetByteCount(subject.Kind) +
            Encoding.UTF8.GetByteCount(subject.Name) + 4;
        var parts = 0;
        foreach (var p in path)
        {
            length += Encoding.UTF8.GetByteCount(p) + (parts++ > 0 ? 1 : 0);
        }
        // A buffer per thread, not ArrayPool: the shared pool trims itself on every gen-2 collection, and with millions of
        // findings that trimming showed up as a tenth of the evaluation's time.
        var bytes = t_key is { } buffer && buffer.Length >= length ? buffer : t_key = new byte[Math.Max(length, 1024)];
        var n = Put(bytes, 0, ruleId, (byte)'\n');
        n = Put(bytes, n, jurisdiction, (byte)'\n');
        n = Put(bytes, n, subject.Kind, (byte)'/');
        n = Put(bytes, n, subject.Name, (byte)'\n');
        var first = true;
        foreach (var p in path)
        {
            if (!first) bytes[n++] = 0x1f;
            n = Put(bytes, n, p, null);
            first = false;
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes.AsSpan(0, n), hash);
        if (bytes.Length > 64 * 1024) t_key = null;
        return Convert.ToHexStringLower(hash[..8]);
    }

    [ThreadStatic]
    private static byte[]? t_key;

    private static int Put(byte[] buffer, int at, string text, byte? then)
    {
        at += Encoding.UTF8.GetBytes(text, buffer.AsSpan(at));
        if (then is { } b) buffer[at++] = b;
        return at;
    }

    /// <summary>
    /// The finding of a verdict. Its id, status, confidence, place and text are worked out now, the text as data: the
    /// rule's message and remediation templates (shared by the rule's findings) and the values of their placeholders,
    /// rendered when read. Nothing keeps the rule or the fact.
    /// </summary>
    internal static Finding Create(Verdict verdict)
    {
        var rule = verdict.Rule;
        var def = rule.Definition;
        var fact = verdict.Fact;
        var status = verdict.Judgement switch
        {
            Judgement.Pass => FindingStatus.Pass,
            Judgement.Indeterminate => FindingStatus.Indeterminate,
            _ => def.Outcome == "warning" ? FindingStatus.Warning : FindingStatus.Violation,
        };
        var text = new FactText(rule, fact);
        return new Finding(
            Fingerprint(def.Id, def.Jurisdiction, fact.Subject, fact.Path),
            def.Id,
            def.Title,
            def.Jurisdiction,
            def.Severity,
            status,
            fact.Subject,
            fact.Path,
            def.HasDatedCitations ? def.CitationTextAsOf(fact.Context.AsOf) : rule.CitationText,
            Confidence(rule, fact, text),
            Text(rule, fact, status, verdict.Error, text))
        {
            Place = PlaceOf(fact),
        };
    }

    /// <summary>The finding's text as data: templates, placeholder values (the path left to the finding), evidence.</summary>
    private static FindingText Text(CompiledRule rule, Fact fact, FindingStatus status, string? error, FactText text)
    {
        var def = rule.Definition;
        var message = status is FindingStatus.Indeterminate or FindingStatus.Pass
            ? TextTemplate.Literal(RenderMessage(rule, fact, status, error, text))
            : TemplateOf(def.Message);
        var remediation = TemplateOf(def.Remediation);
        var count = message.Placeholders.Count + remediation.Placeholders.Count;
        var values = new string?[count];
        var at = 0;
        foreach (var name in message.Placeholders) values[at++] = name == TextTemplate.PathPlaceholder ? null : text.Value(name);
        foreach (var name in remediation.Placeholders) values[at++] = name == TextTemplate.PathPlaceholder ? null : text.Value(name);
        return new FindingText(message, remediation, ImmutableCollectionsMarshal.AsImmutableArray(values), Evidence(rule, fact, text));
    }

    /// <summary>One parsed template per template text (rule definitions hold each once; the table lets them go with the rules).</summary>
    private static readonly ConditionalWeakTable<string, TextTemplate> Templates = [];

    private static TextTemplate TemplateOf(string template) => Templates.GetValue(template, TextTemplate.Parse);

    /// <summary>One <see cref="FindingSite"/> per site of the evaluation.</summary>
    private static readonly ConditionalWeakTable<Site, FindingSite> Sites = [];

    private static FindingSite SiteOf(Site site) => Sites.GetValue(site, static s => new FindingSite(s.Name, s.Country));

    /// <summary>Where the fact's data is: a transfer's sites (and origin, for an onward hop) or a placement's site and store.</summary>
    private static FindingPlace? PlaceOf(Fact fact) => fact switch
    {
        TransferFact t => new FindingPlace(SiteOf(t.Source), SiteOf(t.Destination), t.Hop > 1 && t.Origin is { } o ? SiteOf(o) : null, null),
        PlacementFact p => new FindingPlace(SiteOf(p.Site), null, null, p.Store),
        _ => null,
    };

    private static string RenderMessage(CompiledRule rule, Fact fact, FindingStatus status, string? error, FactText text)
    {
        var def = rule.Definition;
        if (status == FindingStatus.Indeterminate)
        {
            var unknown = error ?? string.Join("; ", text.UnknownFacts().Distinct());
            return $"Cannot decide whether {def.Title.TrimEnd('.')} applies or is met: {(unknown.Length > 0 ? unknown : "a fact the rule needs is missing")}. An unknown is never treated as compliant.";
        }
        if (status == FindingStatus.Pass)
        {
            var why = new List<string>();
            if (rule.Adequacy.Length > 0) why.Add(text.Value("adequacy"));
            if (fact is TransferFact t && rule.Fields.Any(f => f.Name == "mechanisms")) why.Add($"declared mechanisms: {(t.Mechanisms.IsEmpty ? "none" : string.Join(", ", t.Mechanisms))}");
            return $"The rule applies and its requirement is met{(why.Count > 0 ? ": " + string.Join("; ", why) : "")}.";
        }
        return rule.Render(def.Message, text);
    }

    /// <summary>
    /// A finding is unverified when its rule is, when an unverified adequacy entry decided it, or when its rule tested a
    /// country against a group whose membership of that country is unverified.
    /// </summary>
    private static string Confidence(CompiledRule rule, Fact fact, FactText text)
    {
        if (rule.Definition.Confidence == Model.Rules.Confidence.Unverified) return Model.Rules.Confidence.Unverified;
        foreach (var (field, group) in rule.DoubtfulGroups)
        {
            if (field.Read(fact) is string country && group.IsDoubtful(country)) return Model.Rules.Confidence.Unverified;
        }
        if (fact is TransferFact t)
        {
            for (var i = 0; i < rule.Adequacy.Length; i++)
            {
                if (rule.Adequacy[i].HasUnverified && text.Adequacy(i, t).Entry?.Confidence == Model.Rules.Confidence.Unverified)
                    return Model.Rules.Confidence.Unverified;
            }
        }
        return rule.Definition.Confidence;
    }

    /// <summary>
    /// The declared flow, or what implies the transfer. An onward hop's text ends with its path: kept as the text before
    /// it and the finding's own path, joined when read.
    /// </summary>
    private static Evidence WhatMakesIt(TransferFact t)
    {
        if (!t.Implied) return new Evidence("declared flow", t.ImpliedBy ?? t.Subject.Reference, t.Subject.Location);
        var implied = t.ImpliedBy ?? t.Subject.Reference;
        var path = t.Path;
        if (path.Length > 1)
        {
            var joined = string.Join(" -> ", path);
            if (implied.Length > joined.Length && implied.EndsWith(joined, StringComparison.Ordinal))
                return Model.Findings.Evidence.EndingWithPath("implied by", implied[..^joined.Length], path, t.Subject.Location);
        }
        return new Evidence("implied by", implied, t.Subject.Location);
    }

    /// <summary>The evidence naming a site and its country, in each role, built once per site.</summary>
    private sealed class SiteEvidence(Site site)
    {
        public Evidence SourceName => field ??= new Evidence("source.name", site.Name, site.Location);
        public Evidence SourceCountry => field ??= new Evidence("source.country", site.Country ?? "unknown", site.Location);
        public Evidence DestinationName => field ??= new Evidence("destination.name", site.Name, site.Location);
        public Evidence DestinationCountry => field ??= new Evidence("destination.country", site.Country ?? "unknown", site.Location);
        public Evidence SiteName => field ??= new Evidence("site.name", site.Name, site.Location);
        public Evidence Country => field ??= new Evidence("country", site.Country ?? "unknown", site.Location);
    }

    private static readonly ConditionalWeakTable<Site, SiteEvidence> SiteEvidences = [];

    private static SiteEvidence SiteEvidenceOf(Site site) => SiteEvidences.GetValue(site, static s => new SiteEvidence(s));

    private static ImmutableArray<Evidence> Evidence(CompiledRule rule, Fact fact, FactText text)
    {
        var count = rule.Fields.Length + (fact is TransferFact ? 5 + rule.Adequacy.Length : 2);
        var list = new List<Evidence>(count);
        if (fact is TransferFact t)
        {
            list.Add(WhatMakesIt(t));
            // Where the data goes from and to is always part of the evidence; one evidence object per site and role.
            var source = SiteEvidenceOf(t.Source);
            var destination = SiteEvidenceOf(t.Destination);
            list.Add(source.SourceName);
            list.Add(source.SourceCountry);
            list.Add(destination.DestinationName);
            list.Add(destination.DestinationCountry);
        }
        else if (fact is PlacementFact p)
        {
            var site = SiteEvidenceOf(p.Site);
            list.Add(site.SiteName);
            list.Add(site.Country);
        }
        for (var i = 0; i < rule.Fields.Length; i++)
        {
            var field = rule.Fields[i];
            list.Add(new Evidence(field.Name, text.Formatted(i), field.Origin(fact)));
        }
        if (fact is TransferFact tt)
        {
            for (var i = 0; i < rule.Adequacy.Length; i++)
            {
                list.Add(new Evidence(rule.Adequacy[i].EvidenceLabel, text.Adequacy(i, tt).Reason, tt.Destination.Location));
            }
        }
        // Distinct, first occurrence kept (as Enumerable.Distinct): lists are short, so a linear scan beats a hash set.
        var distinct = ImmutableArray.CreateBuilder<Evidence>(list.Count);
        foreach (var e in list)
        {
            if (!distinct.Contains(e)) distinct.Add(e);
        }
        return distinct.DrainToImmutable();
    }

    /// <summary><paramref name="findings"/> in <see cref="Order"/>. Ids are unique, so the order is total.</summary>
    public static ImmutableArray<Finding> Sort(IEnumerable<Finding> findings) => Sort(findings, workers: 1);

    /// <summary>
    /// As <see cref="Sort(IEnumerable{Finding})"/>, on up to <paramref name="workers"/> threads. For large reports the
    /// first keys are ranked once: (jurisdiction, rule) and (subject kind, name) become integers, so most comparisons
    /// compare two integers instead of following four strings; findings are grouped by rule and the groups sorted in
    /// parallel. Ties on both ranks fall back to <see cref="Order"/> (path, then id). The result is the same order.
    /// </summary>
    public static ImmutableArray<Finding> Sort(IEnumerable<Finding> findings, int workers)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var items = findings.ToArray();
        if (items.Length < 100_000)
        {
            Array.Sort(items, Order);
            return ImmutableCollectionsMarshal.AsImmutableArray(items);
        }
        var ruleRank = Ranks(items, f => (f.Jurisdiction, f.RuleId), static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Jurisdiction, b.Jurisdiction);
            return c != 0 ? c : string.CompareOrdinal(a.RuleId, b.RuleId);
        });
        var subjectRank = Ranks(items, f => (f.Subject.Kind, f.Subject.Name), static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Kind, b.Kind);
            return c != 0 ? c : NaturalComparer.Instance.Compare(a.Name, b.Name);
        });
        var groups = new List<(int Subject, int Index)>[ruleRank.Count];
        for (var i = 0; i < items.Length; i++) (groups[ruleRank.Of[i]] ??= []).Add((subjectRank.Of[i], i));
        Parallel.ForEach(groups.Where(g => g is not null), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, g =>
            g.Sort((x, y) => x.Subject != y.Subject ? x.Subject.CompareTo(y.Subject) : Order.Compare(items[x.Index], items[y.Index])));
        var sorted = new Finding[items.Length];
        var at = 0;
        foreach (var g in groups)
        {
            if (g is null) continue;
            foreach (var (_, index) in g) sorted[at++] = items[index];
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(sorted);
    }

    /// <summary>Each finding's rank among the distinct keys (equal keys, equal rank), and how many distinct keys there are.</summary>
    private static (int[] Of, int Count) Ranks<TKey>(Finding[] items, Func<Finding, TKey> key, Comparison<TKey> compare)
        where TKey : notnull
    {
        var distinct = new Dictionary<TKey, int>();
        var of = new int[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var k = key(items[i]);
            if (!distinct.TryGetValue(k, out var slot)) distinct[k] = slot = distinct.Count;
            of[i] = slot;
        }
        var keys = distinct.Keys.ToArray();
        var order = Enumerable.Range(0, keys.Length).ToArray();
        Array.Sort(order, (x, y) => compare(keys[x], keys[y]));
        var rank = new int[keys.Length];
        for (var r = 0; r < order.Length; r++) rank[order[r]] = r;
        for (var i = 0; i < of.Length; i++) of[i] = rank[of[i]];
        return (of, keys.Length);
    }

    /// <summary>
    /// Deterministic order: jurisdiction, rule, subject kind, then subject name and path as people read names
    /// (<see cref="NaturalComparer"/>: <c>f2</c> before <c>f100</c>), then id.
    /// </summary>
    public static IComparer<Finding> Order { get; } = Comparer<Finding>.Create((a, b) =>
    {
        var c = string.CompareOrdinal(a.Jurisdiction, b.Jurisdiction);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.RuleId, b.RuleId);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Subject.Kind, b.Subject.Kind);
        if (c != 0) return c;
        c = NaturalComparer.Instance.Compare(a.Subject.Name, b.Subject.Name);
        if (c != 0) return c;
        c = ComparePaths(a.Path, b.Path);
        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    });

    /// <summary>Paths name by name (in natural order), a path before its own extensions.</summary>
    private static int ComparePaths(ImmutableArray<string> a, ImmutableArray<string> b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var c = NaturalComparer.Instance.Compare(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }
}
