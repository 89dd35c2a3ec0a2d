using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Loading.Yaml;

namespace ComplianceEngine.Import.Kubernetes;

/// <summary>A Kubernetes object of a source file: from a single document or an item of a List / NodeList.</summary>
internal sealed record KubeObject(SourceDocument Document, Cursor Object, string ApiVersion, string Kind)
{
    public string? Name => Object["metadata"]["name"].String;
    public string Namespace => Object["metadata"]["namespace"].String ?? "default";
    public IReadOnlyDictionary<string, Cursor> Labels => Object["metadata"]["labels"].ScalarMap;
    public IReadOnlyDictionary<string, Cursor> Annotations => Object["metadata"]["annotations"].ScalarMap;

    /// <summary>The default cluster name of objects in this file: the file name up to its first dot (design section 8).</summary>
    public string FileCluster
    {
        get
        {
            var name = Path.GetFileName(Document.File);
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 ? name[..dot] : name;
        }
    }
}

/// <summary>Helpers to find objects of given kinds in single documents and Lists.</summary>
internal static class KubernetesObjects
{
    /// <summary>
    /// The pod template of a pod-running object, where its pods' labels, annotations and volumes are: a Pod is its own,
    /// a CronJob's is <c>spec.jobTemplate.spec.template</c>, every other workload's <c>spec.template</c>.
    /// </summary>
    public static Cursor PodTemplate(Cursor obj, string kind) => kind switch
    {
        "Pod" => obj,
        "CronJob" => obj["spec"]["jobTemplate"]["spec"]["template"],
        _ => obj["spec"]["template"],
    };

    /// <summary>Where <see cref="PodTemplate"/> is, for messages: empty for a Pod, else the path with a trailing dot.</summary>
    public static string PodTemplatePath(string kind) => kind switch
    {
        "Pod" => "",
        "CronJob" => "spec.jobTemplate.spec.template.",
        _ => "spec.template.",
    };

    /// <summary>The apiVersion and kind of a mapping, or nulls.</summary>
    public static (string? ApiVersion, string? Kind) TypeOf(YamlNode node) =>
        node is YamlMapping m ? ((m.Get("apiVersion") as YamlScalar)?.Value, (m.Get("kind") as YamlScalar)?.Value) : (null, null);

    /// <summary>True when the document is a kind <paramref name="accepts"/> takes or a List holding at least one.</summary>
    public static bool Holds(SourceDocument doc, Func<string, string, bool> accepts)
    {
        var (api, kind) = TypeOf(doc.Root);
        if (api is null || kind is null) return false;
        if (accepts(api, kind)) return true;
        if (kind.EndsWith("List", StringComparison.Ordinal) && (doc.Root as YamlMapping)?.Get("items") is YamlSequence items)
            return items.Items.Any(i => TypeOf(i) is ({ } a, { } k) && accepts(a, k)) || (kind != "List" && items.Items.Length > 0 && accepts(api, kind[..^4]));
        return false;
    }

    /// <summary>Every object of the document: itself, or the items of a List (a NodeList's items may omit apiVersion and kind).</summary>
    public static IEnumerable<KubeObject> Objects(SourceDocument doc)
    {
        var root = Cursor.Root(doc.Root, doc.IsJson);
        var (api, kind) = TypeOf(doc.Root);
        if (api is null || kind is null) yield break;
        if (kind.EndsWith("List", StringComparison.Ordinal) && root["items"].Node is YamlSequence)
        {
            var itemKind = kind == "List" ? null : kind[..^4];
            foreach (var item in root["items"].Items)
            {
                var (ia, ik) = TypeOf(item.Node!);
                yield return new KubeObject(doc, item, ia ?? api, ik ?? itemKind ?? "?");
            }
            yield break;
        }
        yield return new KubeObject(doc, root, api, kind);
    }
}
