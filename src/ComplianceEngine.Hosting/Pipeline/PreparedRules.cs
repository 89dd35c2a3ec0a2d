using System.Collections.Immutable;
using ComplianceEngine.Core;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Policy;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Hosting.Pipeline;

/// <summary>
/// Compiled rules ready to judge estates, with the policy they were compiled for (its packs already applied) and the
/// policy file's waivers. <see cref="Version"/> is the content hash of every rule and policy file that went in.
/// </summary>
public sealed record PreparedRules(
    Engine Engine,
    string Version,
    ImmutableArray<RulePack> Packs,
    PolicyDocument? Policy,
    ImmutableArray<Waiver> PolicyWaivers,
    IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>Input documents given as text (an API request's body) rather than as files.</summary>
/// <param name="Name">The name diagnostics cite, e.g. <c>request.yaml</c>.</param>
public sealed record InlineDocument(string Name, string Text);
