using System.Collections.Immutable;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// A pre-resolved fact inserted into the rules session. Facts are classes: NRules identifies facts by
/// <c>Equals</c>, and two equal records would be "the same fact".
/// </summary>
public abstract class Fact
{
    private ImmutableArray<string> _path;
    private LazyPath? _lazyPath;

    /// <summary>Creates a fact.</summary>
    protected Fact(EvaluationContext context, FindingSubject subject, ImmutableArray<string> path)
    {
        Context = context;
        Subject = subject;
        _path = path.IsDefault ? [] : path;
    }

    /// <summary>Creates a fact whose path is worked out when it is first read.</summary>
    private protected Fact(EvaluationContext context, FindingSubject subject, LazyPath path)
    {
        Context = context;
        Subject = subject;
        _lazyPath = path;
    }

    /// <summary>The evaluation this fact belongs to.</summary>
    public EvaluationContext Context { get; }

    /// <summary>The document a finding about this fact names.</summary>
    public FindingSubject Subject { get; }

    /// <summary>Names along the way, source first.</summary>
    public ImmutableArray<string> Path
    {
        get
        {
            if (_path.IsDefault && _lazyPath is { } lazy)
            {
                _path = lazy.Build(this);
                _lazyPath = null;
            }
            return _path;
        }
    }

    /// <summary>The fact's data: categories, subjects, subject types, designations and counts (often shared between facts).</summary>
    public CarriedData Data { get; init; } = CarriedData.None;

    /// <summary>Data categories (fideslang-style keys), sorted.</summary>
    public ImmutableArray<string> Categories { get => Data.Categories; init => Data = Data with { Categories = value }; }
    /// <summary>Jurisdiction codes of the data subjects.</summary>
    public ImmutableArray<string> Subjects { get => Data.Subjects; init => Data = Data with { Subjects = value }; }
    /// <summary>customer, employee, patient, ...</summary>
    public ImmutableArray<string> SubjectTypes { get => Data.SubjectTypes; init => Data = Data with { SubjectTypes = value }; }
    /// <summary>Legal designations (my-health-record, payment-system-data, ...).</summary>
    public ImmutableArray<string> Designations { get => Data.Designations; init => Data = Data with { Designations = value }; }
    /// <summary>Distinct individuals.</summary>
    public double? Individuals { get => Data.Individuals; init => Data = Data with { Individuals = value }; }
    /// <summary>Distinct individuals whose sensitive data is included (declared, or inferred: see <see cref="CarriedData.SensitiveIndividualsInferred"/>).</summary>
    public double? SensitiveIndividuals { get => Data.SensitiveIndividuals; init => Data = Data with { SensitiveIndividuals = value }; }

    /// <summary>The rule that judged this fact last, and its judgement (see <see cref="Rules.CompiledRule.Judge"/>).</summary>
    internal Rules.CompiledRule? JudgedBy { get; set; }

    /// <summary>The last judgement, valid while <see cref="JudgedBy"/> is set.</summary>
    internal Rules.Judgement Judged { get; set; }

    /// <summary>
    /// Every rule's judgement of this fact, worked out before the fact enters the rules session (indexed by
    /// <see cref="Rules.CompiledRule.Index"/>; 0 = not judged, else the judgement + 1). Null outside an evaluation.
    /// </summary>
    internal byte[]? Judgements { get; set; }

    /// <summary>Verdicts the rules recorded on this fact in its session (a fact is in one session, on one thread).</summary>
    internal List<Evaluation.Verdict>? Verdicts { get; set; }

    /// <summary>Forgets the last judgement (the fact changed).</summary>
    protected void ForgetJudgement()
    {
        JudgedBy = null;
        Judgements = null;
    }
}

/// <summary>
/// A path built on first read (an onward hop's chain is traced back only when a finding needs it). One object may serve
/// many facts (every hop of a regime's search: each is traced from its own place in it).
/// </summary>
internal abstract class LazyPath
{
    /// <summary>The names along the way of <paramref name="fact"/>, source first; the same on every call.</summary>
    public abstract ImmutableArray<string> Build(Fact fact);
}

/// <summary>Where a store's data rests.</summary>
public sealed class PlacementFact : Fact
{
    /// <summary>Creates a placement of store <paramref name="store"/> at <paramref name="site"/>.</summary>
    public PlacementFact(EvaluationContext context, FindingSubject subject, ImmutableArray<string> path, Site site, string store)
        : base(context, subject, path)
    {
        Site = site;
        Store = store;
    }

    /// <summary>Where the data rests.</summary>
    public Site Site { get; }
    /// <summary>The store's name.</summary>
    public string Store { get; }
    /// <summary>The primary (collection) database.</summary>
    public bool Primary { get; init; }
    /// <summary>Replicated to the provider's paired region.</summary>
    public bool GeoRedundant { get; init; }
    /// <summary>Encrypted at rest.</summary>
    public bool EncryptedAtRest { get; init; }
    /// <summary>End-to-end encrypted.</summary>
    public bool EncryptedEndToEnd { get; init; }
    /// <summary>Where the keys are held.</summary>
    public string? KeyCountry { get; init; }
    /// <summary>The store's attributes.</summary>
    public ImmutableSortedDictionary<string, string> Attributes { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>True when this placement is a copy (replica or backup) of another store's data.</summary>
    public bool Copy { get; init; }
    /// <summary>True when the store is named as another store's backup or replica (its data are copies).</summary>
    public bool CopyTarget { get; init; }

    /// <summary>True when the keys are held in the country the data rests in (null when either is unknown).</summary>
    public bool? KeyInSameCountry => KeyCountry is null || Site.Country is null ? null : KeyCountry == Site.Country;

    /// <summary>A store attribute, or null.</summary>
    public string? Attribute(string name) => Attributes.TryGetValue(name, out var v) ? v : null;
}

/// <summary>A movement of data between two sites, declared or implied.</summary>
/// <remarks>
/// What a transfer shares with the onward hops along it (<see cref="TransferEdge"/>: endpoints, purpose, mechanisms,
/// encryption, retention, graph nodes, where it was declared, key location) is held once, by the transfer; a hop holds its
/// edge's, not a copy, and its path is traced from its place in its regime's search when first read.
/// </remarks>
public sealed class TransferFact : Fact
{
    private readonly TransferEdge _edge;

    /// <summary>True for an onward hop: <see cref="_edge"/> is its edge's, never set through this fact.</summary>
    private readonly bool _sharesEdge;

    /// <summary>Creates a transfer.</summary>
    public TransferFact(EvaluationContext context, FindingSubject subject, ImmutableArray<string> path, Site source, Site destination, string purpose)
        : base(context, subject, path) =>
        _edge = new TransferEdge(source, destination, purpose);

    /// <summary>Creates a transfer whose path is worked out when it is first read.</summary>
    internal TransferFact(EvaluationContext context, FindingSubject subject, LazyPath path, Site source, Site destination, string purpose)
        : base(context, subject, path) =>
        _edge = new TransferEdge(source, destination, purpose);

    /// <summary>
    /// Creates an onward hop along <paramref name="edge"/>: its context, subject and what a transfer shares with the hops
    /// along it are the edge's (not copied); its path is worked out when it is first read.
    /// </summary>
    internal TransferFact(TransferFact edge, LazyPath path)
        : base(edge.Context, edge.Subject, path)
    {
        _edge = edge._edge;
        _sharesEdge = true;
    }

    /// <summary>The edge fields this fact sets while it is initialised (a hop's are its edge's: setting them is a programming error).</summary>
    private TransferEdge Own => _sharesEdge ? throw new InvalidOperationException("An onward hop's edge fields are its edge's: set them on the edge.") : _edge;

    /// <summary>Where the data leaves from.</summary>
    public Site Source => _edge.Source;
    /// <summary>Where it goes.</summary>
    public Site Destination => _edge.Destination;
    /// <summary>replication, backup, analytics, ...</summary>
    public string Purpose => _edge.Purpose;
    /// <summary>Declared legal bases (scc, bcr, idta, ...).</summary>
    public ImmutableArray<string> Mechanisms { get => _edge.Mechanisms; init => Own.Mechanisms = value; }
    /// <summary>Encrypted in transit.</summary>
    public bool? EncryptedInTransit { get => _edge.EncryptedInTransit; init => Own.EncryptedInTransit = value; }
    /// <summary>Pseudonymised before it moves.</summary>
    public bool? Pseudonymised { get => _edge.Pseudonymised; init => Own.Pseudonymised = value; }
    /// <summary>How long the destination keeps it, in hours.</summary>
    public double? RetentionHours { get => _edge.RetentionHours; init => Own.RetentionHours = value; }
    /// <summary>True when the estate implies this transfer (DR, replica, backup, geo-redundancy, onward).</summary>
    public bool Implied { get; init; }
    /// <summary>What implies it, in words (for reports). Built on each read for onward hops (there can be millions).</summary>
    public string? ImpliedBy
    {
        get => GivenImpliedBy ?? (OnwardRegime is { } regime ? OnwardPrefix(regime, Origin ?? Source) + string.Join(" -> ", Path) : null);
        init => Own.ImpliedBy = value;
    }

    /// <summary>The <see cref="ImpliedBy"/> text given to this transfer (a hop's is worked out, never given).</summary>
    private string? GivenImpliedBy => _sharesEdge ? null : _edge.ImpliedBy;

    /// <summary>For an onward hop: the regime whose data it carries onward (see <see cref="ImpliedBy"/>).</summary>
    internal string? OnwardRegime { get; init; }

    /// <summary>
    /// For an onward hop whose <see cref="ImpliedBy"/> is not given: the regime and origin its text names before its path
    /// (<see cref="OnwardPrefix"/> of them is the text before the path); null for any other transfer.
    /// </summary>
    internal (string Regime, Site Origin)? OnwardText => GivenImpliedBy is null && OnwardRegime is { } regime ? (regime, Origin ?? Source) : null;

    /// <summary>The text of an onward hop's <see cref="ImpliedBy"/> before its path, which follows joined with <c>" -> "</c>.</summary>
    internal static string OnwardPrefix(string regime, Site origin)
    {
        var law = regime == FlowAnalyzer.UnknownOrigin ? "whose regimes are unknown" : regime;
        return $"onward transfer of data from {origin.Name} ({origin.Country ?? "unknown"}, {law}) via ";
    }
    /// <summary>
    /// The regimes this transfer is judged under: the exporting site's for a direct hop; for an onward hop, the
    /// origin's regimes that do not already bind the exporting site ("including onward transfers").
    /// </summary>
    public ImmutableArray<string> Regimes { get; init; } = [];
    /// <summary>
    /// The data resting where this transfer leaves from (a store's, or the union of a cluster's stores'): where an onward
    /// lot of a regime starts, it counts this data's individuals. <see cref="Fact.Data"/> when not set.
    /// </summary>
    internal CarriedData Held { get => (_sharesEdge ? null : _edge.Held) ?? Data; init => Own.Held = value; }

    /// <summary>
    /// Whether the edge carries only <c>Categories</c> of what rests at its source (a flow that declares its
    /// categories). Otherwise (a flow that declares none, an implied copy) it carries everything that reached its source.
    /// </summary>
    internal bool CarriesOnlyItsCategories { get => !_sharesEdge && _edge.CarriesOnlyItsCategories; init => Own.CarriesOnlyItsCategories = value; }
    /// <summary>Graph node the data leaves (DataStore/x, Cluster/x, ...), for onward-chain analysis.</summary>
    public string FromNode { get => _edge.FromNode; init => Own.FromNode = value; }
    /// <summary>Graph node the data reaches.</summary>
    public string ToNode { get => _edge.ToNode; init => Own.ToNode = value; }
    /// <summary>Where the edge that makes this transfer was written (a DR target, a replica entry), for evidence.</summary>
    public SourceLocation DeclaredAt { get => _edge.DeclaredAt; init => Own.DeclaredAt = value; }
    /// <summary>Regimes whose law covers the data from its origin (onward chains keep them).</summary>
    public ImmutableArray<string> Origins { get; init; } = [];
    /// <summary>Hop number in an onward chain (1 for a direct transfer).</summary>
    public int Hop { get; init; } = 1;
    /// <summary>Where the data started (the first site of the chain).</summary>
    public Site? Origin { get; init; }
    /// <summary>The source store's encryption key location, when known.</summary>
    public string? KeyCountry { get => _edge.KeyCountry; init => Own.KeyCountry = value; }

    /// <summary>For an onward hop: the edge it is along and the node it leaves, in its regime's search (its path is traced from them).</summary>
    [NotFactData]
    private readonly int _onwardEdge, _onwardNode;

    /// <summary>For an onward hop: the edge (index in its search's graph) it is along.</summary>
    internal int OnwardEdge { get => _onwardEdge; init => _onwardEdge = value; }

    /// <summary>For an onward hop: the node it leaves, in its search's graph.</summary>
    internal int OnwardNode { get => _onwardNode; init => _onwardNode = value; }
    /// <summary>Free attributes of the declared flow (empty for implied transfers).</summary>
    public ImmutableSortedDictionary<string, string> Attributes { get => _sharesEdge ? ImmutableSortedDictionary<string, string>.Empty : _edge.Attributes; init => Own.Attributes = value; }

    /// <summary>
    /// Individuals exported this year from the source country across all declared cross-border flows (an upper bound of the
    /// distinct count; volume thresholds such as China's count cumulatively since 1 January). Set by the fact builder.
    /// </summary>
    public double? ExportedIndividuals
    {
        get => _exported?.All;
        internal set => Exported = ExportTotals.Of(value, ExportedSensitiveIndividuals);
    }

    /// <summary>As <see cref="ExportedIndividuals"/>, for individuals whose sensitive data is exported.</summary>
    public double? ExportedSensitiveIndividuals
    {
        get => _exported?.Sensitive;
        internal set => Exported = ExportTotals.Of(ExportedIndividuals, value);
    }

    /// <summary>
    /// <see cref="ExportedIndividuals"/> and <see cref="ExportedSensitiveIndividuals"/> together (null: neither known): one
    /// object per exporting country, shared by its transfers and their hops (see <see cref="ExportVolumes"/>).
    /// </summary>
    internal ExportTotals? Exported
    {
        get => _exported;
        set
        {
            _exported = value;
            ForgetJudgement();
        }
    }

    private ExportTotals? _exported;

    /// <summary>A flow attribute, or null.</summary>
    public string? Attribute(string name) => Attributes.TryGetValue(name, out var v) ? v : null;

    /// <summary>True when the data stays on one cluster or one recipient (source and destination are the same site).</summary>
    public bool SameSite => ReferenceEquals(Source, Destination) || (Source.Kind == Destination.Kind && Source.Name == Destination.Name);

    /// <summary>True when source and destination countries differ (null when either is unknown).</summary>
    public bool? CrossBorder => Source.Country is null || Destination.Country is null ? null : Source.Country != Destination.Country;
}
