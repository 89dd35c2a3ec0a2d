using System.Globalization;

namespace ComplianceEngine.Reporting.Tests;

/// <summary>Ids keyed as numbers or text: equal ids equal keys, and keys ordered as the ids' texts are (ordinal).</summary>
public sealed class IdKeyTests
{
    [Fact]
    public void IdKey_NumbersAndTexts_EqualAndOrderedAsTheirTexts()
    {
        var random = new Random(13);
        var texts = new List<string> { "", "a", "zzzz", "0000000000000000", "ffffffffffffffff", "FFFFFFFFFFFFFFFF", "00000000000000001", "0123456789abcdeg" };
        for (var i = 0; i < 300; i++)
        {
            var number = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            texts.Add(number.ToString("x16", CultureInfo.InvariantCulture));
            // Near misses: other lengths and cases, the same prefix.
            texts.Add(number.ToString("x15", CultureInfo.InvariantCulture));
            texts.Add(number.ToString("X16", CultureInfo.InvariantCulture));
        }
        // Each id keyed from its text, and (16 hex digits) from its number.
        var keys = texts.Select(t => (Text: t, Key: IdKey.Of(t))).ToList();
        keys.AddRange(texts.Where(t => t.Length == 16 && ulong.TryParse(t, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _) && !t.Any(char.IsAsciiLetterUpper))
            .Select(t => (Text: t, Key: IdKey.Of(ulong.Parse(t, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)))));

        foreach (var (aText, a) in keys)
        {
            Assert.Equal(aText, a.ToString());
            foreach (var (bText, b) in keys)
            {
                Assert.Equal(Math.Sign(string.CompareOrdinal(aText, bText)), Math.Sign(a.CompareTo(b)));
                Assert.Equal(aText == bText, a.Equals(b));
                if (aText == bText) Assert.Equal(a.GetHashCode(), b.GetHashCode());
            }
        }
    }
}
