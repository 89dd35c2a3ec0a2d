using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Terraform;

/// <summary>
/// Reads <c>terraform show -json</c> plans: clusters (EKS, AKS, GKE), buckets and storage accounts, databases and
/// tables, with their replication. Values come from <c>change.after</c> (<c>before</c> for deleted resources, which
/// are reported, not imported); a location unknown until apply is resolved through <c>configuration</c> (provider
/// config, aliases, module-prefixed keys, variables), otherwise the fact is indeterminate with the attribute named.
/// </summary>
internal sealed partial class TerraformPlanReader
{
    public const string Name = "terraform-plan";

    /// <summary>
    /// A plan or a state: a mapping with <c>format_version</c> and <c>resource_changes</c>, <c>planned_values</c>,
    /// <c>values</c> or <c>terraform_version</c>; or <c>format_version</c> alone, which is what <c>terraform show -json</c>
    /// prints for an empty state (hashicorp/terraform internal/command/testdata/show-json-state/empty).
    /// </summary>
    public static bool Recognises(SourceDocument doc) =>
        doc.Root is Loading.Yaml.YamlMapping m && m.Get("format_version") is not null &&
        (m.Get("resource_changes") is not null || m.Get("planned_values") is not null || m.Get("terraform_version") is not null
         || m.Get("values") is not null || m.Entries.Length == 1);

    private sealed record Change(Cursor Resource, string Address, string Type, string ResourceName, string? ProviderName, string? ModuleAddress, string[] Actions, Cursor Values, Cursor Unknown)
    {
        public bool Deleted => Actions is ["delete"];
        public string Describe => $"{Type} '{Address}'";
    }

    private readonly ImportSession _session;
    private readonly SourceDocument _doc;
    private readonly Cursor _root;
    private readonly Dictionary<string, Cursor> _configResources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _bucketStores = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _storeByAddress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Change> _byAddress = new(StringComparer.Ordinal);

    /// <summary>Addresses of resources of <see cref="UnreadDataTypes"/> that a reader did read (a backup vault a copy goes to).</summary>
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private TerraformPlanReader(ImportSession session, SourceDocument doc)
    {
        _session = session;
        _doc = doc;
        _root = Cursor.Root(doc.Root, doc.IsJson);
    }

    /// <summary>Reads one plan into the session.</summary>
    public static void Read(ImportSession session, SourceDocument doc) => new TerraformPlanReader(session, doc).Read();

    private DiagnosticBag Diagnostics => _session.Diagnostics;

    private void Read()
    {
        var changes = _root["resource_changes"];
        var isState = !changes.Exists && !_root["planned_values"].Exists && !_root["prior_state"].Exists && !_root["configuration"].Exists;
        if (!FormatVersionKnown(isState)) return;
        if (isState)
        {
            ReadState();
            return;
        }
        if (!changes.Exists)
        {
            // A plan with no changes has no resource_changes: nothing to import, say so.
            Diagnostics.Warning(DiagnosticCodes.SourceMalformed, "this Terraform plan has no resource_changes (no changes, or not `terraform show -json PLANFILE` output); nothing imported", _root.Location);
            return;
        }
        if (changes.Node is not Loading.Yaml.YamlSequence)
        {
            Diagnostics.Error(DiagnosticCodes.SourceMalformed, "resource_changes must be a list", changes.Location);
            return;
        }
        if (!changes.Items.Any())
        {
            Diagnostics.Warning(DiagnosticCodes.SourceEmpty, "this Terraform plan's resource_changes is empty (Terraform lists every resource, unchanged ones as no-op); nothing imported", changes.Location);
            return;
        }
        IndexConfiguration(_root["configuration"]["root_module"], "");

        var all = new List<Change>();
        foreach (var rc in changes.Items)
        {
            var type = rc["type"].String;
            var address = rc["address"].String;
            if (type is null || address is null)
            {
                Diagnostics.Error(DiagnosticCodes.SourceMalformed, "a resource change needs 'address' and 'type'", rc.Location);
                continue;
            }
            if (rc["mode"].String == "data") continue; // data sources read, they do not hold data
            var actions = rc["change"]["actions"].Strings.ToArray();
            if (actions.Length == 0)
            {
                Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"{type} '{address}': change.actions is missing", rc["change"].Location);
                continue;
            }
            if (actions.FirstOrDefault(a => !PlanActions.Contains(a)) is { } unknownAction)
            {
                // An action this reader does not know might delete, move or create what it would read as unchanged.
                Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"{type} '{address}': change.actions has '{unknownAction}', which is not a Terraform plan action ({string.Join(", ", PlanActions)}){Suggestions.DidYouMean(unknownAction, PlanActions)}; the resource is not imported",
                    rc["change"]["actions"].Location);
                continue;
            }
            var deleted = actions is ["delete"];
            var values = deleted ? rc["change"]["before"] : rc["change"]["after"];
            all.Add(new Change(rc, address, type, rc["name"].String ?? address, rc["provider_name"].String, rc["module_address"].String,
                actions, values, rc["change"]["after_unknown"]));
        }
        ReadChanges(all);
    }

    /// <summary>Reads the resources of a plan or a state, places first, then what joins them.</summary>
    private void ReadChanges(List<Change> all)
    {
        // Places first (clusters, stores), then what joins them (replication configurations, replicas).
        foreach (var c in all.Where(c => c.Deleted)) ReportDeleted(c);
        var live = all.Where(c => !c.Deleted).ToList();
        foreach (var c in live) _byAddress.TryAdd(c.Address, c);
        foreach (var c in live)
        {
            switch (c.Type)
            {
                case "aws_eks_cluster": Cluster(c, "aws"); break;
                case "azurerm_kubernetes_cluster": Cluster(c, "azure"); break;
                case "google_container_cluster": Cluster(c, "gcp"); break;
                case "aws_s3_bucket": Bucket(c); break;
                case "azurerm_storage_account": StorageAccount(c); break;
                case "google_storage_bucket": GcsBucket(c); break;
                case "aws_db_instance": DbInstance(c); break;
                case "aws_dynamodb_table": DynamoTable(c); break;
                case "aws_rds_cluster": RdsCluster(c); break;
                case "google_sql_database_instance": SqlInstance(c); break;
                case "azurerm_cosmosdb_account": CosmosAccount(c); break;
                case "google_bigquery_dataset": BigQueryDataset(c); break;
            }
        }
        foreach (var c in live)
        {
            switch (c.Type)
            {
                case "aws_s3_bucket": LegacyReplication(c); break;
                case "aws_s3_bucket_replication_configuration": Replication(c); break;
                case "aws_db_instance": ReadReplica(c); break;
                case "google_sql_database_instance": SqlReplica(c); break;
            }
        }
        GlobalClusters(live);
        BackupPlans(live);
        ReportUnread(live);
    }

    /// <summary>The actions of a resource change in <c>terraform show -json</c> (a replacement is two of them).</summary>
    private static readonly string[] PlanActions = ["no-op", "create", "read", "update", "delete"];

    private void RdsCluster(Change c)
    {
        var name = c.Values["cluster_identifier"].String ?? c.ResourceName;
        var (region, at) = Region(c, "aws", "region");
        AddStore(c, name, "aws", region, at);
    }

    /// <summary>Aurora global databases: the clusters sharing a global_cluster_identifier; the source cluster replicates to the others.</summary>
    private void GlobalClusters(List<Change> live)
    {
        var members = live.Where(c => c.Type == "aws_rds_cluster" && c.Values["global_cluster_identifier"].String is not null)
            .GroupBy(c => c.Values["global_cluster_identifier"].String!, StringComparer.Ordinal);
        foreach (var group in members)
        {
            var global = live.FirstOrDefault(g => g.Type == "aws_rds_global_cluster" && g.Values["global_cluster_identifier"].String == group.Key);
            var source = global?.Values["source_db_cluster_identifier"].String;
            var list = group.ToList();
            var primary = list.FirstOrDefault(m => source is not null && (source == m.Values["cluster_identifier"].String || source.EndsWith(":" + m.Values["cluster_identifier"].String, StringComparison.Ordinal)))
                ?? list.FirstOrDefault(m => m.Values["replication_source_identifier"].String is null && !m.Values["engine_mode"].Exists) ?? list[0];
            var primaryStore = _session.Find(DocumentKind.DataStore, _storeByAddress[primary.Address])!;
            foreach (var m in list.Where(m => m != primary))
            {
                primaryStore.Append("replicas", [NativeDraft.Text(_storeByAddress[m.Address], m.Values["global_cluster_identifier"].Location)]);
                CopyData(primaryStore.Name, _storeByAddress[m.Address]);
            }
        }
    }

    private void SqlInstance(Change c)
    {
        var name = c.Values["name"].String ?? c.ResourceName;
        var (region, at) = Region(c, "gcp", "region");
        AddStore(c, name, "gcp", region, at);
    }

    private void SqlReplica(Change c)
    {
        var master = c.Values["master_instance_name"];
        if (master.String is not { Length: > 0 } m) return;
        LinkReplica(c, master, "master_instance_name", m.Contains(':', StringComparison.Ordinal) ? m.Split(':')[^1] : m, "an instance");
    }

    /// <summary>
    /// Makes the store of <paramref name="c"/> a replica of the store named <paramref name="primaryName"/> (the value of
    /// <paramref name="attribute"/>), holding the primary's data. A primary that is not in the plan is a warning: the
    /// replica is imported, the replication transfer is not.
    /// </summary>
    private void LinkReplica(Change c, Cursor value, string attribute, string primaryName, string what)
    {
        var replica = _storeByAddress[c.Address];
        var primary = _session.Find(DocumentKind.DataStore, primaryName);
        if (primary is null)
        {
            Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                $"{c.Describe}: {attribute} '{value.String}' is not {what} in this plan; the replica '{replica}' is imported, the replication transfer is not", value.Location);
            return;
        }
        primary.Append("replicas", [NativeDraft.Text(replica, value.Location)]);
        CopyData(primary.Name, replica);
    }

    // ---- configuration index -------------------------------------------------------------------------------------

    private void IndexConfiguration(Cursor module, string prefix)
    {
        foreach (var r in module["resources"].Items)
        {
            if (r["address"].String is { } a) _configResources[prefix + a] = r;
        }
        foreach (var (name, call) in module["module_calls"].Entries)
            IndexConfiguration(call["module"], $"{prefix}module.{name}.");
    }

    /// <summary>The configuration block of a resource instance: <c>module.a["x"].aws_s3_bucket.b[0]</c> -> <c>module.a.aws_s3_bucket.b</c>.</summary>
    private Cursor? ConfigOf(Change c)
    {
        var key = System.Text.RegularExpressions.Regex.Replace(c.Address, @"\[[^\]]*\]", "");
        return _configResources.TryGetValue(key, out var r) ? r : null;
    }

    // ---- location -----------------------------------------------------------------------------------------------

    /// <summary>
    /// The region of a resource, from what the plan says and nothing else: its own attribute (<c>change.after</c>); else
    /// the configuration's expression for the attribute; else, when the resource's configuration does not set it, the
    /// region of the provider configuration its <c>provider_config_key</c> names (aliases and module providers as the
    /// plan resolves them). An expression is resolved when it is a constant or a single input variable (<c>var.x</c>,
    /// <c>var.x["k"]</c>, <c>var.x[0]</c>) whose value the plan's <c>variables</c> hold; inside a module, <c>var.x</c> is
    /// what the module call passes (resolved where the call is), else the module variable's default. A local, data source, module
    /// output, function or several references, or a provider region taken from the environment, cannot be known from the
    /// plan: the fact is indeterminate, with a warning at the field (CE2069), never a guess.
    /// </summary>
    private (string? Region, SourceLocation At) Region(Change c, string provider, string attribute)
    {
        var value = c.Values[attribute];
        if (value.String is { Length: > 0 } own) return (Normalise(provider, own), value.Location);
        if (provider == "aws" && RegionOfArn(c) is { } fromArn) return fromArn;
        if (_isState)
            return Unresolved(c, provider == "aws"
                ? $"the state holds neither a '{attribute}' attribute nor an ARN with a region, and a state has no provider configuration"
                : $"the state holds no '{attribute}' attribute", value.Exists ? value.Location : c.Resource.Location);

        var unknown = c.Unknown[attribute].IsTrue;
        var config = ConfigOf(c);
        if (config is { } cfg && cfg["expressions"][attribute].Exists)
        {
            var resolved = Resolve(cfg["expressions"][attribute], ModulePath(c.ModuleAddress));
            if (resolved.Value is { } v) return (Normalise(provider, v), resolved.At);
            return Unresolved(c, $"its configuration sets {attribute} to {resolved.Why}", resolved.At);
        }
        if (provider == "azure")
        {
            // azurerm has no provider-level location: every resource gives its own.
            var why = unknown
                ? $"change.after_unknown.{attribute}: known only after apply, and the configuration does not give it"
                : $"no '{attribute}' attribute, and azurerm has no provider location";
            Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown, $"{c.Describe}: the {attribute} is unknown ({why}); its facts are indeterminate", value.Exists ? value.Location : c.Resource.Location);
            return (null, c.Resource.Location);
        }

        // AWS provider <= 5 computes a bucket's region from its provider (after_unknown.region); >= 6 defaults it to it.
        var (key, keyAt, keyWhy) = ProviderKey(c, config, provider);
        if (key is null) return Unresolved(c, keyWhy!, keyAt);
        var region = _root["configuration"]["provider_config"][key]["expressions"]["region"];
        if (!region.Exists)
            return Unresolved(c, provider == "aws"
                ? $"provider configuration '{key}' sets no region, so it comes from the environment (AWS_REGION, AWS_DEFAULT_REGION or the shared config profile), which the plan does not hold"
                : $"provider configuration '{key}' sets no region, and the resource gives none", _root["configuration"]["provider_config"][key].Location);
        var fromProvider = Resolve(region, ModulePath(_root["configuration"]["provider_config"][key]["module_address"].String));
        if (fromProvider.Value is { } p) return (Normalise(provider, p), fromProvider.At);
        return Unresolved(c, $"provider configuration '{key}' sets region to {fromProvider.Why}", fromProvider.At);
    }

    private (string? Region, SourceLocation At) Unresolved(Change c, string why, SourceLocation at)
    {
        Diagnostics.Warning(DiagnosticCodes.SourceRegionUnresolved,
            $"{c.Describe}: its region cannot be known from the {Source} ({why}); its facts are indeterminate until the region is given (a constant or a variable the plan holds, or an ImportMapping rule)", at);
        return (null, at);
    }

    /// <summary>
    /// The provider configuration a resource uses: the configuration's <c>provider_config_key</c> when it names an entry of
    /// <c>provider_config</c> (Terraform 1.2 and later resolve module providers and aliases to the entry that defines
    /// them); a key of an older plan (<c>k8s:aws</c>) or a resource without configuration resolves only when the plan has
    /// a single configuration of the provider, since which alias a module was given is not in the plan.
    /// </summary>
    private (string? Key, SourceLocation At, string? Why) ProviderKey(Change c, Cursor? config, string provider)
    {
        var configs = _root["configuration"]["provider_config"];
        var named = config?["provider_config_key"];
        if (named?.String is { } key && configs[key].Exists) return (key, named.Value.Location, null);
        var type = provider == "aws" ? "aws" : "google";
        var candidates = configs.Entries.Where(e => (e.Value["name"].String ?? e.Key.Split(':')[^1].Split('.')[0]) is var n && (n == type || (type == "google" && n == "google-beta"))).ToList();
        var at = named?.Exists == true ? named.Value.Location : c.Resource.Location;
        var what = named?.String is { } k ? $"provider_config_key '{k}' is not in configuration.provider_config" : "the resource has no configuration with a provider_config_key";
        return candidates.Count switch
        {
            1 => (candidates[0].Key, at, null),
            0 => (null, at, $"{what}, and no {type} provider configuration is in the plan: the region comes from the environment, which the plan does not hold"),
            _ => (null, at, $"{what}, and the plan has {candidates.Count} {type} provider configurations ({string.Join(", ", candidates.Select(e => e.Key))}); which one it uses is not in the plan"),
        };
    }

    private static string Normalise(string provider, string region) => provider switch
    {
        "azure" => Regions.Azure(region),
        "gcp" => region.ToLowerInvariant(),
        _ => region,
    };

    /// <summary>An expression resolved to a value, or why it cannot be (<see cref="Value"/> null).</summary>
    private readonly record struct Resolution(string? Value, SourceLocation At, string? Why);

    /// <summary>A configuration expression's value when the plan holds it (see <see cref="Resolve"/>), else null.</summary>
    private Sourced<string>? Expression(Cursor expression, string? moduleAddress = null) =>
        expression.Exists && Resolve(expression, ModulePath(moduleAddress)) is { Value: { } v } r ? new(v, r.At) : null;

    /// <summary>The module call names of a module address: <c>module.a["x"].module.b</c> -> [a, b]; the root is empty.</summary>
    private static IReadOnlyList<string> ModulePath(string? moduleAddress)
    {
        if (string.IsNullOrEmpty(moduleAddress)) return [];
        var bare = System.Text.RegularExpressions.Regex.Replace(moduleAddress, @"\[[^\]]*\]", "");
        var parts = bare.Split('.');
        return [.. Enumerable.Range(0, parts.Length / 2).Where(i => parts[2 * i] == "module").Select(i => parts[2 * i + 1])];
    }

    /// <summary>The configuration of the module call at <paramref name="path"/> (its <c>expressions</c> and <c>module</c>), or a missing cursor.</summary>
    private Cursor ModuleCall(IReadOnlyList<string> path)
    {
        var module = _root["configuration"]["root_module"];
        var call = module;
        foreach (var name in path)
        {
            call = module["module_calls"][name];
            module = call["module"];
        }
        return call;
    }

    /// <summary>
    /// A configuration expression's value: its <c>constant_value</c>, or the value in <c>variables</c> of its single
    /// input variable reference (Terraform lists <c>var.x["k"]</c> with its root <c>var.x</c>). Anything else is not
    /// in the plan.
    /// </summary>
    private Resolution Resolve(Cursor expression, IReadOnlyList<string> module)
    {
        if (expression["constant_value"].Exists)
            return expression["constant_value"].String is { Length: > 0 } constant
                ? new(constant, expression["constant_value"].Location, null)
                : new(null, expression["constant_value"].Location, "a constant that is not text");
        var references = expression["references"].Strings;
        var at = expression["references"].Exists ? expression["references"].Location : expression.Location;
        if (references.Count == 0) return new(null, at, "an expression with no constant value or reference (a function call)");
        var roots = references.Select(Root).Distinct(StringComparer.Ordinal).ToList();
        if (roots.Count > 1 || !roots[0].StartsWith("var.", StringComparison.Ordinal))
            return new(null, at, $"an expression of {string.Join(", ", references)}, which the plan does not evaluate");
        var name = roots[0][4..];
        Cursor variable;
        if (module.Count == 0)
        {
            variable = _root["variables"][name]["value"];
            if (!variable.Exists) return new(null, at, $"{roots[0]}, whose value is not in the plan's variables");
        }
        else
        {
            // A module's variable: the module call's argument, evaluated where the call is; else the variable's default.
            var call = ModuleCall(module);
            var parent = module.Take(module.Count - 1).ToList();
            if (call["expressions"][name].Exists)
            {
                if (references.Count > 1) return new(null, at, $"an expression of {string.Join(", ", references)} in module.{string.Join(".module.", module)}, which the plan does not evaluate");
                var passed = Resolve(call["expressions"][name], parent);
                return passed.Value is null ? passed with { Why = $"{roots[0]} of module.{string.Join(".module.", module)}, passed as {passed.Why}" } : passed;
            }
            variable = call["module"]["variables"][name]["default"];
            if (!variable.Exists) return new(null, at, $"{roots[0]} of module.{string.Join(".module.", module)}, whose value the plan does not hold");
        }
        var indexed = references.Where(r => r != roots[0]).ToList();
        if (indexed.Count == 0)
            return variable.String is { Length: > 0 } text ? new(text, variable.Location, null) : new(null, variable.Location, $"{roots[0]}, whose value is not text");
        if (indexed.Count > 1) return new(null, at, $"an expression of {string.Join(", ", references)}, which the plan does not evaluate");
        var element = Index(variable, indexed[0][roots[0].Length..]);
        return element?.String is { Length: > 0 } item ? new(item, element.Value.Location, null) : new(null, variable.Location, $"{indexed[0]}, which the plan's value of {roots[0]} does not hold as text");
    }

    /// <summary>The root of a reference: <c>var.x["k"]</c> -> <c>var.x</c>, <c>data.aws_region.current.name</c> -> <c>data.aws_region.current</c>.</summary>
    private static string Root(string reference)
    {
        var bracket = reference.IndexOf('[', StringComparison.Ordinal);
        var bare = bracket < 0 ? reference : reference[..bracket];
        var parts = bare.Split('.');
        return parts[0] switch
        {
            "var" or "local" or "module" or "each" or "count" or "path" or "terraform" when parts.Length >= 2 => $"{parts[0]}.{parts[1]}",
            "data" when parts.Length >= 3 => $"data.{parts[1]}.{parts[2]}",
            _ when parts.Length >= 2 => $"{parts[0]}.{parts[1]}",
            _ => bare,
        };
    }

    /// <summary>One index step (<c>["k"]</c> or <c>[0]</c>) into a variable's value, or null when it is not exactly one step the value holds.</summary>
    private static Cursor? Index(Cursor value, string suffix)
    {
        var m = System.Text.RegularExpressions.Regex.Match(suffix, "^\\[(?:\"([^\"]*)\"|([0-9]+))\\]$");
        if (!m.Success) return null;
        if (m.Groups[1].Success) return value[m.Groups[1].Value].Exists ? value[m.Groups[1].Value] : null;
        var i = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        return value.Items.Skip(i).Select(x => (Cursor?)x).FirstOrDefault();
    }

    // ---- data facts ---------------------------------------------------------------------------------------------

    /// <summary>Where a resource's tags are, most complete first: AWS <c>tags_all</c>, Google <c>terraform_labels</c>, then the resource's own.</summary>
    private static readonly string[] TagFields = ["tags_all", "terraform_labels", "tags", "labels"];

    private DataFacts Facts(Change c, string name)
    {
        // The provider's default tags (AWS default_tags, Google default_labels) reach a resource only through tags_all /
        // terraform_labels, which hold its own tags too: read them first.
        var tagsField = TagFields.FirstOrDefault(f => c.Values[f].Node is Loading.Yaml.YamlMapping) ?? (c.Values["tags"].Exists ? "tags" : "labels");
        var tags = c.Values[tagsField];
        AnnotationKeys.CheckShape(tags, tagsField, c.Describe, Diagnostics);
        var own = DataFacts.FromAnnotations(tags.ScalarMap, c.Describe, Diagnostics);
        return own.Or(_session.Mapping.For(new SourceObject(Name, c.Type, name, c.Address)));
    }

    // ---- resources ----------------------------------------------------------------------------------------------

    private void Cluster(Change c, string provider)
    {
        var name = c.Values["name"].String ?? c.ResourceName;
        var facts = Facts(c, name);
        name = facts.Cluster?.Value ?? name;
        var attribute = provider == "aws" ? "region" : "location";
        var (region, at) = Region(c, provider, attribute);
        if (provider == "gcp" && region is not null && Regions.IsGcpZone(region)) region = Regions.RegionOfZone("gcp", region);
        var draft = new NativeDraft(DocumentKind.Cluster, name, c.Resource.Location, Name).Label("compliance-engine.io/terraform-address", c.Address, c.Resource["address"].Location);
        draft.Set("provider", NativeDraft.Text(provider, c.Resource.Location));
        draft.Set("region", NativeDraft.Text(region ?? "unknown", at));
        _session.Add(draft);
    }

    private string AddStore(Change c, string name, string provider, string? region, SourceLocation regionAt)
    {
        var facts = Facts(c, name);
        var site = _session.Site(provider, region, regionAt, Name);
        var draft = _session.Store(name, site, c.Resource.Location, facts, Name, clusterAt: regionAt);
        draft.Label("compliance-engine.io/terraform-address", c.Address, c.Resource["address"].Location);
        _storeByAddress[c.Address] = draft.Name;
        return draft.Name;
    }

    private void Bucket(Change c)
    {
        var bucket = c.Values["bucket"].String;
        if (bucket is null)
        {
            var why = c.Unknown["bucket"].IsTrue ? "change.after_unknown.bucket: the name is generated at apply" : "no 'bucket' attribute";
            Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown, $"{c.Describe}: the bucket name is unknown ({why}); the store is named after the address", c.Resource.Location);
        }
        var (region, at) = Region(c, "aws", "region");
        var store = AddStore(c, bucket ?? c.Address, "aws", region, at);
        if (bucket is not null) _bucketStores[bucket] = store;
        _bucketStores[c.Address] = store;
    }

    private void StorageAccount(Change c)
    {
        var name = c.Values["name"].String ?? c.ResourceName;
        var (region, at) = Region(c, "azure", "location");
        var store = AddStore(c, name, "azure", region, at);
        var type = c.Values["account_replication_type"];
        if (type.String is { } t && t.ToUpperInvariant() is "GRS" or "RAGRS" or "GZRS" or "RAGZRS")
            _session.Find(DocumentKind.DataStore, store)!.Set("geoRedundant", NativeDraft.Flag(true, type.Location));
        else if (type.String is null && c.Unknown["account_replication_type"].IsTrue)
            Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown, $"{c.Describe}: account_replication_type is unknown until apply; geo-redundant copies to the paired region are not judged", c.Resource.Location);
    }

    private void GcsBucket(Change c)
    {
        var name = c.Values["name"].String ?? c.ResourceName;
        var location = c.Values["location"];
        var regions = c.Values["custom_placement_config"].Items.SelectMany(p => p["data_locations"].Items).ToList();
        if (regions.Count == 0 && location.String is { } l)
        {
            // A region is lower case in the catalog (europe-west3); a multi-region or predefined dual-region (EU, EUR4) is
            // upper case, and the catalog says which countries it spans (a location it does not know is indeterminate there).
            var region = l.Contains('-', StringComparison.Ordinal) ? l.ToLowerInvariant() : l.ToUpperInvariant();
            AddStore(c, name, "gcp", region, location.Location);
            return;
        }
        if (regions.Count == 0)
        {
            var (r, at) = Region(c, "gcp", "location");
            AddStore(c, name, "gcp", r, at);
            return;
        }
        // A custom dual-region: the data rests in both; the second region holds a replica. A region unknown until apply is
        // an indeterminate place, never a crash or a dropped copy.
        foreach (var unknown in regions.Where(r => r.String is null))
            Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown, $"{c.Describe}: custom_placement_config data_locations has a location unknown until apply; the data there is indeterminate", unknown.Location);
        string? Lower(Cursor r) => r.String?.ToLowerInvariant();
        var store = AddStore(c, name, "gcp", Lower(regions[0]), regions[0].Location);
        var draft = _session.Find(DocumentKind.DataStore, store)!;
        draft.Append("replicas", regions.Skip(1).Select(r => (Loading.Yaml.YamlNode)NativeDraft.Text(_session.Site("gcp", Lower(r), r.Location, Name), r.Location)));
    }

    private void DbInstance(Change c)
    {
        var name = c.Values["identifier"].String ?? c.ResourceName;
        var (region, at) = Region(c, "aws", "region");
        AddStore(c, name, "aws", region, at);
    }

    private void ReadReplica(Change c)
    {
        var source = c.Values["replicate_source_db"];
        if (source.String is not { Length: > 0 } src) return;
        // The source is an identifier, or an ARN for a cross-region replica.
        LinkReplica(c, source, "replicate_source_db", src.StartsWith("arn:", StringComparison.Ordinal) ? src.Split(':')[^1] : src, "a database");
    }

    private void DynamoTable(Change c)
    {
        var name = c.Values["name"].String ?? c.ResourceName;
        var (region, at) = Region(c, "aws", "region");
        var store = AddStore(c, name, "aws", region, at);
        var replicas = c.Values["replica"].Items.ToList();
        if (replicas.Count == 0) return;
        var draft = _session.Find(DocumentKind.DataStore, store)!;
        foreach (var r in replicas)
        {
            if (r["region_name"].String is { } rn)
                draft.Append("replicas", [NativeDraft.Text(_session.Site("aws", rn, r["region_name"].Location, Name), r["region_name"].Location)]);
            else
            {
                Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown, $"{c.Describe}: a replica's region_name is unknown; its facts are indeterminate", r.Location);
                draft.Append("replicas", [NativeDraft.Text(_session.Site("aws", null, r.Location, Name), r.Location)]);
            }
        }
    }

    private void LegacyReplication(Change c)
    {
        foreach (var config in c.Values["replication_configuration"].Items)
        foreach (var rule in config["rules"].Items)
            AddReplica(c, _storeByAddress[c.Address], rule);
    }

    private void Replication(Change c)
    {
        var bucketValue = c.Values["bucket"];
        string? source = bucketValue.String is { } b ? _bucketStores.GetValueOrDefault(b) : null;
        if (source is null && ConfigOf(c) is { } cfg)
        {
            // bucket = aws_s3_bucket.x.id: follow the reference to the bucket resource of this plan.
            foreach (var reference in cfg["expressions"]["bucket"]["references"].Strings)
            {
                var target = reference.EndsWith(".id", StringComparison.Ordinal) || reference.EndsWith(".bucket", StringComparison.Ordinal) ? reference[..reference.LastIndexOf('.')] : reference;
                var prefix = c.ModuleAddress is null ? "" : c.ModuleAddress + ".";
                if (_bucketStores.TryGetValue(prefix + target, out var s)) { source = s; break; }
            }
        }
        if (source is null)
        {
            Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                $"{c.Describe}: the source bucket '{bucketValue.String ?? "(unknown until apply)"}' is not a bucket in this plan; its replication is not imported", bucketValue.Exists ? bucketValue.Location : c.Resource.Location);
            return;
        }
        foreach (var rule in c.Values["rule"].Items) AddReplica(c, source, rule);
    }

    private void AddReplica(Change c, string source, Cursor rule)
    {
        if (rule["status"].String is { } status && !status.Equals("Enabled", StringComparison.OrdinalIgnoreCase))
        {
            if (status.Equals("Disabled", StringComparison.OrdinalIgnoreCase)) return;
            // Read as disabled, a typo would drop the replica and the transfer to it.
            Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                $"{c.Describe}: rule status '{status}' is neither Enabled nor Disabled{Suggestions.DidYouMean(status, ["Enabled", "Disabled"])}; the rule is read as enabled", rule["status"].Location);
        }
        foreach (var destination in rule["destination"].Items)
        {
            var arn = destination["bucket"];
            if (arn.String is not { } value)
            {
                Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown, $"{c.Describe}: the destination bucket is unknown until apply; the replication's facts are indeterminate", destination.Location);
                AddUnknownReplica(c, source, destination.Location);
                continue;
            }
            var name = value.StartsWith("arn:", StringComparison.Ordinal) ? value.Split(':')[^1] : value;
            if (_bucketStores.TryGetValue(name, out var target))
            {
                _session.Find(DocumentKind.DataStore, source)!.Append("replicas", [NativeDraft.Text(target, arn.Location)]);
                CopyData(source, target);
                continue;
            }
            Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                $"{c.Describe}: destination bucket '{name}' is not in this plan, so its region is unknown; the replication is indeterminate (add the bucket's plan or an ImportMapping rule with its region)", arn.Location);
            var mapped = _session.Mapping.For(new SourceObject(Name, "aws_s3_bucket", name, name));
            var site = _session.Site("aws", mapped.Region?.Value, arn.Location, Name);
            var draft = _session.Find(DocumentKind.DataStore, name) ?? _session.Store(name, site, arn.Location, mapped, Name);
            _session.Find(DocumentKind.DataStore, source)!.Append("replicas", [NativeDraft.Text(draft.Name, arn.Location)]);
            CopyData(source, draft.Name);
        }
    }

    private void AddUnknownReplica(Change c, string source, SourceLocation at)
    {
        var site = _session.Site("aws", null, at, Name);
        _session.Find(DocumentKind.DataStore, source)!.Append("replicas", [NativeDraft.Text(site, at)]);
        _ = c;
    }

    /// <summary>A replica holds what its source holds, unless its own tags say otherwise.</summary>
    private void CopyData(string source, string target)
    {
        var from = _session.Find(DocumentKind.DataStore, source)!;
        var to = _session.Find(DocumentKind.DataStore, target)!;
        foreach (var key in new[] { "categories", "subjects", "subjectTypes", "individuals" })
        {
            if (to.Get(key) is null && from.Get(key) is { } v) to.Set(key, v);
        }
    }

    private void ReportDeleted(Change c)
    {
        var what = c.Type switch
        {
            "aws_s3_bucket_replication_configuration" => $"replication from bucket '{c.Values["bucket"].String ?? "?"}' ends",
            "aws_eks_cluster" or "azurerm_kubernetes_cluster" or "google_container_cluster" => "the cluster goes away",
            "aws_s3_bucket" or "azurerm_storage_account" or "google_storage_bucket" or "aws_db_instance" or "aws_dynamodb_table" or "azurerm_cosmosdb_account" or "google_bigquery_dataset" =>
                c.Values["replicate_source_db"].String is { } src ? $"the read replica of '{src}' goes away, and with it that replication transfer" : "the data it held is no longer there",
            "aws_backup_plan" => "its backups, and the copies its copy actions made to other vaults, are no longer made",
            "aws_backup_selection" => "the resources it selected are no longer backed up by its plan",
            _ => null,
        };
        if (what is null) return;
        Diagnostics.Warning(DiagnosticCodes.SourceDeleted, $"{c.Describe} is deleted by this plan: {what}; it is not imported (its last state is change.before)", c.Resource.Location);
    }
}
