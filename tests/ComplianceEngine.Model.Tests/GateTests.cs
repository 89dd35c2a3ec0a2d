using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Model.Tests;

/// <summary>Design section 7: a run that judged nothing never passes its gate unless fail-on none relaxed it, and the gate says why.</summary>
public sealed class GateTests
{
    [Fact]
    public void NothingJudged_NoFailingFinding_Fails_WithTheReason()
    {
        var gate = new Gate("low", true, null, 0) { NothingJudged = true };

        Assert.True(gate.Failed);
        Assert.True(gate.FailsBecauseNothingJudged);
        Assert.StartsWith("nothing was judged:", gate.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingJudged_FailOnNone_Passes_AndTheReasonNamesTheRelaxation()
    {
        var gate = new Gate(Gate.None, true, null, 0) { NothingJudged = true, NothingJudgedRelaxedBy = "--fail-on none" };

        Assert.False(gate.Failed);
        Assert.Equal("nothing was judged, and that does not fail this run (relaxed by --fail-on none)", gate.Reason);
    }

    [Fact]
    public void SomethingJudged_NoFailingFinding_Passes_WithNoReason()
    {
        var gate = new Gate("low", true, null, 0);

        Assert.False(gate.Failed);
        Assert.Null(gate.Reason);
    }

    [Fact]
    public void FailingFindings_ReasonCountsThem()
    {
        Assert.Equal("1 finding at or above high", new Gate("high", true, null, 1).Reason);
        Assert.Equal("2 findings at or above low", new Gate("low", true, null, 2) { NothingJudged = true }.Reason);
    }
}
