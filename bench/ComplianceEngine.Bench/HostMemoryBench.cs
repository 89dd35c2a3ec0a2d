using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ComplianceEngine.Bench;

/// <summary>
/// <c>bench host-memory [--flows 25000 | --body FILE] [--clients 8] [--host DLL] [--server-arg ARG]...</c>: issue 12.7's
/// "memory under 1 GB with 8 concurrent 15 MB bodies", repeatably. Generates an estate of N flows as one YAML stream
/// (or reads --body), starts the real host (<c>ComplianceEngine.Host.dll</c>, Release) as its own process on a free
/// loopback port with a fresh data folder, posts the body from all clients at once, and prints the statuses, the
/// latencies and the server's peak resident memory (VmHWM, the kernel's high-water mark for the process), before and
/// after the burst. Exits 1 when any request was not 201.
/// </summary>
internal static class HostMemoryBench
{
    public static int Run(Options o)
    {
        var clients = o.Int("clients", 8);
        var host = o.Get("host") ?? Path.Combine("src", "ComplianceEngine.Host", "bin", "Release", "net10.0", "ComplianceEngine.Host.dll");
        if (!File.Exists(host)) throw new ArgumentException($"'{host}' not found: dotnet build -c Release src/ComplianceEngine.Host (or give --host DLL)");
        var body = o.Get("body") is { } file ? File.ReadAllBytes(file) : Generate(o.Int("flows", 25_000), o.Int("seed", Commands.DefaultSeed), o.Get("rules", "rules"));
        var work = Directory.CreateTempSubdirectory("ce-host-memory-");
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The server's own limits (body cap, memory budget, queue), except the request timeout: eight large bodies
        // evaluated one after another take minutes.
        foreach (var arg in new[] { host, "--urls", $"http://127.0.0.1:{port}", "--ComplianceEngine:Serve:Data", work.FullName,
                     "--ComplianceEngine:Serve:RequestTimeoutSeconds", "900", "--Logging:LogLevel:Default", "Warning" })
            start.ArgumentList.Add(arg);
        foreach (var extra in (o.Get("server-arg") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)) start.ArgumentList.Add(extra);
        using var server = Process.Start(start) ?? throw new ArgumentException("could not start the host");
        var log = new StringBuilder();
        server.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromHours(2), BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            if (!WaitReady(http, server))
            {
                Console.Error.WriteLine("bench: the host did not become ready:\n" + log);
                return 2;
            }
            var idle = Memory(server.Id);
            long peakSampled = 0;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peakSampled = Math.Max(peakSampled, Memory(server.Id).Rss);
                    try { await Task.Delay(50, sampling.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
                }
            });
            var sw = Stopwatch.StartNew();
            var results = Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
            {
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/yaml");
                using var response = await http.PostAsync(new Uri("/v1/evaluations?asOf=2026-11-25", UriKind.Relative), content).ConfigureAwait(false);
                var answer = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                // A refusal says why (problem details): the first 300 characters.
                var why = response.StatusCode == HttpStatusCode.Created ? "" : Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(300, answer.Length)));
                return (Status: response.StatusCode, Bytes: answer.LongLength, Ms: Stopwatch.GetElapsedTime(started).TotalMilliseconds, Why: why);
            })).GetAwaiter().GetResult();
            var elapsed = sw.Elapsed;
            sampling.Cancel();
            sampler.GetAwaiter().GetResult();
            var after = Memory(server.Id);
            // Answered 201 with a report, and stored in history.
            var ok = results.Count(r => r.Status == HttpStatusCode.Created && r.Bytes > 0);
            using var listing = http.GetAsync(new Uri("/v1/reports?limit=1", UriKind.Relative)).GetAwaiter().GetResult();
            using var page = System.Text.Json.JsonDocument.Parse(listing.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            var stored = page.RootElement.GetProperty("total").GetInt32();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"body {body.Length / 1048576.0:F1} MiB x {clients} concurrent clients: {ok}/{clients} 201 with a report ({stored} stored) in {elapsed.TotalSeconds:F1} s " +
                $"(latency ms min {results.Min(r => r.Ms):F0}, max {results.Max(r => r.Ms):F0}; report {results.Max(r => r.Bytes) / 1048576.0:F1} MiB)"));
            Console.WriteLine("  latencies s: " + string.Join(", ", results.Select(r => (r.Ms / 1000).ToString("F1", CultureInfo.InvariantCulture))));
            foreach (var g in results.Where(r => r.Status != HttpStatusCode.Created).GroupBy(r => r.Status))
                Console.WriteLine($"  {(int)g.Key}: {g.Count()}: {g.First().Why}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"server memory MiB: idle RSS {idle.Rss / 1024.0:F0}; peak RSS (VmHWM) {after.Hwm / 1024.0:F0}; sampled peak {peakSampled / 1024.0:F0}; RSS after {after.Rss / 1024.0:F0}"));
            return ok == clients && stored == clients ? 0 : 1;
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            server.WaitForExit();
            work.Delete(recursive: true);
        }
    }

    /// <summary>An estate of <paramref name="flows"/> flows as one YAML stream, as a client would post it.</summary>
    private static byte[] Generate(int flows, int seed, string rulesDir)
    {
        var source = Commands.LoadRules(rulesDir, out _) ?? throw new ArgumentException($"rules in '{rulesDir}' do not load");
        var estate = new EstateGenerator(new GeoCatalog(source, rulesDir), seed, Topology.Layered).Generate(EstateSize.ForFlows(flows));
        var folder = Directory.CreateTempSubdirectory("ce-host-memory-estate-");
        try
        {
            YamlEstateWriter.Write(estate, folder.FullName);
            var stream = new StringBuilder();
            foreach (var file in Directory.EnumerateFiles(folder.FullName, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                stream.Append("---\n").Append(File.ReadAllText(file).TrimStart('-', '\n')).Append('\n');
            return Encoding.UTF8.GetBytes(stream.ToString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static bool WaitReady(HttpClient http, Process server)
    {
        for (var i = 0; i < 600 && !server.HasExited; i++)
        {
            try
            {
                using var ready = http.GetAsync(new Uri("/readyz", UriKind.Relative)).GetAwaiter().GetResult();
                if (ready.IsSuccessStatusCode) return true;
            }
            catch (HttpRequestException)
            {
            }
            Thread.Sleep(100);
        }
        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Resident and peak resident memory of a process, in KiB (Linux /proc).</summary>
    private static (long Rss, long Hwm) Memory(int pid)
    {
        long rss = 0, hwm = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kib(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kib(line);
            }
        }
        catch (IOException)
        {
        }
        return (rss, hwm);
    }

    private static long Kib(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
