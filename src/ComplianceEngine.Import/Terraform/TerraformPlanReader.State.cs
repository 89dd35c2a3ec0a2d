using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Terraform;

/// <summary>
/// <c>terraform show -json</c> of a state (hashicorp/terraform internal/command/jsonstate/state.go): <c>values.root_module</c>
/// with <c>resources[]</c> ({<c>address</c>, <c>mode</c>, <c>type</c>, <c>name</c>, <c>provider_name</c>, <c>values</c>,
/// <c>deposed_key</c>}) and nested <c>child_modules[]</c> ({<c>address</c>, <c>resources</c>, <c>child_modules</c>}). Each
/// resource is read by the same readers as a plan's unchanged resource; a state has no configuration, so a location comes
/// from the resource's own attributes (its <c>region</c>/<c>location</c>, or the region in its ARN) or is indeterminate.
/// </summary>
internal sealed partial class TerraformPlanReader
{
    /// <summary>The major versions of the plan and state JSON formats this reader knows (0.x from Terraform 0.12, 1.x since).</summary>
    private static readonly string[] KnownMajorVersions = ["0", "1"];

    /// <summary>True when the document is a state (no resource changes, planned values or configuration), not a plan.</summary>
    private bool _isState;

    /// <summary>What the document is, for messages.</summary>
    private string Source => _isState ? "state" : "plan";

    /// <summary>
    /// Checks <c>format_version</c>: Terraform raises its major version for any change a consuming parser must follow, so a
    /// major version this reader does not know is an error and nothing is imported (read anyway, a renamed field would
    /// read as "no resources" and pass).
    /// </summary>
    private bool FormatVersionKnown(bool isState)
    {
        _isState = isState;
        var version = _root["format_version"];
        var text = version.String;
        var major = text?.Split('.')[0];
        if (major is not null && KnownMajorVersions.Contains(major, StringComparer.Ordinal) && text!.Split('.').All(p => p.Length > 0 && p.All(char.IsAsciiDigit)))
            return true;
        Diagnostics.Error(DiagnosticCodes.SourceFormatVersionUnsupported,
            $"this Terraform {Source} JSON has format_version '{text ?? "(not text)"}', which this reader does not know (it reads {string.Join(" and ", KnownMajorVersions.Select(v => v + ".x"))}); nothing of it is imported",
            version.Location);
        return false;
    }

    private void ReadState()
    {
        var root = _root["values"]["root_module"];
        if (!root.Exists)
        {
            // `terraform show -json` of an empty state prints only the format version.
            Diagnostics.Warning(DiagnosticCodes.SourceEmpty, "this Terraform state holds no resources (values.root_module is missing); nothing imported", _root.Location);
            return;
        }
        if (root.Node is not Loading.Yaml.YamlMapping)
        {
            Diagnostics.Error(DiagnosticCodes.SourceMalformed, "values.root_module must be an object", root.Location);
            return;
        }
        var all = new List<Change>();
        CollectState(root, all, 0);
        if (all.Count == 0 && !root["resources"].Exists && !root["child_modules"].Exists)
            Diagnostics.Warning(DiagnosticCodes.SourceEmpty, "this Terraform state holds no resources; nothing imported", root.Location);
        ReadChanges(all);
    }

    /// <summary>The resources of a state module and its child modules, as unchanged resources (depth-capped: a module tree is never deeper).</summary>
    private void CollectState(Cursor module, List<Change> all, int depth)
    {
        var moduleAddress = module["address"].String;
        if (module["resources"].Exists && module["resources"].Node is not Loading.Yaml.YamlSequence)
            Diagnostics.Error(DiagnosticCodes.SourceMalformed, "resources must be a list", module["resources"].Location);
        foreach (var r in module["resources"].Items)
        {
            var type = r["type"].String;
            var address = r["address"].String;
            if (type is null || address is null)
            {
                Diagnostics.Error(DiagnosticCodes.SourceMalformed, "a state resource needs 'address' and 'type'", r.Location);
                continue;
            }
            var mode = r["mode"].String;
            if (mode == "data") continue; // data sources read, they do not hold data
            if (mode is not null && mode != "managed")
            {
                Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"{type} '{address}': mode '{mode}' is neither managed nor data{Suggestions.DidYouMean(mode, ["managed", "data"])}; the resource is not imported", r["mode"].Location);
                continue;
            }
            if (r["deposed_key"].String is { } deposed)
            {
                // A deposed object (create_before_destroy left it behind) is destroyed by the next apply, but until then it
                // exists and holds its data; its name is usually its replacement's, so it cannot be a second store.
                Diagnostics.Warning(DiagnosticCodes.SourceDeposedObject,
                    $"{type} '{address}' has a deposed object (deposed_key {deposed}) that still exists until the next apply destroys it; it is not imported beside the current object, so what it holds is judged only as the current object's",
                    r["deposed_key"].Location);
                continue;
            }
            all.Add(new Change(r, address, type, r["name"].String ?? address, r["provider_name"].String, moduleAddress, ["no-op"], r["values"], r["after_unknown"]));
        }
        if (module["child_modules"].Exists && module["child_modules"].Node is not Loading.Yaml.YamlSequence)
            Diagnostics.Error(DiagnosticCodes.SourceMalformed, "child_modules must be a list", module["child_modules"].Location);
        if (depth >= 64)
        {
            Diagnostics.Error(DiagnosticCodes.SourceMalformed, "child_modules are nested more than 64 deep; the modules below are not imported", module["child_modules"].Location);
            return;
        }
        foreach (var child in module["child_modules"].Items) CollectState(child, all, depth + 1);
    }

    /// <summary>
    /// The region in an AWS resource's ARN (<c>arn:PARTITION:SERVICE:REGION:ACCOUNT:...</c>) when the resource exists (a
    /// state, or a plan's unchanged or updated resource); S3 ARNs carry no region and give none.
    /// </summary>
    private static (string Region, SourceLocation At)? RegionOfArn(Change c)
    {
        var arn = c.Values["arn"];
        if (arn.String is not { } text) return null;
        var parts = text.Split(':');
        return parts is ["arn", _, _, { Length: > 0 } region, ..] && parts.Length >= 6 ? (region, arn.Location) : null;
    }
}
