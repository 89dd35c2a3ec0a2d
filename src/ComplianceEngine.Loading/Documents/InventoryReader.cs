using System.Collections.Immutable;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Vocabulary;

namespace ComplianceEngine.Loading.Documents;

/// <summary>Reads the inventory kinds of design section 3 (Cluster, DataStore, DataFlow, Recipient, Organization, DataCategory) from raw documents.</summary>
public static class InventoryReader
{
    /// <summary>Providers of the contract.</summary>
    public static IReadOnlyList<string> Providers { get; } = ["aws", "azure", "gcp", "oci", "alibaba", "ibm", "onprem", "edge", "other"];

    /// <summary>
    /// The provider code that a display name, company name, service name or other spelling stands for (<c>Amazon Web
    /// Services</c>, <c>amazon</c>, <c>EKS</c> -> <c>aws</c>); null when it names none. Offered as "did you mean", never
    /// read in its place: a Cluster's provider is one of <see cref="Providers"/>.
    /// </summary>
    public static string? ProviderAlias(string written)
    {
        ArgumentNullException.ThrowIfNull(written);
        var key = new string([.. written.Trim().ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
        return key switch
        {
            "aws" or "amazon" or "amazonwebservices" or "amazonaws" or "eks" or "amazoneks" or "ec2" => "aws",
            "azure" or "microsoft" or "microsoftazure" or "aks" or "azurekubernetesservice" => "azure",
            "gcp" or "google" or "googlecloud" or "googlecloudplatform" or "gke" or "gce" or "googlekubernetesengine" => "gcp",
            "oci" or "oracle" or "oraclecloud" or "oraclecloudinfrastructure" or "oke" => "oci",
            "alibaba" or "alibabacloud" or "aliyun" or "ack" => "alibaba",
            "ibm" or "ibmcloud" or "iks" => "ibm",
            "onprem" or "onpremise" or "onpremises" or "baremetal" or "datacenter" or "datacentre" or "vsphere" or "openstack" => "onprem",
            "edge" => "edge",
            "other" => "other",
            _ => null,
        };
    }

    /// <summary>Cluster roles of the contract.</summary>
    public static IReadOnlyList<string> Roles { get; } = ["primary", "standby", "backup", "edge"];

    /// <summary>DR strategies of the contract.</summary>
    public static IReadOnlyList<string> DrStrategies { get; } = ["active-passive", "active-active", "pilot-light", "warm-standby", "backup-restore"];

    /// <summary>Flow purposes of the contract.</summary>
    public static IReadOnlyList<string> Purposes { get; } =
        ["replication", "backup", "disaster-recovery", "analytics", "processing", "support-access", "telemetry", "ml-training", "api", "sync", "other"];

    /// <summary>Recipient roles of the contract.</summary>
    public static IReadOnlyList<string> RecipientRoles { get; } = ["processor", "controller"];

    /// <summary>Reads the inventory documents among <paramref name="documents"/>; other kinds are ignored.</summary>
    /// <param name="withErrors">Receives the documents that had reading errors, so later checks do not pile on.</param>
    public static Estate Read(IEnumerable<RawDocument> documents, DiagnosticBag diagnostics, ISet<DocumentInfo>? withErrors = null)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var builder = new Builder(diagnostics, withErrors);
        foreach (var doc in documents) builder.Add(doc);
        return builder.Build();
    }

    /// <summary>
    /// Reads inventory documents one at a time as they arrive (file by file), so their YAML can be dropped once read;
    /// <see cref="Build"/> gives what <see cref="Read"/> gives for the same documents in the same order.
    /// </summary>
    public sealed class Builder
    {
        private readonly DiagnosticBag _diagnostics;
        private readonly ISet<DocumentInfo>? _withErrors;
        private readonly ImmutableArray<Cluster>.Builder _clusters = ImmutableArray.CreateBuilder<Cluster>();
        private readonly ImmutableArray<DataStore>.Builder _stores = ImmutableArray.CreateBuilder<DataStore>();
        private readonly ImmutableArray<DataFlow>.Builder _flows = ImmutableArray.CreateBuilder<DataFlow>();
        private readonly ImmutableArray<Recipient>.Builder _recipients = ImmutableArray.CreateBuilder<Recipient>();
        private readonly ImmutableArray<TaxonomyEntry>.Builder _categories = ImmutableArray.CreateBuilder<TaxonomyEntry>();
        private Organization? _organization;

        /// <summary>Reads into a new estate; <paramref name="withErrors"/> receives the documents that had reading errors.</summary>
        public Builder(DiagnosticBag diagnostics, ISet<DocumentInfo>? withErrors = null)
        {
            ArgumentNullException.ThrowIfNull(diagnostics);
            _diagnostics = diagnostics;
            _withErrors = withErrors;
        }

        /// <summary>Reads <paramref name="doc"/> when it is of an inventory kind; other kinds are ignored.</summary>
        public void Add(RawDocument doc)
        {
            ArgumentNullException.ThrowIfNull(doc);
            // Read straight from parser events: the record is what the readers below make of a document without mistakes.
            switch (doc.Record)
            {
                case Cluster cluster: _clusters.Add(cluster); return;
                case DataStore store: _stores.Add(store); return;
                case DataFlow flow: _flows.Add(flow); return;
                case Recipient recipient: _recipients.Add(recipient); return;
                case null: break;
                default: throw new ArgumentException($"a document read from events holds a {doc.Record.GetType().Name}, not an inventory record", nameof(doc));
            }
            var errorsBefore = _diagnostics.ErrorCount;
            switch (doc.Info.Kind)
            {
                case DocumentKind.Cluster: _clusters.Add(ReadCluster(doc)); break;
                case DocumentKind.DataStore: _stores.Add(ReadStore(doc)); break;
                case DocumentKind.DataFlow: _flows.Add(ReadFlow(doc)); break;
                case DocumentKind.Recipient: _recipients.Add(ReadRecipient(doc)); break;
                case DocumentKind.DataCategory: _categories.Add(ReadDataCategory(doc)); break;
                case DocumentKind.Organization:
                    var org = ReadOrganization(doc);
                    if (_organization is not null)
                        _diagnostics.Error(DiagnosticCodes.DuplicateName, $"only one Organization may be declared; '{_organization.Name}' was declared at {_organization.Info.Location}", doc.Info.Location);
                    else _organization = org;
                    break;
                default: return;
            }
            doc.Spec.Finish();
            if (_diagnostics.ErrorCount > errorsBefore) _withErrors?.Add(doc.Info);
        }

        /// <summary>The estate of every document added so far.</summary>
        public Estate Build() =>
            new(_clusters.ToImmutable(), _stores.ToImmutable(), _flows.ToImmutable(), _recipients.ToImmutable(), _organization)
            {
                DataCategories = _categories.ToImmutable(),
            };
    }

    private static Cluster ReadCluster(RawDocument doc)
    {
        var s = doc.Spec;
        var provider = s.Enum("provider", Providers, ProviderAlias, required: true, fallback: "other")!;
        var region = s.String("region");
        var country = s.String("country");
        var environment = s.String("environment") ?? "production";
        var role = s.Enum("role", Roles, fallback: "primary")!;
        var op = s.String("operator") ?? string.Empty;
        DisasterRecovery? dr = null;
        if (s.Map("disasterRecovery") is { } d)
        {
            var strategy = d.Enum("strategy", DrStrategies, fallback: "active-passive")!;
            var targets = d.NameList("targets").Select(t => new Reference(t.Name, t.Location)).ToImmutableArray();
            if (!d.Has("targets")) d.Diagnostics.Error(DiagnosticCodes.MissingField, $"Cluster '{doc.Info.Name}'.disasterRecovery: missing required field 'targets'", d.Location);
            d.Finish();
            dr = new DisasterRecovery(strategy, targets, d.Location);
        }
        var agreements = s.StringItems("agreements");
        return new Cluster(doc.Info, provider, region, country, environment, role, op, dr)
        {
            Agreements = Values(agreements),
            AgreementLocations = Locations(agreements),
            CountryLocation = s.LocationOf("country"),
            RegionLocation = region is null ? SourceLocation.None : s.LocationOf("region"),
        };
    }

    private static DataStore ReadStore(RawDocument doc)
    {
        var s = doc.Spec;
        var cluster = Ref(s, "cluster");
        var recipient = Ref(s, "recipient");
        var encryption = Encryption.None;
        if (s.Map("encryption") is { } e)
        {
            encryption = new Encryption(e.Bool("atRest"), e.String("keyCountry"), e.Bool("endToEnd")) { KeyCountryLocation = e.LocationOf("keyCountry") };
            e.Finish();
        }
        var categories = s.StringItems("categories");
        var subjects = s.StringItems("subjects");
        var subjectTypes = s.StringItems("subjectTypes");
        var designations = s.StringItems("designations");
        return new DataStore(
            doc.Info, cluster, recipient,
            Values(categories), Values(subjects), Values(subjectTypes), Values(designations),
            s.Long("individuals"), s.Long("sensitiveIndividuals"), s.Bool("primary"),
            Refs(s, "replicas"), Refs(s, "backups"), s.Bool("geoRedundant"), encryption)
        {
            CategoryLocations = Locations(categories),
            SubjectLocations = Locations(subjects),
            SubjectTypeLocations = Locations(subjectTypes),
            DesignationLocations = Locations(designations),
        };
    }

    private static DataFlow ReadFlow(RawDocument doc)
    {
        var s = doc.Spec;
        var from = Ref(s, "from", required: true) ?? new Reference(string.Empty, s.Location);
        var to = Ref(s, "to", required: true) ?? new Reference(string.Empty, s.Location);
        var categories = s.StringItems("categories");
        var purpose = s.Enum("purpose", Purposes, fallback: "processing")!;
        var mechanisms = s.StringItems("mechanisms");
        return new DataFlow(
            doc.Info, from, to, Values(categories), purpose,
            Values(mechanisms), s.Long("individuals"), s.Long("sensitiveIndividuals"),
            s.Bool("encryptedInTransit"), s.Bool("pseudonymised"), s.Duration("retention"))
        {
            CategoryLocations = Locations(categories),
            MechanismLocations = Locations(mechanisms),
        };
    }

    private static Recipient ReadRecipient(RawDocument doc)
    {
        var s = doc.Spec;
        var country = s.String("country", required: true) ?? string.Empty;
        var role = s.Enum("role", RecipientRoles, fallback: "processor")!;
        var certifications = s.StringItems("certifications");
        var agreements = s.StringItems("agreements");
        return new Recipient(doc.Info, country, role, Values(certifications), Values(agreements))
        {
            CountryLocation = s.LocationOf("country"),
            CertificationLocations = Locations(certifications),
            AgreementLocations = Locations(agreements),
        };
    }

    private static Organization ReadOrganization(RawDocument doc)
    {
        var s = doc.Spec;
        var country = s.String("country", required: true) ?? string.Empty;
        var certifications = s.StringItems("certifications");
        var mechanisms = s.StringItems("mechanisms");
        return new Organization(doc.Info, country, Values(certifications), Values(mechanisms))
        {
            CountryLocation = s.LocationOf("country"),
            CertificationLocations = Locations(certifications),
            MechanismLocations = Locations(mechanisms),
        };
    }

    /// <summary>
    /// A <c>DataCategory</c> document: <c>metadata.name</c> is the dotted key, <c>spec.parent</c> its parent (by default the
    /// key up to its last dot; a key without a dot is a new top-level category), <c>spec.description</c> what it means.
    /// Whether the parent exists is checked against the loaded taxonomy (VocabularyChecker).
    /// </summary>
    internal static TaxonomyEntry ReadDataCategory(RawDocument doc)
    {
        var s = doc.Spec;
        var key = doc.Info.Name;
        var dot = key.LastIndexOf('.');
        var implied = dot > 0 ? key[..dot] : null;
        var parent = s.String("parent");
        var description = s.String("description") ?? string.Empty;
        if (!Validation.Shapes.IsTaxonomyKey(key))
            s.Diagnostics.Error(DiagnosticCodes.DataCategoryInvalid, $"DataCategory '{key}': the name must be a dotted key like user.contact.work_email", doc.Info.Location);
        else if (parent is not null && parent != implied)
            s.Diagnostics.Error(DiagnosticCodes.DataCategoryInvalid,
                implied is null
                    ? $"DataCategory '{key}': a key without a dot is a top-level category and has no parent; name it '{parent}.{key}' to put it under '{parent}'"
                    : $"DataCategory '{key}': parent '{parent}' must be the key up to its last dot ('{implied}'), since rules match categories by prefix",
                s.LocationOf("parent"));
        return new TaxonomyEntry(key, implied, null, null, description, doc.Info.Location);
    }

    private static ImmutableArray<string> Values(ImmutableArray<(string Value, SourceLocation Location)> items) => [.. items.Select(i => i.Value)];

    private static ImmutableArray<SourceLocation> Locations(ImmutableArray<(string Value, SourceLocation Location)> items) => [.. items.Select(i => i.Location)];

    private static Reference? Ref(MapReader s, string key, bool required = false)
    {
        var name = s.String(key, required);
        return name is null ? null : new Reference(name, s.LocationOf(key));
    }

    private static ImmutableArray<Reference> Refs(MapReader s, string key) =>
        s.NameList(key).Select(t => new Reference(t.Name, t.Location)).ToImmutableArray();
}
