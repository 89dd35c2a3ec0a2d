using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using FluentValidation;

namespace ComplianceEngine.Loading.Validation;

/// <summary>
/// Shape checks common to documents. Whether a category, subject type, subject or country is one the catalog knows is
/// checked against the vocabularies loaded with the rules (<see cref="Vocabulary.VocabularyChecker"/>), with "did you mean".
/// </summary>
internal static class Shapes
{
    public static bool IsTaxonomyKey(string c) =>
        c.Length > 0 && c.Split('.').All(p => p.Length > 0 && p.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-'));
}

/// <summary>Checks a <see cref="Cluster"/>.</summary>
public sealed class ClusterValidator : AbstractValidator<Cluster>
{
    /// <summary>Creates the validator.</summary>
    public ClusterValidator()
    {
        // One rule for the cluster as a whole (FluentValidation compiles each RuleFor's expression at every start); each
        // check keeps its own condition, code, message and position.
        RuleFor(c => c)
            .Must(c => c.Region is not null || c.Country is not null)
            .When(c => c.Provider is not ("onprem" or "edge" or "other"), ApplyConditionTo.CurrentValidator)
            .WithErrorCode(DiagnosticCodes.MissingField)
            .WithText(c => $"Cluster '{c.Name}': give 'region' (a {c.Provider} region) or 'country'")
            .WithState(c => c.Info.Location)
            .Must(c => c.Country is not null)
            .When(c => c.Provider is "onprem" or "edge" or "other", ApplyConditionTo.CurrentValidator)
            .WithErrorCode(DiagnosticCodes.MissingField)
            .WithText(c => $"Cluster '{c.Name}': 'country' is required for {c.Provider} clusters (their region is not in the catalog)")
            .WithState(c => c.Info.Location)
            // Rules compare `environment` with `production` (the default); another spelling of it would make a production
            // cluster look like a non-production one to every such rule, silently.
            .Must(c => c.Environment == "production" || !ProductionSpellings.Contains(c.Environment))
            .WithErrorCode(DiagnosticCodes.InvalidValue)
            .WithText(c => $"Cluster '{c.Name}': 'environment' is '{c.Environment}', did you mean 'production'? Rules compare the environment with 'production' exactly")
            .WithState(c => c.Info.Location);
    }

    /// <summary>Ways of writing <c>production</c>, compared ignoring case (<c>production</c> itself is the one accepted).</summary>
    private static readonly HashSet<string> ProductionSpellings = new(["prod", "prd", "live", "production", "productive"], StringComparer.OrdinalIgnoreCase);
}

/// <summary>Checks a <see cref="DataStore"/>.</summary>
public sealed class DataStoreValidator : AbstractValidator<DataStore>
{
    /// <summary>Creates the validator.</summary>
    public DataStoreValidator()
    {
        RuleFor(s => s)
            .Must(s => (s.Cluster is null) != (s.Recipient is null))
            .WithErrorCode(DiagnosticCodes.MissingField)
            .WithText(s => $"DataStore '{s.Name}': give exactly one of 'cluster' or 'recipient'")
            .WithState(s => s.Info.Location)
            .Must(s => s.SensitiveIndividuals is null || s.Individuals is null || s.SensitiveIndividuals <= s.Individuals)
            .WithText(s => $"DataStore '{s.Name}': sensitiveIndividuals ({s.SensitiveIndividuals}) is larger than individuals ({s.Individuals})")
            .WithState(s => s.Info.Location);
        // A copy onto the store's own cluster, or a backup to itself, moves nothing: the copy meant (to another
        // cluster or store) is then judged nowhere.
        RuleForEach(s => s.Replicas)
            .Must((s, r) => s.Cluster is null || r.Name != s.Cluster.Name)
            .WithText((s, r) => $"DataStore '{s.Name}': replica '{r.Name}' is the cluster the store is on; name the cluster that holds the copy")
            .WithState((_, r) => r.Location);
        RuleForEach(s => s.Backups)
            .Must((s, b) => b.Name != s.Name)
            .WithText((s, b) => $"DataStore '{s.Name}' backs up to itself ('{b.Name}'); name the store that receives its backups")
            .WithState((_, b) => b.Location);
    }
}

/// <summary>Checks a <see cref="DataFlow"/>.</summary>
public sealed class DataFlowValidator : AbstractValidator<DataFlow>
{
    /// <summary>Creates the validator.</summary>
    public DataFlowValidator()
    {
        RuleFor(f => f)
            .Must(f => f.From.Name != f.To.Name || f.From.Name.Length == 0)
            .WithText(f => $"DataFlow '{f.Name}': 'from' and 'to' are the same ('{f.From.Name}')")
            .WithState(f => f.To.Location)
            .Must(f => f.SensitiveIndividuals is null || f.Individuals is null || f.SensitiveIndividuals <= f.Individuals)
            .WithText(f => $"DataFlow '{f.Name}': sensitiveIndividuals ({f.SensitiveIndividuals}) is larger than individuals ({f.Individuals})")
            .WithState(f => f.Info.Location);
    }
}
