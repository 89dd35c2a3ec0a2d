using System.Globalization;
using System.Text;
using System.Xml;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Bench;

/// <summary>
/// Writes an estate as the YAML documents of design section 3, the way a person or a generator script would: flow-style
/// metadata, block-style spec, fields left out when false or empty. Files hold at most <see cref="DocumentsPerFile"/>
/// documents, well under the loader's per-file caps (16 MiB, 4 million events).
/// </summary>
internal static class YamlEstateWriter
{
    public const int DocumentsPerFile = 5_000;

    /// <summary>Writes <paramref name="estate"/> under <paramref name="folder"/>; returns the number of files and bytes written.</summary>
    public static (int Files, long Bytes) Write(Estate estate, string folder)
    {
        Directory.CreateDirectory(folder);
        var files = 0;
        long bytes = 0;
        void Count((int Files, long Bytes) r)
        {
            files += r.Files;
            bytes += r.Bytes;
        }
        if (estate.Organization is { } org)
            Count(WriteChunks(folder, ".", "organization", [org], WriteOrganization));
        Count(WriteChunks(folder, "clusters", "clusters", estate.Clusters, WriteCluster));
        Count(WriteChunks(folder, "recipients", "recipients", estate.Recipients, WriteRecipient));
        Count(WriteChunks(folder, "stores", "stores", estate.Stores, WriteStore));
        Count(WriteChunks(folder, "flows", "flows", estate.Flows, WriteFlow));
        return (files, bytes);
    }

    private static (int Files, long Bytes) WriteChunks<T>(string root, string sub, string prefix, IReadOnlyList<T> items, Action<StringBuilder, T> write)
    {
        var dir = Path.Combine(root, sub);
        Directory.CreateDirectory(dir);
        var files = 0;
        long bytes = 0;
        var sb = new StringBuilder(1 << 20);
        for (var start = 0; start < items.Count; start += DocumentsPerFile)
        {
            sb.Clear();
            for (var i = start; i < Math.Min(items.Count, start + DocumentsPerFile); i++)
            {
                if (i > start) sb.Append("---\n");
                write(sb, items[i]);
            }
            var name = items.Count <= DocumentsPerFile && sub == "."
                ? $"{prefix}.yaml"
                : string.Create(CultureInfo.InvariantCulture, $"{prefix}-{(start / DocumentsPerFile) + 1:D4}.yaml");
            var path = Path.Combine(dir, name);
            var text = sb.ToString();
            File.WriteAllText(path, text, new UTF8Encoding(false));
            files++;
            bytes += Encoding.UTF8.GetByteCount(text);
        }
        return (files, bytes);
    }

    private static void Header(StringBuilder sb, DocumentInfo info)
    {
        sb.Append("apiVersion: compliance/v1\nkind: ").Append(info.Kind).Append("\nmetadata: {name: ").Append(info.Name);
        if (info.Labels.Count > 0)
        {
            sb.Append(", labels: {");
            var first = true;
            foreach (var (k, v) in info.Labels)
            {
                if (!first) sb.Append(", ");
                sb.Append(k).Append(": ").Append(v);
                first = false;
            }
            sb.Append('}');
        }
        sb.Append("}\nspec:\n");
    }

    private static void Field(StringBuilder sb, string key, string? value, int indent = 2)
    {
        if (value is null) return;
        sb.Append(' ', indent).Append(key).Append(": ").Append(value).Append('\n');
    }

    private static void List(StringBuilder sb, string key, IEnumerable<string> values, int indent = 2)
    {
        var any = false;
        foreach (var v in values)
        {
            sb.Append(any ? ", " : new string(' ', indent) + key + ": [").Append(v);
            any = true;
        }
        if (any) sb.Append("]\n");
    }

    private static void Flag(StringBuilder sb, string key, bool value)
    {
        if (value) sb.Append("  ").Append(key).Append(": true\n");
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void WriteOrganization(StringBuilder sb, Organization o)
    {
        Header(sb, o.Info);
        Field(sb, "country", o.Country);
        List(sb, "certifications", o.Certifications);
        List(sb, "mechanisms", o.Mechanisms);
    }

    private static void WriteCluster(StringBuilder sb, Cluster c)
    {
        Header(sb, c.Info);
        Field(sb, "provider", c.Provider);
        Field(sb, "region", c.Region);
        Field(sb, "country", c.Country);
        Field(sb, "environment", c.Environment);
        Field(sb, "role", c.Role);
        if (c.Operator.Length > 0) Field(sb, "operator", c.Operator);
        if (c.DisasterRecovery is { } dr)
        {
            sb.Append("  disasterRecovery:\n");
            Field(sb, "strategy", dr.Strategy, 4);
            List(sb, "targets", dr.Targets.Select(t => t.Name), 4);
        }
    }

    private static void WriteRecipient(StringBuilder sb, Recipient r)
    {
        Header(sb, r.Info);
        Field(sb, "country", r.Country);
        Field(sb, "role", r.Role);
        List(sb, "certifications", r.Certifications);
        List(sb, "agreements", r.Agreements);
    }

    private static void WriteStore(StringBuilder sb, DataStore s)
    {
        Header(sb, s.Info);
        Field(sb, "cluster", s.Cluster?.Name);
        Field(sb, "recipient", s.Recipient?.Name);
        List(sb, "categories", s.Categories);
        List(sb, "subjects", s.Subjects);
        List(sb, "subjectTypes", s.SubjectTypes);
        List(sb, "designations", s.Designations);
        if (s.Individuals is { } n) Field(sb, "individuals", Number(n));
        if (s.SensitiveIndividuals is { } sn) Field(sb, "sensitiveIndividuals", Number(sn));
        Flag(sb, "primary", s.Primary);
        List(sb, "replicas", s.Replicas.Select(r => r.Name));
        List(sb, "backups", s.Backups.Select(r => r.Name));
        Flag(sb, "geoRedundant", s.GeoRedundant);
        var e = s.Encryption;
        if (e.AtRest || e.EndToEnd || e.KeyCountry is not null)
        {
            sb.Append("  encryption: {atRest: ").Append(e.AtRest ? "true" : "false");
            if (e.KeyCountry is { } k) sb.Append(", keyCountry: ").Append(k);
            if (e.EndToEnd) sb.Append(", endToEnd: true");
            sb.Append("}\n");
        }
    }

    private static void WriteFlow(StringBuilder sb, DataFlow f)
    {
        Header(sb, f.Info);
        Field(sb, "from", f.From.Name);
        Field(sb, "to", f.To.Name);
        List(sb, "categories", f.Categories);
        Field(sb, "purpose", f.Purpose);
        List(sb, "mechanisms", f.Mechanisms);
        if (f.Individuals is { } n) Field(sb, "individuals", Number(n));
        if (f.SensitiveIndividuals is { } sn) Field(sb, "sensitiveIndividuals", Number(sn));
        Flag(sb, "encryptedInTransit", f.EncryptedInTransit);
        Flag(sb, "pseudonymised", f.Pseudonymised);
        if (f.Retention is { } r) Field(sb, "retention", XmlConvert.ToString(r));
    }
}
