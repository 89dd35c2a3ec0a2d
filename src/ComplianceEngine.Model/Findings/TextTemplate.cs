using System.Collections.Immutable;
using System.Text;

namespace ComplianceEngine.Model.Findings;

/// <summary>
/// A message template split once into literal text and placeholders: <c>{name}</c> is a placeholder, <c>{{</c> and
/// <c>}}</c> are literal braces, a brace without its closing brace is literal text. A finding keeps its rule's template
/// (shared by every finding of the rule) and the values of its placeholders, and renders the text when it is read.
/// The placeholder <c>path</c> is the finding's own path (names joined with <c>" -> "</c>), so no finding keeps it twice.
/// </summary>
public sealed class TextTemplate : IEquatable<TextTemplate>
{
    /// <summary>The placeholder that stands for the finding's path.</summary>
    public const string PathPlaceholder = "path";

    private readonly string[] _literals;
    private readonly string[] _placeholders;

    private TextTemplate(string source, string[] literals, string[] placeholders)
    {
        Source = source;
        _literals = literals;
        _placeholders = placeholders;
    }

    /// <summary>The template as written.</summary>
    public string Source { get; }

    /// <summary>The placeholders, in order (a name may repeat).</summary>
    public IReadOnlyList<string> Placeholders => _placeholders;

    /// <summary>
    /// The literal text around the placeholders, braces unescaped: one more than <see cref="Placeholders"/> (literal
    /// <c>i</c> comes before placeholder <c>i</c>, the last after the last placeholder). Writers that render the text
    /// straight into their own encoding read it.
    /// </summary>
    public IReadOnlyList<string> Literals => _literals;

    /// <summary>A template of literal text only (no braces are interpreted).</summary>
    public static TextTemplate Literal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new TextTemplate(text, [text], []);
    }

    /// <summary>Splits <paramref name="template"/> into literals and placeholders.</summary>
    public static TextTemplate Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var literals = new List<string>();
        var placeholders = new List<string>();
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                literal.Append(c);
                i++;
                continue;
            }
            var close = c == '{' ? template.IndexOf('}', i + 1) : -1;
            if (close < 0)
            {
                literal.Append(c);
                continue;
            }
            literals.Add(literal.ToString());
            placeholders.Add(template[(i + 1)..close]);
            literal.Clear();
            i = close;
        }
        literals.Add(literal.ToString());
        return new TextTemplate(template, [.. literals], [.. placeholders]);
    }

    /// <summary>
    /// The text with placeholder <c>i</c> replaced by <paramref name="values"/>[<paramref name="offset"/> + i]; a null value
    /// of the <see cref="PathPlaceholder"/> is <paramref name="path"/> joined with <c>" -> "</c> (or
    /// <paramref name="pathText"/> when given).
    /// </summary>
    public string Render(ImmutableArray<string?> values, int offset, ImmutableArray<string> path, string? pathText = null)
    {
        if (_placeholders.Length == 0) return _literals[0];
        var sb = new StringBuilder(Source.Length + 64);
        for (var i = 0; i < _placeholders.Length; i++)
        {
            sb.Append(_literals[i]);
            if (values[offset + i] is { } value) sb.Append(value);
            else if (pathText is not null) sb.Append(pathText);
            else if (!path.IsDefault)
            {
                for (var k = 0; k < path.Length; k++)
                {
                    if (k > 0) sb.Append(" -> ");
                    sb.Append(path[k]);
                }
            }
        }
        sb.Append(_literals[^1]);
        return sb.ToString();
    }

    /// <inheritdoc />
    public bool Equals(TextTemplate? other) => other is not null && (ReferenceEquals(this, other) || Source == other.Source && _placeholders.Length == other._placeholders.Length);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TextTemplate);

    /// <inheritdoc />
    public override int GetHashCode() => Source.GetHashCode(StringComparison.Ordinal);
}

/// <summary>
/// The text of a finding as data: its rule's message and remediation templates (shared), the values of their
/// placeholders (the path placeholder is left to the finding's path), and the evidence. It holds no rule and no fact, so a
/// report of many findings keeps only what each finding says, and two texts compare without rendering anything.
/// </summary>
public sealed class FindingText : IEquatable<FindingText>
{
    /// <summary>
    /// A text: <paramref name="values"/> holds one value per placeholder of <paramref name="message"/>, then one per
    /// placeholder of <paramref name="remediation"/>; null for <see cref="TextTemplate.PathPlaceholder"/>.
    /// </summary>
    public FindingText(TextTemplate message, TextTemplate remediation, ImmutableArray<string?> values, ImmutableArray<Evidence> evidence)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(remediation);
        values = values.IsDefault ? [] : values;
        if (values.Length != message.Placeholders.Count + remediation.Placeholders.Count)
            throw new ArgumentException("one value per placeholder of the message and the remediation", nameof(values));
        for (var i = 0; i < values.Length; i++)
        {
            var name = i < message.Placeholders.Count ? message.Placeholders[i] : remediation.Placeholders[i - message.Placeholders.Count];
            if (values[i] is null && name != TextTemplate.PathPlaceholder)
                throw new ArgumentException($"no value for placeholder '{name}'", nameof(values));
        }
        MessageTemplate = message;
        RemediationTemplate = remediation;
        Values = values;
        Evidence = evidence.IsDefault ? [] : evidence;
    }

    /// <summary>The message template.</summary>
    public TextTemplate MessageTemplate { get; }

    /// <summary>The remediation template.</summary>
    public TextTemplate RemediationTemplate { get; }

    /// <summary>Placeholder values: the message's, then the remediation's (null: the path).</summary>
    public ImmutableArray<string?> Values { get; }

    /// <summary>The facts that decided the finding, each with where it was declared.</summary>
    public ImmutableArray<Evidence> Evidence { get; }

    /// <summary>The message for a finding with <paramref name="path"/>.</summary>
    public string Message(ImmutableArray<string> path, string? pathText = null) => MessageTemplate.Render(Values, 0, path, pathText);

    /// <summary>The remediation for a finding with <paramref name="path"/>.</summary>
    public string Remediation(ImmutableArray<string> path, string? pathText = null) =>
        RemediationTemplate.Render(Values, MessageTemplate.Placeholders.Count, path, pathText);

    /// <inheritdoc />
    public bool Equals(FindingText? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (MessageTemplate.Equals(other.MessageTemplate) && RemediationTemplate.Equals(other.RemediationTemplate) &&
             Values.AsSpan().SequenceEqual(other.Values.AsSpan()) && Evidence.AsSpan().SequenceEqual(other.Evidence.AsSpan())));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FindingText);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(MessageTemplate, RemediationTemplate, Values.Length, Evidence.Length);
}

/// <summary>A site a finding names, with its country (null when unknown).</summary>
public sealed record FindingSite(string Name, string? Country);

/// <summary>
/// Where a finding's data is: a transfer from <see cref="Site"/> to <see cref="Destination"/> (and the site the data
/// started from, for an onward hop), or a placement of <see cref="Store"/>'s data at <see cref="Site"/>. Reports draw the
/// estate from it (sites by country, transfers as arrows) instead of reading it back from evidence text.
/// </summary>
public sealed record FindingPlace(FindingSite Site, FindingSite? Destination, FindingSite? Origin, string? Store)
{
    /// <summary>True for a transfer (it has a destination).</summary>
    public bool IsTransfer => Destination is not null;
}
