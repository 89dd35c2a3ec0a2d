using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Terraform;

/// <summary>
/// AWS Backup: an <c>aws_backup_plan</c>'s <c>rule[].copy_action[].destination_vault_arn</c> copies the recovery points
/// of what the plan's <c>aws_backup_selection</c>s select (<c>resources</c> ARNs or configuration references, <c>"*"</c>,
/// <c>selection_tag</c>, <c>condition</c>, minus <c>not_resources</c>) to a vault in the ARN's region (another region or
/// account): each selected store backs up to a store standing for that vault. The plan's own vault
/// (<c>target_vault_name</c>) is in the plan's region, the region of the resources it backs up, and adds no place.
/// </summary>
internal sealed partial class TerraformPlanReader
{
    /// <summary>The resource types read as stores that AWS Backup can back up.</summary>
    private static readonly HashSet<string> BackupSourceTypes = ["aws_s3_bucket", "aws_db_instance", "aws_dynamodb_table", "aws_rds_cluster"];

    private const string ResourceTagPrefix = "aws:ResourceTag/";

    /// <summary>Store names of the vaults copies go to, by ARN (or plan address and attribute when unknown).</summary>
    private readonly Dictionary<string, string> _vaultStores = new(StringComparer.Ordinal);

    private sealed record CopyTarget(string Key, string VaultName, string? Region, SourceLocation RegionAt, SourceLocation At, string? Attribute);

    private void BackupPlans(List<Change> live)
    {
        var plans = live.Where(c => c.Type == "aws_backup_plan").ToList();
        var selections = new Dictionary<string, List<Change>>(StringComparer.Ordinal);
        foreach (var s in live.Where(c => c.Type == "aws_backup_selection"))
        {
            if (PlanOf(s, plans) is not { } plan)
            {
                var id = s.Values["plan_id"];
                Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                    $"{s.Describe}: plan_id '{id.String ?? "(unknown until apply)"}' is not an aws_backup_plan of this plan; the backups of what it selects are not imported",
                    id.Exists ? id.Location : s.Resource.Location);
                continue;
            }
            if (!selections.TryGetValue(plan.Address, out var list)) selections[plan.Address] = list = [];
            list.Add(s);
        }

        foreach (var plan in plans)
        {
            var copies = CopyActions(plan);
            if (copies.Count == 0) continue; // the backups stay in the plan's own vault, in the region of what it backs up
            if (!selections.TryGetValue(plan.Address, out var chosen))
            {
                Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                    $"{plan.Describe}: no aws_backup_selection of this plan assigns resources to it, so what its {copies.Count} copy action(s) copy is unknown; they are not imported (plan the selections with it)",
                    plan.Resource.Location);
                continue;
            }
            var stores = chosen.SelectMany(Selected).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(a => _session.Find(DocumentKind.DataStore, _storeByAddress[a])!).ToList();
            if (stores.Count == 0) continue; // each selection has said why
            foreach (var copy in copies)
            {
                var target = VaultStore(copy);
                foreach (var store in stores) ImportSession.BackUp(store, target, copy.At);
            }
        }
    }

    /// <summary>The plan a selection's <c>plan_id</c> names: its value (the plan's id), else the configuration reference <c>aws_backup_plan.x.id</c>.</summary>
    private Change? PlanOf(Change selection, List<Change> plans)
    {
        if (selection.Values["plan_id"].String is { } id && plans.FirstOrDefault(p => p.Values["id"].String == id) is { } byId) return byId;
        foreach (var reference in ConfigOf(selection)?["expressions"]["plan_id"]["references"].Strings ?? [])
        {
            var address = Referenced(selection, reference);
            if (plans.FirstOrDefault(p => p.Address == address) is { } plan) return plan;
        }
        return null;
    }

    /// <summary>The address a configuration reference (<c>aws_backup_plan.x.id</c>, <c>aws_s3_bucket.b.arn</c>) points at, in the module of <paramref name="from"/>.</summary>
    private static string Referenced(Change from, string reference)
    {
        var target = reference;
        foreach (var attribute in new[] { ".id", ".arn", ".name", ".bucket" })
        {
            if (target.EndsWith(attribute, StringComparison.Ordinal) && target.Count(ch => ch == '.') >= 2) { target = target[..^attribute.Length]; break; }
        }
        return (from.ModuleAddress is null ? "" : from.ModuleAddress + ".") + target;
    }

    // ---- copy actions -------------------------------------------------------------------------------------------

    private List<CopyTarget> CopyActions(Change plan)
    {
        var result = new List<CopyTarget>();
        var rules = plan.Values["rule"];
        if (!rules.Exists)
        {
            if (plan.Unknown["rule"].IsTrue)
                Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
                    $"{plan.Describe}: rule is unknown until apply (change.after_unknown.rule), so where its copy actions go is unknown; they are not judged", plan.Resource.Location);
            return result;
        }
        var configRules = ConfigOf(plan)?["expressions"]["rule"].Items.ToList() ?? [];
        var ruleIndex = 0;
        foreach (var rule in rules.Items)
        {
            var ruleName = rule["rule_name"].String;
            var unknownRule = plan.Unknown["rule"].Items.ElementAtOrDefault(ruleIndex);
            // Rules are a set: match the configuration's block by rule_name, else by position.
            var configRule = configRules.FirstOrDefault(r => ruleName is not null && r["rule_name"]["constant_value"].String == ruleName);
            if (configRule.Node is null) configRule = configRules.ElementAtOrDefault(ruleIndex);
            var copyIndex = 0;
            foreach (var copy in rule["copy_action"].Items)
            {
                var attribute = $"rule[{ruleIndex}].copy_action[{copyIndex}].destination_vault_arn";
                var unknown = unknownRule["copy_action"].Items.ElementAtOrDefault(copyIndex)["destination_vault_arn"].IsTrue;
                var expression = configRule["copy_action"].Items.ElementAtOrDefault(copyIndex)["destination_vault_arn"];
                result.Add(ResolveCopy(plan, ruleName ?? $"rule{ruleIndex}", copy, copyIndex, attribute, unknown, expression));
                copyIndex++;
            }
            if (copyIndex == 0 && unknownRule["copy_action"].IsTrue)
                Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
                    $"{plan.Describe}: rule[{ruleIndex}].copy_action is unknown until apply (change.after_unknown), so where its copies go is unknown; they are not judged", rule.Location);
            ruleIndex++;
        }
        return result;
    }

    private CopyTarget ResolveCopy(Change plan, string ruleName, Cursor copy, int copyIndex, string attribute, bool unknown, Cursor expression)
    {
        var arn = copy["destination_vault_arn"];
        if (arn.String is { Length: > 0 } value) return FromArn(plan, attribute, value, arn.Location);
        if (Expression(expression, plan.ModuleAddress) is { } configured) return FromArn(plan, attribute, configured.Value, configured.At);
        foreach (var reference in expression["references"].Strings)
        {
            if (!_byAddress.TryGetValue(Referenced(plan, reference), out var vault) || vault.Type != "aws_backup_vault") continue;
            _read.Add(vault.Address);
            var name = vault.Values["name"].String ?? vault.ResourceName;
            var (region, at) = Region(vault, "aws", "region");
            return new CopyTarget(vault.Address, name, region, at, arn.Exists ? arn.Location : copy.Location, null);
        }
        var why = unknown
            ? "change.after_unknown: known only after apply, and the configuration names no aws_backup_vault of this plan"
            : "no destination_vault_arn";
        Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
            $"{plan.Describe}: {attribute} (rule '{ruleName}') is unknown ({why}); the copy's region is unknown and its facts are indeterminate", copy.Location);
        var planName = plan.Values["name"].String ?? plan.ResourceName;
        return new CopyTarget($"{plan.Address}.{attribute}", $"{planName}-{ruleName}-copy-{copyIndex}", null, copy.Location, copy.Location, $"{plan.Address}.{attribute}");
    }

    /// <summary>A vault ARN: <c>arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME</c>; anything else is malformed and the copy indeterminate.</summary>
    private CopyTarget FromArn(Change plan, string attribute, string arn, SourceLocation at)
    {
        var parts = arn.Split(':');
        if (parts is not ["arn", _, "backup", { Length: > 0 } region, _, "backup-vault", { Length: > 0 } name])
        {
            Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                $"{plan.Describe}: {attribute} '{arn}' is not a backup vault ARN (arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME); the copy's region is unknown and its facts are indeterminate", at);
            return new CopyTarget(arn, parts[^1].Length > 0 ? parts[^1] : $"{plan.ResourceName}-copy", null, at, at, $"{plan.Address}.{attribute}");
        }
        foreach (var vault in _byAddress.Values.Where(v => v.Type == "aws_backup_vault" && v.Values["name"].String == name)) _read.Add(vault.Address);
        return new CopyTarget(arn, name, region, at, at, null);
    }

    /// <summary>The store standing for a vault, created on first use on the site of its region.</summary>
    private NativeDraft VaultStore(CopyTarget copy)
    {
        if (_vaultStores.TryGetValue(copy.Key, out var existing)) return _session.Find(DocumentKind.DataStore, existing)!;
        var name = _session.Find(DocumentKind.DataStore, copy.VaultName) is null ? copy.VaultName : $"{copy.VaultName}-{copy.Region ?? "unknown"}";
        var site = _session.Site("aws", copy.Region, copy.RegionAt, Name);
        var draft = _session.Store(name, site, copy.At, DataFacts.None, Name, clusterAt: copy.RegionAt);
        draft.Label("compliance-engine.io/backup-vault", copy.Key, copy.At);
        if (copy.Attribute is { } attribute) draft.Label("compliance-engine.io/terraform-attribute", attribute, copy.At);
        _vaultStores[copy.Key] = draft.Name;
        return draft;
    }

    // ---- selections ---------------------------------------------------------------------------------------------

    /// <summary>The plan addresses of the stores a selection selects; every value it cannot resolve is a diagnostic.</summary>
    private List<string> Selected(Change s)
    {
        var chosen = new List<string>();
        var said = false;
        chosen.AddRange(Resources(s, "resources", ref said));
        var tagIndex = 0;
        foreach (var tag in s.Values["selection_tag"].Items)
        {
            var (key, value, type) = (tag["key"].String, tag["value"].String, tag["type"].String);
            if (key is null || value is null)
            {
                Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
                    $"{s.Describe}: selection_tag[{tagIndex}].{(key is null ? "key" : "value")} is unknown until apply; the backups of what it selects are indeterminate", tag.Location);
                said = true;
            }
            else if (type is not null && !type.Equals("STRINGEQUALS", StringComparison.OrdinalIgnoreCase))
            {
                Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"{s.Describe}: selection_tag[{tagIndex}].type '{type}' is not STRINGEQUALS (the only type AWS Backup accepts)", tag["type"].Location);
                said = true;
            }
            else chosen.AddRange(BackupSources().Where(a => Tags(a).Text(key) == value));
            tagIndex++;
        }
        chosen = [.. chosen.Distinct(StringComparer.Ordinal).Where(a => Conditions(s, a))];
        var excluded = Resources(s, "not_resources", ref said).ToHashSet(StringComparer.Ordinal);
        chosen.RemoveAll(excluded.Contains);
        if (chosen.Count == 0 && !said)
            Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                $"{s.Describe}: selects none of the buckets, databases or tables of this plan; the backups of what it selects are not imported", s.Resource.Location);
        return chosen;
    }

    /// <summary>The store addresses named by <c>resources</c> or <c>not_resources</c>: ARNs, <c>"*"</c>, or configuration references when unknown.</summary>
    private List<string> Resources(Change s, string attribute, ref bool said)
    {
        var result = new List<string>();
        var index = 0;
        foreach (var item in s.Values[attribute].Items)
        {
            if (item.String is { } arn)
            {
                if (arn == "*") result.AddRange(BackupSources());
                else if (StoreForArn(arn) is { } address) result.Add(address);
                else
                {
                    Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                        $"{s.Describe}: {attribute}[{index}] '{arn}' is not a bucket, database or table of this plan; {(attribute == "resources" ? "its backup copies are not imported" : "the exclusion is not applied")}", item.Location);
                    said = true;
                }
            }
            index++;
        }
        var unknown = s.Unknown[attribute];
        if (!unknown.IsTrue && !unknown.Items.Any(u => u.IsTrue)) return result;

        var references = ConfigOf(s)?["expressions"][attribute]["references"].Strings ?? [];
        var resolved = references.Select(r => Referenced(s, r)).Distinct(StringComparer.Ordinal)
            .Where(a => _storeByAddress.ContainsKey(a) && _byAddress.TryGetValue(a, out var c) && BackupSourceTypes.Contains(c.Type)).ToList();
        if (resolved.Count == 0)
        {
            Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
                $"{s.Describe}: {attribute} is unknown until apply (change.after_unknown.{attribute}) and the configuration references no bucket, database or table of this plan{(references.Count > 0 ? $" ({string.Join(", ", references)})" : "")}; "
                + (attribute == "resources" ? "the backups of what it selects are indeterminate" : "the exclusion is not applied, so more backups are judged, not fewer"),
                s.Values[attribute].Exists ? s.Values[attribute].Location : s.Resource.Location);
            said = true;
        }
        result.AddRange(resolved);
        return result;
    }

    /// <summary>Every <c>condition</c> block holds for the store at <paramref name="address"/> (all of them must: AND).</summary>
    private bool Conditions(Change s, string address)
    {
        var tags = Tags(address);
        foreach (var condition in s.Values["condition"].Items)
        {
            foreach (var (kind, negate, like) in new[] { ("string_equals", false, false), ("string_not_equals", true, false), ("string_like", false, true), ("string_not_like", true, true) })
            {
                foreach (var test in condition[kind].Items)
                {
                    if (test["key"].String is not { } key || test["value"].String is not { } value) continue;
                    // Only resource tags are conditions on a resource; any other key cannot narrow what is selected.
                    if (!key.StartsWith(ResourceTagPrefix, StringComparison.Ordinal)) continue;
                    var actual = tags.Text(key[ResourceTagPrefix.Length..]);
                    var hit = actual is not null && (like ? Glob(value, actual) : actual == value);
                    if (hit == negate) return false;
                }
            }
        }
        return true;
    }

    private static bool Glob(string pattern, string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$");

    /// <summary>The plan addresses of the stores AWS Backup can back up, in order.</summary>
    private IEnumerable<string> BackupSources() =>
        _storeByAddress.Keys.Where(a => BackupSourceTypes.Contains(_byAddress[a].Type)).Order(StringComparer.Ordinal);

    private Dictionary<string, Cursor> Tags(string address)
    {
        var c = _byAddress[address];
        var tags = c.Values["tags"].ScalarMap.ToDictionary(StringComparer.Ordinal);
        foreach (var (k, v) in c.Values["tags_all"].ScalarMap) tags.TryAdd(k, v);
        return tags;
    }

    /// <summary>The store an ARN names: <c>arn:aws:s3:::BUCKET</c>, <c>arn:aws:rds:R:A:db:ID</c>, <c>...:cluster:ID</c>, <c>arn:aws:dynamodb:R:A:table/NAME</c>.</summary>
    private string? StoreForArn(string arn)
    {
        var parts = arn.Split(':', 6);
        if (parts.Length < 6 || parts[0] != "arn") return null;
        var key = parts[2] + ":" + parts[5];
        return BackupSources().FirstOrDefault(a => ArnKey(_byAddress[a]) == key || _byAddress[a].Values["arn"].String == arn);
    }

    private static string? ArnKey(Change c) => c.Type switch
    {
        "aws_s3_bucket" => c.Values["bucket"].String is { } b ? "s3:" + b : null,
        "aws_db_instance" => c.Values["identifier"].String is { } i ? "rds:db:" + i : null,
        "aws_rds_cluster" => c.Values["cluster_identifier"].String is { } r ? "rds:cluster:" + r : null,
        "aws_dynamodb_table" => c.Values["name"].String is { } t ? "dynamodb:table/" + t : null,
        _ => null,
    };
}
