using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace ComplianceEngine.Bench;

/// <summary>
/// <c>bench load --url URL --body FILE [--clients 200] [--seconds 60] [--key KEY] [--pid PID]</c>: N clients post the
/// body to <c>/v1/evaluations</c> back to back for S seconds; prints status counts, p50/p95/p99 latency, throughput,
/// and (with --pid) the server's peak resident memory.
/// </summary>
internal static class LoadCommand
{
    public static int Run(Options o)
    {
        var url = new Uri(o.Get("url", "http://127.0.0.1:8080").TrimEnd('/') + "/v1/evaluations?asOf=2026-11-25");
        var body = File.ReadAllBytes(o.Get("body") ?? throw new ArgumentException("--body FILE is required"));
        var clients = int.Parse(o.Get("clients", "200"), CultureInfo.InvariantCulture);
        var seconds = int.Parse(o.Get("seconds", "60"), CultureInfo.InvariantCulture);
        var key = o.Get("key");
        var pid = o.Get("pid");

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(5) };
        if (key is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var latencies = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var deadline = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(async _ =>
        {
            while (deadline.Elapsed.TotalSeconds < seconds)
            {
                var started = Stopwatch.GetTimestamp();
                string outcome;
                try
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
                    using var response = await http.PostAsync(url, content).ConfigureAwait(false);
                    await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    outcome = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                }
                catch (HttpRequestException ex)
                {
                    outcome = "error: " + ex.Message;
                }
                catch (TaskCanceledException)
                {
                    outcome = "timeout";
                }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                statuses.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }
        }).ToArray();
        Task.WaitAll(workers);
        var elapsed = deadline.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        double P(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"body {body.Length:N0} bytes, {clients} clients, {elapsed:F1} s");
        foreach (var (status, count) in statuses.OrderBy(s => s.Key, StringComparer.Ordinal)) Console.WriteLine($"  {status}: {count}");
        Console.WriteLine($"requests {sorted.Length}, {sorted.Length / elapsed:F1}/s; latency ms p50 {P(0.50):F0}, p95 {P(0.95):F0}, p99 {P(0.99):F0}, max {P(1):F0}");
        if (pid is not null && File.Exists($"/proc/{pid}/status"))
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmHWM", StringComparison.Ordinal) || l.StartsWith("VmRSS", StringComparison.Ordinal)))
                Console.WriteLine($"  server {line.Replace("\t", " ", StringComparison.Ordinal)}");
        }
        var errors = statuses.Where(s => s.Key != ((int)HttpStatusCode.Created).ToString(CultureInfo.InvariantCulture)).Sum(s => s.Value);
        Console.WriteLine($"errors {errors}");
        return errors == 0 ? 0 : 1;
    }
}
