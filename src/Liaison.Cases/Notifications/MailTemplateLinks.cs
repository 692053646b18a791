using System.Text.RegularExpressions;

namespace Liaison.Cases.Notifications;

/// <summary>
/// The links a mail template prints: the variables whose name ends in <c>Link</c> (a case mail's personal <c>Link</c>, a
/// digest's <c>WorkbenchLink</c> or <c>CsvLink</c>, each listed case's <c>Overdue.Link</c>), output with <c>{{ … }}</c>.
/// An admin's edit of a part must print every link the part's shipped text prints: a 派单 mail without its link leaves
/// the handler no way to act on it. Read from the text, not rendered: a link printed only under a condition the samples
/// do not meet still counts.
/// </summary>
public static partial class MailTemplateLinks
{
    /// <summary>
    /// One problem, as "中文 / English", for each link <paramref name="shipped"/> prints and <paramref name="edited"/> does
    /// not; empty when it keeps them all. A list's link counts whatever the edit calls the loop's item.
    /// </summary>
    public static IReadOnlyList<string> Missing(string shipped, string edited)
    {
        var kept = Printed(edited).Select(l => l.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Printed(shipped)
            .DistinctBy(l => l.Name, StringComparer.OrdinalIgnoreCase)
            .Where(l => !kept.Contains(l.Name))
            .Select(l => l.Loop is { } loop
                ? $"缺少 {{{{ {l.Written} }}}}（{loop} 中每一项的链接）：收件人将无法通过邮件办理 / {{{{ {l.Written} }}}} is missing from {loop}: the recipients could not act from the mail"
                : $"缺少 {{{{ {l.Written} }}}}：收件人将无法通过邮件办理 / {{{{ {l.Written} }}}} is missing: the recipients could not act from the mail")
            .ToList();
    }

    /// <summary>
    /// Every link <paramref name="source"/> prints: its name with a loop's item read as its list (<c>Overdue.Link</c> for
    /// <c>{{ c.Link }}</c> inside <c>{% for c in Overdue %}</c>), as written, and the loop's tag when it is in one.
    /// </summary>
    internal static IEnumerable<(string Name, string Written, string? Loop)> Printed(string source)
    {
        var loops = new List<(string Item, string List, string Tag)>();
        string? skipUntil = null;
        foreach (Match m in Tags().Matches(source))
        {
            if (m.Groups["tag"].Success)
            {
                var tag = m.Groups["tag"].Value;
                if (skipUntil is not null)
                {
                    skipUntil = tag == skipUntil ? null : skipUntil;
                    continue;
                }

                switch (tag)
                {
                    case "comment" or "raw":
                        skipUntil = "end" + tag;
                        break;
                    case "for" or "tablerow" when Loop().Match(m.Groups["args"].Value) is { Success: true } loop:
                        var item = loop.Groups["item"].Value;
                        var list = loop.Groups["list"].Value;
                        loops.Add((item, Resolve(list, loops), $"{{% {tag} {item} in {list} %}}"));
                        break;
                    case "endfor" or "endtablerow" when loops.Count > 0:
                        loops.RemoveAt(loops.Count - 1);
                        break;
                }

                continue;
            }

            if (skipUntil is not null)
            {
                continue;
            }

            foreach (Match path in Paths().Matches(Strings().Replace(m.Groups["output"].Value, "")))
            {
                var written = path.Value;
                if (!written.EndsWith("Link", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                yield return (Resolve(written, loops), written, Enclosing(written, loops).Tag);
            }
        }
    }

    /// <summary>A list's path with an enclosing loop's item read as its own list (<c>r.Items</c> in <c>{% for r in Rows %}</c> is <c>Rows.Items</c>).</summary>
    private static string Resolve(string path, List<(string Item, string List, string Tag)> loops) =>
        Enclosing(path, loops) is { Item: { } item } loop ? loop.List + path[item.Length..] : path;

    /// <summary>The innermost loop whose item <paramref name="path"/> starts with; the default (all null) when none.</summary>
    private static (string Item, string List, string Tag) Enclosing(string path, List<(string Item, string List, string Tag)> loops)
    {
        var head = path.Split('.')[0];
        return loops.LastOrDefault(l => string.Equals(l.Item, head, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An output (<c>{{ … }}</c>) or a tag (<c>{% name … %}</c>), whitespace control included.</summary>
    [GeneratedRegex(@"\{\{-?(?<output>.*?)-?\}\}|\{%-?\s*(?<tag>\w+)(?<args>.*?)-?%\}", RegexOptions.Singleline)]
    private static partial Regex Tags();

    [GeneratedRegex(@"^\s*(?<item>\w+)\s+in\s+(?<list>[A-Za-z_][\w.]*)")]
    private static partial Regex Loop();

    /// <summary>A variable's path (<c>Link</c>, <c>c.Link</c>); not a member after a dot, a quote or a letter.</summary>
    [GeneratedRegex(@"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")]
    private static partial Regex Paths();

    [GeneratedRegex(@"'[^']*'|""[^""]*""")]
    private static partial Regex Strings();
}
