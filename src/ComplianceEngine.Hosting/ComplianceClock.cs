using System.Globalization;

namespace ComplianceEngine.Hosting;

/// <summary>
/// The time every shell stamps reports with: <c>SOURCE_DATE_EPOCH</c> (seconds since 1970, the reproducible-builds
/// convention) when set, else the clock. The CLI and the hosted engine both use it, so the same inputs give the same bytes.
/// </summary>
public static class ComplianceClock
{
    /// <summary>The environment variable that pins the time.</summary>
    public const string EpochVariable = "SOURCE_DATE_EPOCH";

    /// <summary>The current time, pinned by <c>SOURCE_DATE_EPOCH</c> when the environment sets it.</summary>
    public static DateTimeOffset Now(TimeProvider clock) => Now(clock, Environment.GetEnvironmentVariable(EpochVariable));

    /// <summary>The current time, pinned by <paramref name="epoch"/> (seconds since 1970) when it is a number.</summary>
    public static DateTimeOffset Now(TimeProvider clock, string? epoch)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return long.TryParse(epoch, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : clock.GetUtcNow();
    }

    /// <summary>Today (UTC) by <see cref="Now(TimeProvider)"/>.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(Now(clock).UtcDateTime);
}
