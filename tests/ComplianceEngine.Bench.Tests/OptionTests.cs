using System.Reflection;

namespace ComplianceEngine.Bench.Tests;

/// <summary>
/// The bench's options fail closed: a value it does not know is rejected with exit 2 and a message naming the option,
/// before any estate is generated or rules are read (a typo must not measure the wrong thing, or crash).
/// </summary>
[Collection("Console")] // the tests swap Console.Error
public sealed class OptionTests
{
    private static (int Exit, string Error) Run(params string[] args)
    {
        var entry = Assembly.Load("ComplianceEngine.Bench").EntryPoint!;
        var error = new StringWriter();
        var before = Console.Error;
        Console.SetError(error);
        try
        {
            return ((int)entry.Invoke(null, [args])!, error.ToString());
        }
        finally
        {
            Console.SetError(before);
        }
    }

    [Theory]
    [InlineData("background")]
    [InlineData("Batch")]
    [InlineData("")]
    public void Once_UnknownGcMode_IsExit2(string mode)
    {
        var (exit, error) = Run("once", "--flows", "10", "--gc", mode, "--rules", "no-such-rules-folder");
        Assert.Equal(2, exit);
        Assert.Contains($"--gc is batch or concurrent, not '{mode}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", "--gap is an integer, not 'abc'")]
    [InlineData("2.5", "--gap is an integer, not '2.5'")]
    [InlineData("-5", "--gap is milliseconds (0 or more), not -5")]
    public void Incremental_GapThatIsNotMilliseconds_IsExit2(string gap, string message)
    {
        // Before: 'abc' crashed with an unhandled FormatException after the estate was built, and -5 ran with no gap.
        var (exit, error) = Run("incremental", "--flows", "10", "--gap", gap, "--rules", "no-such-rules-folder");
        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
