using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Linq.Expressions;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Diagnostics;
using FastExpressionCompiler;

namespace ComplianceEngine.Core.Rules;

/// <summary>The type of a fact field, which decides the operators it accepts.</summary>
public enum FieldType
{
    /// <summary>A string (may be unknown).</summary>
    Text,
    /// <summary>An ISO country code (may be unknown); accepts <c>inGroup</c>.</summary>
    Country,
    /// <summary>A set of strings (never unknown; may be empty).</summary>
    Set,
    /// <summary>A number (may be unknown).</summary>
    Number,
    /// <summary>true/false (may be unknown).</summary>
    Flag,
}

/// <summary>
/// One field rules may refer to: its name, type, the expression that reads it from a fact (compiled into the NRules
/// condition), and the document the value comes from (evidence).
/// </summary>
public sealed class FieldSpec
{
    internal FieldSpec(string name, Type factType, FieldType type, LambdaExpression getter, Func<Fact, SourceLocation> origin, string description)
    {
        Name = name;
        FactType = factType;
        Type = type;
        Getter = getter;
        Origin = origin;
        Description = description;
    }

    private Func<Fact, object?>? _read;

    /// <summary>
    /// A typed delegate over any fact (boxing the value), not DynamicInvoke: findings read fields for every message and
    /// piece of evidence. Compiled on first use: a run reads a handful of the catalog's fields, and compiling all of them
    /// at start cost more than the run.
    /// </summary>
    private Func<Fact, object?> CompileRead()
    {
        var fact = Expression.Parameter(typeof(Fact), "fact");
        var body = new FieldCatalog.Rebind(Getter.Parameters[0], Expression.Convert(fact, FactType)).Visit(Getter.Body);
        var read = Expression.Lambda<Func<Fact, object?>>(Expression.Convert(body, typeof(object)), fact);
        return read.CompileFast(ifFastFailedReturnNull: true) ?? read.Compile();
    }

    /// <summary>Dotted name, e.g. <c>destination.country</c>.</summary>
    public string Name { get; }
    /// <summary>The fact class it reads.</summary>
    public Type FactType { get; }
    /// <summary>Its type.</summary>
    public FieldType Type { get; }
    /// <summary>The typed getter expression.</summary>
    public LambdaExpression Getter { get; }
    /// <summary>Where the value was declared, for evidence.</summary>
    public Func<Fact, SourceLocation> Origin { get; }
    /// <summary>What the field means (documentation).</summary>
    public string Description { get; }
    /// <summary>Reads the value (for messages and evidence; not on the hot path). Compiled on first use (two threads may both compile it; either delegate reads the same).</summary>
    public Func<Fact, object?> Read => _read ?? Interlocked.CompareExchange(ref _read, CompileRead(), null) ?? _read!;

    private FieldText? _text;

    /// <summary>Reads the value as text for findings without boxing it (<see cref="FactText"/>). Compiled on first use, as <see cref="Read"/>.</summary>
    internal FieldText Text => _text ?? Interlocked.CompareExchange(ref _text, FieldText.Compile(this), null) ?? _text!;

    /// <summary>The value as text for messages: sets joined, unknown as "unknown"; an inferred value says how (see <see cref="Inferred"/>).</summary>
    public string Format(Fact fact) => Format(Read(fact), fact);

    /// <summary>A value read by <see cref="Read"/> from <paramref name="fact"/> as text, saying how it was inferred where it was.</summary>
    internal string Format(object? value, Fact fact) =>
        value is not null && Inferred?.Invoke(fact) is { } how ? $"{FormatValue(value)} ({how})" : FormatValue(value);

    /// <summary>For a value the engine may infer rather than read: how it was inferred on a fact, or null (declared, or unknown).</summary>
    internal Func<Fact, string?>? Inferred { get; init; }

    /// <summary>For a value that may be unknown for a reason of its own: why it is unknown on a fact, or null.</summary>
    internal Func<Fact, string?>? WhyUnknown { get; init; }

    /// <summary>A value read by <see cref="Read"/> as text.</summary>
    internal static string FormatValue(object? value) => value switch
    {
        null => "unknown",
        ImmutableArray<string> set => set.Length == 0 ? "none" : string.Join(", ", set),
        double d => FieldText.FormatNumber(d),
        bool b => b ? "true" : "false",
        var v => v.ToString() ?? "unknown",
    };

    /// <summary>True when the value is unknown (null).</summary>
    public bool IsUnknown(Fact fact) => Read(fact) is null;
}

/// <summary>The fields of each fact kind. Rules can only name these: there is no reflection over user input.</summary>
public sealed class FieldCatalog
{
    private readonly FrozenDictionary<string, FieldSpec> _transfer;
    private readonly FrozenDictionary<string, FieldSpec> _placement;

    /// <summary>Prefixes of attribute fields (<c>exporter.attributes.ciio</c>): any name after the prefix is accepted.</summary>
    private readonly ConcurrentDictionaryCache _attributes = new();

    /// <summary>The one catalog (fields are fixed by the fact classes).</summary>
    public static FieldCatalog Instance { get; } = new();

    private FieldCatalog()
    {
        var t = new Dictionary<string, FieldSpec>(StringComparer.Ordinal);
        void T<TValue>(string name, FieldType type, Expression<Func<TransferFact, TValue>> getter, Func<TransferFact, SourceLocation> origin, string description) =>
            t[name] = new FieldSpec(name, typeof(TransferFact), type, getter, f => origin((TransferFact)f), description);

        AddSite<TransferFact>(t, "source", f => f.Source, "the site the data leaves");
        AddSite<TransferFact>(t, "destination", f => f.Destination, "the site the data goes to");
        AddSite<TransferFact>(t, "origin", f => f.Origin ?? f.Source, "the first site of an onward chain");
        AddCommon(t, typeof(TransferFact), f => ((TransferFact)f).Subject.Location);
        T("mechanisms", FieldType.Set, f => f.Mechanisms, f => f.Subject.Location, "declared legal bases (scc, bcr, idta, ...)");
        T("purpose", FieldType.Text, f => f.Purpose, f => f.Subject.Location, "why the data moves (replication, analytics, ...)");
        T("encryptedInTransit", FieldType.Flag, f => f.EncryptedInTransit, f => f.Subject.Location, "encrypted in transit");
        T("pseudonymised", FieldType.Flag, f => f.Pseudonymised, f => f.Subject.Location, "pseudonymised before it moves");
        T("retentionHours", FieldType.Number, f => f.RetentionHours, f => f.Subject.Location, "hours the destination keeps the data");
        T("sameSite", FieldType.Flag, f => (bool?)f.SameSite, f => f.Subject.Location, "source and destination are the same cluster or recipient");
        T("crossBorder", FieldType.Flag, f => f.CrossBorder, f => f.Destination.Location, "source and destination countries differ");
        T("implied", FieldType.Flag, f => (bool?)f.Implied, f => f.Subject.Location, "the estate implies this transfer (DR, replica, backup, ...)");
        T("hop", FieldType.Number, f => (double?)f.Hop, f => f.Subject.Location, "position in an onward chain (1 = direct)");
        T("origins", FieldType.Set, f => (f.Origin ?? f.Source).Country == null ? null : (ImmutableArray<string>?)f.Origins, f => (f.Origin ?? f.Source).Location,
            "regimes covering the data where it started");
        T("regimes", FieldType.Set, f => RegimeIndex.RegimesOf(f), f => (f.Hop > 1 ? f.Origin ?? f.Source : f.Source).Location,
            "regimes this transfer is judged under: the exporter's, or for an onward hop the origin's");
        T("keyCountry", FieldType.Country, f => f.KeyCountry, f => f.Subject.Location, "where the source store's keys are held");
        T("exportedIndividuals", FieldType.Number, f => f.ExportedIndividuals, f => f.Subject.Location,
            "individuals exported this year from the source country over all direct cross-border transfers");
        T("exportedSensitiveIndividuals", FieldType.Number, f => f.ExportedSensitiveIndividuals, f => f.Subject.Location,
            "individuals with sensitive data exported this year from the source country over all direct cross-border transfers");
        _transfer = t.ToFrozenDictionary(StringComparer.Ordinal);

        var p = new Dictionary<string, FieldSpec>(StringComparer.Ordinal);
        void P<TValue>(string name, FieldType type, Expression<Func<PlacementFact, TValue>> getter, Func<PlacementFact, SourceLocation> origin, string description) =>
            p[name] = new FieldSpec(name, typeof(PlacementFact), type, getter, f => origin((PlacementFact)f), description);
        AddSite<PlacementFact>(p, "site", f => f.Site, "where the data rests");
        AddCommon(p, typeof(PlacementFact), f => f.Subject.Location);
        P("country", FieldType.Country, f => f.Site.Country, f => f.Site.Location, "the country the data rests in");
        P("primary", FieldType.Flag, f => (bool?)f.Primary, f => f.Subject.Location, "the primary (collection) database");
        P("copy", FieldType.Flag, f => (bool?)f.Copy, f => f.Subject.Location, "a replica or backup of another store");
        P("copyTarget", FieldType.Flag, f => (bool?)f.CopyTarget, f => f.Subject.Location, "the store is named as another store's backup or replica");
        P("geoRedundant", FieldType.Flag, f => (bool?)f.GeoRedundant, f => f.Subject.Location, "replicated to the provider's paired region");
        P("encryption.atRest", FieldType.Flag, f => (bool?)f.EncryptedAtRest, f => f.Subject.Location, "encrypted at rest");
        P("encryption.endToEnd", FieldType.Flag, f => (bool?)f.EncryptedEndToEnd, f => f.Subject.Location, "end-to-end encrypted");
        P("encryption.keyCountry", FieldType.Country, f => f.KeyCountry, f => f.Subject.Location, "where the keys are held");
        P("encryption.keyInSameCountry", FieldType.Flag, f => f.KeyInSameCountry, f => f.Subject.Location, "keys are held in the country the data rests in");
        _placement = p.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static void AddSite<TFact>(Dictionary<string, FieldSpec> map, string prefix, Expression<Func<TFact, Location.Site>> site, string what)
        where TFact : Fact
    {
        // The site of a fact, for evidence locations: compiled on first use (most runs never ask for most fields' origins).
        Func<TFact, Location.Site>? siteFn = null;
        Location.Site SiteOf(TFact fact) => (siteFn ??= site.CompileFast(ifFastFailedReturnNull: true) ?? site.Compile())(fact);
        void S<TValue>(string name, FieldType type, Expression<Func<Location.Site, TValue>> read, string description)
        {
            var param = site.Parameters[0];
            var body = new Rebind(read.Parameters[0], site.Body).Visit(read.Body);
            var lambda = Expression.Lambda(body, param);
            map[$"{prefix}.{name}"] = new FieldSpec($"{prefix}.{name}", typeof(TFact), type, lambda, f => SiteOf((TFact)f).Location, $"{description} of {what}");
        }
        S("country", FieldType.Country, s => s.Country, "ISO country");
        S("kind", FieldType.Text, s => s.Kind, "Cluster or Recipient");
        S("name", FieldType.Text, s => s.Name, "name");
        S("provider", FieldType.Text, s => s.Provider, "cloud provider");
        S("region", FieldType.Text, s => s.Region, "provider region");
        S("environment", FieldType.Text, s => s.Environment, "environment");
        S("role", FieldType.Text, s => s.Role, "cluster role");
        S("operator", FieldType.Text, s => s.Operator, "cloud operator");
        S("recipientRole", FieldType.Text, s => s.RecipientRole, "processor or controller");
        S("certifications", FieldType.Set, s => s.Certifications, "certifications");
        S("agreements", FieldType.Set, s => s.Agreements, "agreements");
        S("groups", FieldType.Set, s => s.Country == null ? null : (ImmutableArray<string>?)s.Groups, "country groups");
        S("regimes", FieldType.Set, s => s.Country == null ? null : (ImmutableArray<string>?)s.Regimes, "regimes binding an exporter");
        S("isRecipient", FieldType.Flag, s => (bool?)s.IsRecipient, "third party");
    }

    private static void AddCommon(Dictionary<string, FieldSpec> map, Type factType, Func<Fact, SourceLocation> origin)
    {
        void C<TValue>(string name, FieldType type, Expression<Func<Fact, TValue>> read, string description, Func<Fact, string?>? inferred = null,
            Func<Fact, string?>? whyUnknown = null)
        {
            var param = Expression.Parameter(factType, "f");
            var body = new Rebind(read.Parameters[0], Expression.Convert(param, typeof(Fact))).Visit(read.Body);
            map[name] = new FieldSpec(name, factType, type, Expression.Lambda(body, param), origin, description) { Inferred = inferred, WhyUnknown = whyUnknown };
        }
        C("categories", FieldType.Set, f => f.Categories, "data categories");
        C("subjects", FieldType.Set, f => f.Subjects, "jurisdictions of the data subjects");
        C("subjectTypes", FieldType.Set, f => f.SubjectTypes, "kinds of data subject");
        C("designations", FieldType.Set, f => f.Designations, "legal designations");
        C("individuals", FieldType.Number, f => f.Individuals, "distinct individuals");
        C("sensitiveIndividuals", FieldType.Number, f => f.SensitiveIndividuals,
            "distinct individuals with sensitive data (when not declared, inferred where every category carried is sensitive under the regime, or none is)",
            f => f.Data.SensitiveIndividualsInferred, f => f.Data.SensitiveIndividualsUnknown);
        C("exporter.country", FieldType.Country, f => f.Context.ExporterCountry, "the organisation's country");
        C("exporter.certifications", FieldType.Set, f => f.Context.ExporterCertifications, "the organisation's certifications");
        C("asOf.year", FieldType.Number, f => (double?)f.Context.AsOf.Year, "year of the evaluation date");
    }

    /// <summary>The field <paramref name="name"/> of <paramref name="factKind"/>, or null.</summary>
    public FieldSpec? Find(string factKind, string name)
    {
        var map = factKind == Model.Rules.FactKinds.Placement ? _placement : _transfer;
        if (map.TryGetValue(name, out var spec)) return spec;
        return _attributes.Get(factKind, name);
    }

    /// <summary>Every field name of a fact kind (for "did you mean" and documentation).</summary>
    public IEnumerable<FieldSpec> Fields(string factKind) =>
        (factKind == Model.Rules.FactKinds.Placement ? _placement : _transfer).Values.OrderBy(f => f.Name, StringComparer.Ordinal);

    /// <summary>Attribute fields built on demand: <c>exporter.attributes.X</c>, <c>source.attributes.X</c>, <c>attributes.X</c>.</summary>
    private sealed class ConcurrentDictionaryCache
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FieldSpec?> _cache = new(StringComparer.Ordinal);

        public FieldSpec? Get(string factKind, string name) => _cache.GetOrAdd(factKind + "|" + name, _ => Build(factKind, name));

        private static FieldSpec? Build(string factKind, string name)
        {
            var dot = name.LastIndexOf(".attributes.", StringComparison.Ordinal);
            string prefix, key;
            if (name.StartsWith("attributes.", StringComparison.Ordinal)) (prefix, key) = ("", name["attributes.".Length..]);
            else if (dot > 0) (prefix, key) = (name[..dot], name[(dot + ".attributes.".Length)..]);
            else return null;
            if (key.Length == 0) return null;
            var placement = factKind == Model.Rules.FactKinds.Placement;
            var factType = placement ? typeof(PlacementFact) : typeof(TransferFact);
            var f = Expression.Parameter(factType, "f");
            Expression? body = prefix switch
            {
                "exporter" => Expression.Call(Expression.Property(f, nameof(Fact.Context)), nameof(EvaluationContext.ExporterAttribute), null, Expression.Constant(key)),
                "" when placement => Expression.Call(f, nameof(PlacementFact.Attribute), null, Expression.Constant(key)),
                "site" when placement => Expression.Call(Expression.Property(f, nameof(PlacementFact.Site)), nameof(Location.Site.Attribute), null, Expression.Constant(key)),
                "" when !placement => Expression.Call(f, nameof(TransferFact.Attribute), null, Expression.Constant(key)),
                "source" or "destination" when !placement => Expression.Call(
                    Expression.Property(f, prefix == "source" ? nameof(TransferFact.Source) : nameof(TransferFact.Destination)),
                    nameof(Location.Site.Attribute), null, Expression.Constant(key)),
                _ => null,
            };
            if (body is null) return null;
            Func<Fact, SourceLocation> origin = prefix switch
            {
                "exporter" => x => x.Context.Organization?.Info.Location ?? SourceLocation.None,
                "source" => x => ((TransferFact)x).Source.Location,
                "destination" => x => ((TransferFact)x).Destination.Location,
                "site" => x => ((PlacementFact)x).Site.Location,
                _ => x => x.Subject.Location,
            };
            return new FieldSpec(name, factType, FieldType.Text, Expression.Lambda(body, f), origin, $"attribute '{key}'");
        }
    }

    /// <summary>Replaces a parameter with another expression.</summary>
    internal sealed class Rebind(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
