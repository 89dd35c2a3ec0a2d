using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.FileSystem;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Hosting;

/// <summary>
/// Keeps reports off the inputs. Every input (estate files and folders, rule files and folders, the policy and the folders
/// it includes, the baseline, the catalogs) is known by its file identity (device and inode) and its real path (symbolic
/// links resolved); an output is refused (CE1008) when it is one of them, or when it is anything but a new path or a
/// regular file: a device, FIFO, socket, folder or symbolic link. <c>-</c> (standard output) is always allowed.
/// </summary>
public sealed class OutputGuard
{
    private readonly Dictionary<FileId, string> _ids = [];
    private readonly Dictionary<string, string> _realPaths = new(StringComparer.Ordinal);

    private OutputGuard()
    {
    }

    /// <summary>A guard over <paramref name="inputs"/>: files and folders (every file under a folder counts).</summary>
    public static OutputGuard ForInputs(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var guard = new OutputGuard();
        foreach (var input in inputs)
        {
            if (input == DocumentLoader.StandardInput || InputNames.Problem(input) is not null) continue;
            var facts = FileProbe.Stat(input, followLinks: true);
            if (facts.Kind is EntryKind.Missing or EntryKind.Unreadable) continue;
            guard.Remember(input, facts);
            if (facts.Kind != EntryKind.Directory) continue;
            foreach (var file in DocumentLoader.FindFiles([input], new DiagnosticBag(), null, _ => true))
                guard.Remember(file, FileProbe.Stat(file, followLinks: true));
        }
        return guard;
    }

    /// <summary>A guard over everything a check reads: estate, rules (or the built-in ones), policy and its includes, baseline.</summary>
    public static OutputGuard ForCheck(ComplianceService service, CheckRequest request)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(request);
        var inputs = new List<string>(request.Paths);
        inputs.AddRange(request.Rules.Count == 0 ? service.DefaultRules : request.Rules);
        if (request.PolicyPath is { } policyPath)
        {
            inputs.Add(policyPath);
            var (policy, _) = service.CreateLoader().LoadPolicy(policyPath, new DiagnosticBag());
            var baseDir = Path.GetDirectoryName(Path.GetFullPath(policyPath))!;
            if (policy is not null) inputs.AddRange(policy.Include.Select(i => Path.Combine(baseDir, i)));
        }
        if (request.BaselinePath is { } baseline) inputs.Add(baseline);
        return ForInputs(inputs);
    }

    /// <summary>Why <paramref name="target"/> must not be written, or null when it may be.</summary>
    public Diagnostic? Check(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target == "-") return null;
        var at = new SourceLocation(InputNames.Printable(target), 0, 0);
        if (InputNames.Problem(target) is { } problem)
            return Diagnostic.Error(DiagnosticCodes.BadFileName, $"the output path {problem}: {InputNames.Printable(target)}", at);
        var link = FileProbe.Stat(target, followLinks: false);
        switch (link.Kind)
        {
            case EntryKind.Missing:
                return null;
            case EntryKind.Regular:
                break;
            case EntryKind.Symlink:
                var through = FileProbe.Stat(target, followLinks: true);
                var input = Input(target, through);
                return Diagnostic.Error(DiagnosticCodes.OutputRefused, input is not null
                    ? $"refusing to write the report to {target}: it is a symbolic link to the input {input}"
                    : $"refusing to write the report to {target}: it is a symbolic link; name the file itself ('-' writes to standard output)", at);
            default:
                return Diagnostic.Error(DiagnosticCodes.OutputRefused,
                    $"refusing to write the report to {target}: it is {link.Describe()}; only a new path or a regular file is written ('-' writes to standard output)", at);
        }
        return Input(target, link) is { } same
            ? Diagnostic.Error(DiagnosticCodes.OutputRefused, $"refusing to write the report over the input {same}", at)
            : null;
    }

    private string? Input(string path, FileFacts facts)
    {
        if (facts.Id is { } id && _ids.TryGetValue(id, out var byId)) return byId;
        return _realPaths.GetValueOrDefault(FileProbe.RealPath(path));
    }

    private void Remember(string path, FileFacts facts)
    {
        var shown = DocumentLoader.Normalize(path);
        if (facts.Id is { } id) _ids.TryAdd(id, shown);
        _realPaths.TryAdd(FileProbe.RealPath(path), shown);
    }
}
