using ComplianceEngine.Core.Evaluation;

namespace ComplianceEngine.Core.Tests.Evaluation;

/// <summary>An evaluation's facts are handed out once and let go: judged facts and the onward search are garbage at once.</summary>
public sealed class OnceThroughTests
{
    [Fact]
    public void Enumerate_ListThenSequence_AllItemsInOrder()
    {
        var items = new OnceThrough<string>(["a", "b"], ["c", "d"]);

        Assert.Equal(["a", "b", "c", "d"], items.ToList());
    }

    [Fact]
    public void Enumerate_ListSlotIsClearedAsItsItemIsTaken()
    {
        var list = new List<string> { "a", "b", "c" };
        using var e = new OnceThrough<string>(list, null).GetEnumerator();

        Assert.True(e.MoveNext());
        Assert.Equal("a", e.Current);
        Assert.Equal([null!, "b", "c"], list);
        Assert.True(e.MoveNext());
        Assert.Equal([null!, null!, "c"], list);
    }

    [Fact]
    public void Enumerate_SequenceEnded_ItsEnumeratorIsDisposedAndDropped()
    {
        var source = new Tracked(["x", "y"]);
        var items = new OnceThrough<string>([], source);
        using var e = items.GetEnumerator();

        Assert.True(e.MoveNext());
        Assert.True(e.MoveNext());
        Assert.False(source.Disposed);
        Assert.True(items.HoldsItems);
        Assert.False(e.MoveNext());

        Assert.True(source.Disposed);
        // Nothing of the ended sequence is held any more: its enumerator (and what it holds, e.g. the onward search's graph) is garbage.
        Assert.False(items.HoldsItems);
        Assert.False(e.MoveNext());
    }

    [Fact]
    public void Enumerate_StoppedEarly_DisposeDisposesTheSequence()
    {
        var source = new Tracked(["x", "y"]);
        var items = new OnceThrough<string>(["a"], source);
        using (var e = items.GetEnumerator())
        {
            Assert.True(e.MoveNext());
            Assert.True(e.MoveNext());
            Assert.Equal("x", e.Current);
        }

        Assert.True(source.Disposed);
    }

    [Fact]
    public void Enumerate_Twice_Throws()
    {
        var items = new OnceThrough<string>(["a"], null);
        _ = items.ToList();

        Assert.Throws<InvalidOperationException>(() => items.GetEnumerator());
    }

    /// <summary>A sequence whose enumerator records that it was disposed.</summary>
    private sealed class Tracked(IEnumerable<string> items) : IEnumerable<string>
    {
        public bool Disposed { get; private set; }

        public IEnumerator<string> GetEnumerator()
        {
            try
            {
                foreach (var item in items) yield return item;
            }
            finally
            {
                Disposed = true;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
