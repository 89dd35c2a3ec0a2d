namespace ComplianceEngine.Model.Rules;

/// <summary>The message and remediation templates of rules: text with <c>{placeholder}</c> fields.</summary>
public static class MessageTemplate
{
    /// <summary>The placeholders of a template, in order (<c>{{</c> and <c>}}</c> are literal braces).</summary>
    public static IEnumerable<string> Placeholders(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Scan(template);

        static IEnumerable<string> Scan(string template)
        {
            var i = 0;
            while ((i = template.IndexOf('{', i)) >= 0)
            {
                if (i + 1 < template.Length && template[i + 1] == '{')
                {
                    i += 2;
                    continue;
                }
                var end = template.IndexOf('}', i);
                if (end < 0) yield break;
                yield return template[(i + 1)..end];
                i = end + 1;
            }
        }
    }
}
