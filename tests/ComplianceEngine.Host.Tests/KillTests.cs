using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Host.Tests;

/// <summary>History survives the server process being killed (SIGKILL) right after it acknowledged: a real process on a loopback port.</summary>
public sealed class KillTests : IDisposable
{
    private readonly TempDir _data = new();

    public void Dispose() => _data.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<(Process Process, HttpClient Client)> StartAsync()
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["SOURCE_DATE_EPOCH"] = "1700000000" },
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "compliance.dll"), "serve", "--urls", $"http://127.0.0.1:{port}", "--data", _data.Path })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK) return (process, client);
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            Assert.False(process.HasExited, "the server exited on start");
            await Task.Delay(100);
        }
        process.Kill();
        throw new TimeoutException("the server did not become ready in 30 s");
    }

    [Fact]
    public async Task AcknowledgedEvaluation_SurvivesKill9()
    {
        var (server, client) = await StartAsync();
        string location, body;
        using (client)
        using (server)
        {
            using var response = await client.PostAsync(new Uri("/v1/evaluations?asOf=2026-11-25", UriKind.Relative), HostFactory.Yaml(HostFactory.ExampleEstate()));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            location = response.Headers.Location!.ToString();
            body = await response.Content.ReadAsStringAsync();
            Assert.Contains("\"generatedAt\": \"2023-11-14T22:13:20", body, StringComparison.Ordinal); // SOURCE_DATE_EPOCH pins the server's clock too
            server.Kill(); // SIGKILL on Unix: no shutdown, no flush
            await server.WaitForExitAsync();
        }

        var (again, client2) = await StartAsync();
        using (client2)
        using (again)
        {
            try
            {
                Assert.Equal(body, await client2.GetStringAsync(new Uri(location, UriKind.Relative)));
            }
            finally
            {
                again.Kill();
                await again.WaitForExitAsync();
            }
        }
    }
}
