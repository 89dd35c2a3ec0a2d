using System.Net;
using ComplianceEngine.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ComplianceEngine.Host.Tests;

/// <summary>The real host in memory, with its own data folder (keys, history) and any settings a test gives.</summary>
internal sealed class HostFactory : WebApplicationFactory<Server.Program>
{
    private readonly Dictionary<string, string?> _settings;

    public HostFactory(Dictionary<string, string?>? settings = null)
    {
        _settings = settings ?? [];
        _settings.TryAdd("ComplianceEngine:Serve:Data", Data.Path);
        _settings.TryAdd("ComplianceEngine:Serve:ReloadDelayMilliseconds", "50");
    }

    public TempDir Data { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Data.Dispose();
    }

    public static string ExampleEstate() =>
        string.Join("\n---\n", Directory.EnumerateFiles(Repo.Path("examples", "estate"), "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText));

    public static StringContent Yaml(string text) => new(text, System.Text.Encoding.UTF8, "application/yaml");

    /// <summary>Waits until <paramref name="condition"/> holds (file watchers are asynchronous), at most 15 s.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 150; i++)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail($"timed out waiting for {what}");
    }
}

/// <summary>A body of unknown length (sent chunked), produced as it is read.</summary>
internal sealed class ChunkedContent(long bytes) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'#');
        for (long sent = 0; sent < bytes; sent += chunk.Length)
        {
            await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, bytes - sent)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
