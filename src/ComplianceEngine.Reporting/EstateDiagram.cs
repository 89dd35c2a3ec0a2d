using System.Globalization;
using System.Text;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting;

/// <summary>
/// The picture of the estate in the HTML report, built only from the findings: the sites they name, grouped by
/// country, and the transfers they judge as arrows between sites, coloured by their worst outcome (violations red).
/// A finding's <see cref="Finding.Place"/> says where its data is (the evaluator sets it on every finding).
/// <para>
/// A finding without a place (built by hand, or read from elsewhere) is read from its evidence: it is a transfer when its evidence has <c>declared flow</c>, <c>implied by</c> or a <c>source.</c>/<c>destination.</c>
/// fact: it goes from <c>source.name</c> (else the first name of its path) to <c>destination.name</c> (else the last).
/// Otherwise it places data at <c>site.name</c> (else the last name of its path). Countries come from the evidence
/// (<c>source.country</c>, <c>destination.country</c>, <c>origin.country</c>, <c>country</c>, <c>site.country</c>); a store a
/// placement puts on a site (a path of two names) is drawn as that site. Sites without a known country are grouped
/// as unknown.
/// </para>
/// </summary>
internal static class EstateDiagram
{
    private const double Width = 1000;
    private const double Margin = 16;
    private const double Gap = 18;
    private const double RowGap = 28;
    private const double HeaderHeight = 34;
    private const double NodeHeight = 36;
    private const double NodePitch = 52;
    private const int MaxColumns = 4;
    private const int MaxTooltipFindings = 40;

    internal sealed class Site(string name)
    {
        public string Name { get; } = name;
        public string? Country { get; set; }
        public FindingStatus? Placement { get; set; }
        public SortedSet<string> Holds { get; } = new(StringComparer.Ordinal);
        public double X { get; set; }
        public double Y { get; set; }
        public double W { get; set; }
    }

    internal sealed class Transfer(string from, string to)
    {
        public string From { get; } = from;
        public string To { get; } = to;
        public FindingStatus Worst { get; set; } = FindingStatus.Pass;
        public SortedSet<string> Findings { get; } = new(StringComparer.Ordinal);
        public int Count { get; set; }
        public bool Truncated { get; set; }
    }

    /// <summary>
    /// The sites and transfers of <paramref name="report"/>, sorted by name; with <paramref name="withFindingNames"/>, each
    /// transfer names its first findings (the HTML tooltip), else it only counts them.
    /// </summary>
    internal static (IReadOnlyList<Site> Sites, IReadOnlyList<Transfer> Transfers) Build(Report report, bool withFindingNames = true)
    {
        var countries = new Dictionary<string, string>(StringComparer.Ordinal);
        var storeSite = new Dictionary<string, string>(StringComparer.Ordinal);
        var placements = new List<(string Site, string? Store, FindingStatus Status)>();
        // What a transfer's arrow needs of each finding (not the finding: a report's findings are read one at a time).
        var raw = new List<(string From, string To, FindingStatus Status, string RuleId, FindingSubject Subject)>();
        var named = new List<string>();

        void Learn(string? name, string? country)
        {
            if (name is null || string.IsNullOrWhiteSpace(country) || country == "unknown") return;
            countries.TryAdd(name, country);
        }

        // Each finding's fields, read without making the finding where the report keeps rows.
        var findings = report.Findings;
        for (var i = 0; i < findings.Count; i++)
        {
            var f = findings.FieldsOf(i);
            if (f.Place is { } place)
            {
                // The finding says where its data is: no evidence text to read back.
                var names = f.Path.IsDefault ? [] : f.Path;
                Learn(place.Site.Name, place.Site.Country);
                if (place.Origin is { } origin) Learn(origin.Name, origin.Country);
                if (place.Destination is { } destination)
                {
                    Learn(destination.Name, destination.Country);
                    named.Add(place.Site.Name);
                    if (destination.Name != place.Site.Name) raw.Add((place.Site.Name, destination.Name, f.Status, f.RuleId, f.Subject));
                }
                else
                {
                    var store = place.Store ?? (names.Length > 1 ? names[0] : null);
                    if (store is not null && names.Length == 2 && store != place.Site.Name) storeSite.TryAdd(store, place.Site.Name);
                    placements.Add((place.Site.Name, store == place.Site.Name ? null : store, f.Status));
                }
                continue;
            }
            var ev = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var e in f.Evidence) ev.TryAdd(e.Fact, e.Value);
            var path = f.Path.IsDefault ? [] : f.Path;
            var isTransfer = ev.ContainsKey("declared flow") || ev.ContainsKey("implied by") ||
                ev.Keys.Any(k => k.StartsWith("source.", StringComparison.Ordinal) || k.StartsWith("destination.", StringComparison.Ordinal));
            if (isTransfer)
            {
                var from = ev.GetValueOrDefault("source.name") ?? (path.Length > 0 ? path[0] : f.Subject.Name);
                var to = ev.GetValueOrDefault("destination.name") ?? (path.Length > 1 ? path[^1] : null);
                Learn(from, ev.GetValueOrDefault("source.country"));
                Learn(to, ev.GetValueOrDefault("destination.country"));
                Learn(ev.GetValueOrDefault("origin.name"), ev.GetValueOrDefault("origin.country"));
                named.Add(from);
                if (to is not null && to != from) raw.Add((from, to, f.Status, f.RuleId, f.Subject));
                else if (to is not null) named.Add(to);
            }
            else if ((ev.GetValueOrDefault("site.name") ?? (path.Length > 0 ? path[^1] : null)) is { } site)
            {
                Learn(site, ev.GetValueOrDefault("country") ?? ev.GetValueOrDefault("site.country"));
                var store = path.Length > 1 ? path[0] : null;
                if (store is not null && path.Length == 2 && store != site) storeSite.TryAdd(store, site);
                placements.Add((site, store == site ? null : store, f.Status));
            }
        }

        // Sites by their resolved name, and each name (a site's, or a store's drawn as its site) resolved once.
        var sites = new Dictionary<string, Site>(StringComparer.Ordinal);
        var byName = new Dictionary<string, Site>(StringComparer.Ordinal);
        Site SiteOf(string name)
        {
            if (byName.TryGetValue(name, out var known)) return known;
            var resolved = storeSite.GetValueOrDefault(name, name);
            if (!sites.TryGetValue(resolved, out var s))
            {
                sites[resolved] = s = new Site(resolved)
                {
                    Country = countries.GetValueOrDefault(resolved) ?? countries.GetValueOrDefault(name),
                };
            }
            s.Country ??= countries.GetValueOrDefault(name);
            if (resolved != name) s.Holds.Add(name);
            byName[name] = s;
            return s;
        }

        foreach (var (site, store, status) in placements)
        {
            var s = SiteOf(site);
            if (store is not null) s.Holds.Add(store);
            if (s.Placement is null || Rank(status) > Rank(s.Placement.Value)) s.Placement = status;
        }
        foreach (var name in named) SiteOf(name);
        var transfers = new Dictionary<(Site From, Site To), Transfer>();
        foreach (var (from, to, status, ruleId, subject) in raw)
        {
            var a = SiteOf(from);
            var b = SiteOf(to);
            if (ReferenceEquals(a, b)) continue;
            if (!transfers.TryGetValue((a, b), out var t)) transfers[(a, b)] = t = new Transfer(a.Name, b.Name);
            if (Rank(status) > Rank(t.Worst)) t.Worst = status;
            t.Count++;
            if (!withFindingNames) continue;
            // The tooltip names at most a few dozen findings (a transfer of a large estate can carry thousands).
            if (t.Findings.Count < MaxTooltipFindings) t.Findings.Add($"{status.ToName()}: {ruleId} {subject.Reference}");
            else t.Truncated = true;
        }
        return ([.. sites.Values.OrderBy(s => s.Name, StringComparer.Ordinal)],
            [.. transfers.Values.OrderBy(t => t.From, StringComparer.Ordinal).ThenBy(t => t.To, StringComparer.Ordinal)]);
    }

    /// <summary>How bad an outcome is, for the colour of an arrow: violation, indeterminate, warning, waived, pass.</summary>
    internal static int Rank(FindingStatus status) => status switch
    {
        FindingStatus.Violation => 4,
        FindingStatus.Indeterminate => 3,
        FindingStatus.Warning => 2,
        FindingStatus.Waived => 1,
        _ => 0,
    };

    /// <summary>Writes the inline SVG (or a sentence when no finding names a site).</summary>
    internal static void Render(Report report, StringBuilder html)
    {
        var (sites, transfers) = Build(report);
        if (sites.Count == 0)
        {
            html.Append("<p class=\"muted\">No finding names a site, so there is no picture of the estate.</p>\n");
            return;
        }

        var groups = sites.GroupBy(s => s.Country ?? "")
            .OrderBy(g => g.Key.Length == 0 ? 1 : 0).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Country: g.Key, Sites: g.ToList())).ToList();
        var columns = Math.Min(MaxColumns, groups.Count);
        var boxWidth = (Width - 2 * Margin - (columns - 1) * Gap) / columns;
        var nodeWidth = Math.Min(boxWidth - 64, 240);
        var boxes = new List<(double X, double Y, double H, string Country, int Count)>();
        var y = Margin;
        for (var row = 0; row * columns < groups.Count; row++)
        {
            var inRow = groups.Skip(row * columns).Take(columns).ToList();
            var rowHeight = inRow.Max(g => HeaderHeight + g.Sites.Count * NodePitch);
            for (var i = 0; i < inRow.Count; i++)
            {
                var x = Margin + i * (boxWidth + Gap);
                boxes.Add((x, y, rowHeight, inRow[i].Country, inRow[i].Sites.Count));
                for (var k = 0; k < inRow[i].Sites.Count; k++)
                {
                    var s = inRow[i].Sites[k];
                    s.X = x + 12;
                    s.Y = y + HeaderHeight + k * NodePitch;
                    s.W = nodeWidth;
                }
            }
            y += rowHeight + RowGap;
        }
        var height = y - RowGap + Margin;
        var byName = sites.ToDictionary(s => s.Name, StringComparer.Ordinal);

        html.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"estate\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {N(Width)} {N(height)}\" role=\"img\" aria-labelledby=\"estate-title\">\n");
        html.Append(CultureInfo.InvariantCulture,
            $"<title id=\"estate-title\">Estate: {sites.Count} sites in {groups.Count} countries, {transfers.Count} transfers ({transfers.Count(t => t.Worst == FindingStatus.Violation)} violating)</title>\n");
        html.Append("<defs>\n");
        foreach (var status in Enum.GetValues<FindingStatus>())
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<marker id=\"arrow-{status.ToName()}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{Colour(status)}\"/></marker>\n");
        }
        html.Append("</defs>\n");

        foreach (var (x, by, h, _, _) in boxes)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"country\" x=\"{N(x)}\" y=\"{N(by)}\" width=\"{N(boxWidth)}\" height=\"{N(h)}\" rx=\"10\"/>\n");
        }

        // Worst last, so that violations are drawn over everything else.
        foreach (var t in transfers.OrderBy(t => Rank(t.Worst)))
        {
            var a = byName[t.From];
            var b = byName[t.To];
            var d = EdgePath(a, b);
            var name = t.Worst.ToName();
            html.Append(CultureInfo.InvariantCulture,
                $"<path class=\"transfer transfer-{name}\" d=\"{d}\" marker-end=\"url(#arrow-{name})\"><title>{HtmlReportWriter.Escape($"{t.From} → {t.To} ({t.Count} finding{(t.Count == 1 ? "" : "s")})\n{string.Join("\n", t.Findings)}{(t.Truncated ? "\n…" : "")}")}</title></path>\n");
        }

        // Country names over the arrows (with a halo), sites over everything.
        foreach (var (x, by, _, country, count) in boxes)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{N(x + 12)}\" y=\"{N(by + 22)}\" class=\"country-name\">{HtmlReportWriter.Escape(country.Length == 0 ? "Unknown" : country)}</text>");
            html.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{N(x + boxWidth - 12)}\" y=\"{N(by + 22)}\" class=\"country-count\" text-anchor=\"end\">{count} site{(count == 1 ? "" : "s")}</text>\n");
        }

        foreach (var s in sites)
        {
            var cls = s.Placement is { } p ? $"site site-{p.ToName()}" : "site";
            html.Append(CultureInfo.InvariantCulture, $"<g class=\"{cls}\"><title>{HtmlReportWriter.Escape(s.Name + (s.Holds.Count > 0 ? "\nholds " + string.Join(", ", s.Holds) : "") + (s.Placement is { } pl ? "\nplacement: " + pl.ToName() : ""))}</title>");
            html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(s.X)}\" y=\"{N(s.Y)}\" width=\"{N(s.W)}\" height=\"{N(NodeHeight)}\" rx=\"6\"/>");
            var maxChars = (int)((s.W - 16) / 7.2);
            if (s.Holds.Count == 0)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<text x=\"{N(s.X + 8)}\" y=\"{N(s.Y + 22)}\" class=\"site-name\">{HtmlReportWriter.Escape(Fit(s.Name, maxChars))}</text>");
            }
            else
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<text x=\"{N(s.X + 8)}\" y=\"{N(s.Y + 15)}\" class=\"site-name\">{HtmlReportWriter.Escape(Fit(s.Name, maxChars))}</text>");
                html.Append(CultureInfo.InvariantCulture,
                    $"<text x=\"{N(s.X + 8)}\" y=\"{N(s.Y + 29)}\" class=\"site-holds\">{HtmlReportWriter.Escape(Fit("holds " + string.Join(", ", s.Holds), (int)((s.W - 16) / 5.6)))}</text>");
            }
            html.Append("</g>\n");
        }
        html.Append("</svg>\n<p class=\"legend\">");
        foreach (var status in new[] { FindingStatus.Violation, FindingStatus.Indeterminate, FindingStatus.Warning, FindingStatus.Waived, FindingStatus.Pass })
        {
            html.Append(CultureInfo.InvariantCulture, $"<span><span class=\"swatch swatch-{status.ToName()}\"></span>{status.ToName()}</span>");
        }
        html.Append("</p>\n");
        if (sites.Any(s => s.Country is null))
        {
            html.Append("<p class=\"muted\">Unknown: no finding states the country of these sites (a rule's evidence lists only the facts it uses), or it could not be determined.</p>\n");
        }
    }

    /// <summary>The stroke colour of an outcome.</summary>
    internal static string Colour(FindingStatus status) => status switch
    {
        FindingStatus.Violation => "#c62828",
        FindingStatus.Indeterminate => "#ef6c00",
        FindingStatus.Warning => "#b08900",
        FindingStatus.Waived => "#78909c",
        _ => "#2e7d32",
    };

    /// <summary>
    /// A quadratic curve between two sites. Sites stacked in one column are joined around their right side; others from
    /// the side of one facing the other to the facing side of the other (never through a site stacked above or below),
    /// with a bow, so that a transfer and its reverse do not overlap.
    /// </summary>
    private static string EdgePath(Site a, Site b)
    {
        var (ax, ay) = (a.X + a.W / 2, a.Y + NodeHeight / 2);
        var (bx, by) = (b.X + b.W / 2, b.Y + NodeHeight / 2);
        if (Math.Abs(ax - bx) < 1)
        {
            var right = a.X + a.W;
            var down = by > ay;
            // The curve peaks at about right + bulge: keep it inside the country's box (52 units right of the sites).
            var bulge = down ? Math.Min(22 + Math.Abs(by - ay) * 0.12, 40) : Math.Min(34 + Math.Abs(by - ay) * 0.12, 48);
            var (sy, ey) = down ? (ay + 4, by - 4) : (ay - 4, by + 4);
            return FormattableString.Invariant($"M{N(right)},{N(sy)} Q{N(right + bulge * 2)},{N((sy + ey) / 2)} {N(right + 2)},{N(ey)}");
        }
        var rightward = bx > ax;
        var (sx, sy2) = (rightward ? a.X + a.W : a.X, ay);
        var (ex, ey2) = (rightward ? b.X - 2 : b.X + b.W + 2, by);
        var (dx, dy) = (ex - sx, ey2 - sy2);
        var length = Math.Sqrt(dx * dx + dy * dy);
        var bow = 16 + length * 0.1;
        var (cx, cy) = ((sx + ex) / 2 - dy / length * bow, (sy2 + ey2) / 2 + dx / length * bow);
        return FormattableString.Invariant($"M{N(sx)},{N(sy2)} Q{N(cx)},{N(cy)} {N(ex)},{N(ey2)}");
    }

    private static string Fit(string text, int max)
    {
        if (text.Length <= max || max < 2) return text;
        var cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + "…";
    }

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
