namespace ComplianceEngine.Hosting;

/// <summary>Requests for the common case: the built-in rules, the law as of today.</summary>
public static class CheckRequests
{
    /// <summary>
    /// A request to check <paramref name="paths"/> (estate files and folders) with the built-in rules, as of today (UTC)
    /// by <paramref name="clock"/> (default: the system clock). Set <see cref="CheckRequest.PolicyPath"/>,
    /// <see cref="CheckRequest.FailOn"/> and the rest with <c>with { ... }</c>.
    /// </summary>
    public static CheckRequest Today(IReadOnlyList<string> paths, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        return new CheckRequest(paths, [], DateOnly.FromDateTime(now.UtcDateTime), now);
    }
}

/// <summary>Shortcuts over <see cref="ComplianceService"/>.</summary>
public static class ComplianceServiceExtensions
{
    /// <summary>
    /// Checks <paramref name="paths"/> with the built-in rules as of today: the same pipeline as
    /// <c>compliance check PATH...</c> (load, evaluate, waivers beside the estate, the default gate).
    /// </summary>
    /// <returns>The report and its gate's verdict (<see cref="CheckResult.GateFailed"/>), or the diagnostics that stopped it.</returns>
    public static CheckResult Check(this ComplianceService service, params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Check(CheckRequests.Today(paths));
    }
}
