namespace ComplianceEngine.Server;

/// <summary>The hosted engine's own entry point; <c>compliance serve</c> runs the same server.</summary>
public sealed class Program
{
    private Program()
    {
    }

    /// <summary>Runs the server (see <see cref="Serving.ComplianceServer"/>).</summary>
    public static Task<int> Main(string[] args) => Serving.ComplianceServer.RunAsync(args, Console.Error);
}
