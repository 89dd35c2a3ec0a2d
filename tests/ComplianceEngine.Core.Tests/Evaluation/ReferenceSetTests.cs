using ComplianceEngine.Core.Evaluation;

namespace ComplianceEngine.Core.Tests.Evaluation;

/// <summary>The coverage's segmented set of subjects holds exactly what one reference-equality hash set would.</summary>
public sealed class ReferenceSetTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ReferenceSet<object>.Segments)]
    [InlineData(20_000)]
    public void AddUnionContains_ManyObjects_SameAsAReferenceHashSet(int count)
    {
        var random = new Random(count);
        // Equal text in distinct objects: compared by reference, each is its own member.
        var objects = Enumerable.Range(0, count).Select(i => new string('x', 1 + (i % 3))).ToArray();
        var (set, other) = (new ReferenceSet<string>(), new ReferenceSet<string>());
        var (expected, expectedOther) = (new HashSet<string>(ReferenceEqualityComparer.Instance), new HashSet<string>(ReferenceEqualityComparer.Instance));
        foreach (var o in objects)
        {
            // Each object two or three times over, into one set or the other or both.
            for (var k = random.Next(2, 4); k > 0; k--)
            {
                if (random.Next(3) != 0) Assert.Equal(expected.Add(o), set.Add(o));
                if (random.Next(3) != 0) Assert.Equal(expectedOther.Add(o), other.Add(o));
            }
        }
        Assert.Equal(expected.Count, set.Count);
        Assert.True(expected.SetEquals(set));
        Assert.Equal(set.Count, set.ToList().Count);

        set.UnionWith(other);
        expected.UnionWith(expectedOther);

        Assert.Equal(expected.Count, set.Count);
        Assert.True(expected.SetEquals(set));
        Assert.Equal(set.Count, set.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.All(objects, o => Assert.Equal(expected.Contains(o), set.Contains(o)));
        Assert.False(set.Contains(new string('x', 1)));
    }
}
