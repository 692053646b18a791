using Fluid;
using Fluid.Ast;
using Liaison.Cases.Common;

namespace Liaison.Cases.Notifications;

/// <summary>A variable a mail template may use, with what it means, for the admins who edit the templates.</summary>
/// <param name="Description">Null only for a name nobody described yet (a test keeps every name described).</param>
public sealed record MailVariable(string Name, Text? Description);

/// <summary>The variables a template reads, found in its text, and the wording shared by the variables' descriptions.</summary>
public static class MailTemplateVariables
{
    /// <summary>A member of a list's items (<c>CoHandlers.Status</c>), said to be read inside a for loop.</summary>
    public static Text InLoop(Text member) => Note(member, new("列表各项的成员，在 for 循环中读取", "a member of each list item, read inside a for loop"));

    /// <summary>A list (<c>CoHandlers</c>), said to be read item by item in a for loop.</summary>
    public static Text List(Text list) => Note(list, new("列表，用 for 循环逐项读取", "a list, read item by item in a for loop"));

    // In the description's closing brackets when it has them: "状态（用邮件的语言；列表中…）", not "（…）（…）".
    private static Text Note(Text text, Text note) => new(
        text.Zh.EndsWith('）') ? $"{text.Zh[..^1]}；{note.Zh}）" : $"{text.Zh}（{note.Zh}）",
        text.En.EndsWith(')') ? $"{text.En[..^1]}; {note.En})" : $"{text.En} ({note.En})");

    /// <summary>
    /// Every variable <paramref name="source"/> reads, in the order first read, as written: <c>Case.Title</c>, and a
    /// loop's item read as its list (<c>CoHandlers.Status</c> for <c>{{ h.Status }}</c> inside
    /// <c>{% for h in CoHandlers %}</c>). Names the template assigns itself and <c>forloop</c> are not variables. Empty
    /// when the source does not parse. A list's <c>size</c>, <c>first</c> and <c>last</c> read the list and its items.
    /// </summary>
    public static IReadOnlyList<string> ReadBy(string source)
    {
        if (!MailTemplateFamily.Parser.TryParse(source, out var template, out _))
        {
            return [];
        }

        var reads = new Reads();
        reads.VisitTemplate(template);
        return reads.Names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private sealed class Reads : AstVisitor
    {
        // Innermost last; a loop over something that is not a variable (a range) has no list.
        private readonly List<(string Item, string? List)> _loops = [];
        private readonly HashSet<string> _assigned = new(StringComparer.OrdinalIgnoreCase);

        // Liquid's own members of every list: none of them is a template variable's member.
        private static readonly HashSet<string> Liquid = new(["size", "first", "last"], StringComparer.OrdinalIgnoreCase);

        public List<string> Names { get; } = [];

        protected override Statement VisitForStatement(ForStatement forStatement)
        {
            Visit(forStatement.Source);
            Visit(forStatement.Limit);
            Visit(forStatement.Offset);
            _loops.Add((forStatement.Identifier, forStatement.Source is MemberExpression list ? Path(list) : null));
            foreach (var statement in forStatement.Statements)
            {
                Visit(statement);
            }

            _loops.RemoveAt(_loops.Count - 1);
            Visit(forStatement.Else);
            return forStatement;
        }

        protected override Statement VisitAssignStatement(AssignStatement assignStatement)
        {
            Visit(assignStatement.Value);
            _assigned.Add(assignStatement.Identifier);
            return assignStatement;
        }

        protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
        {
            _assigned.Add(captureStatement.Identifier);
            return base.VisitCaptureStatement(captureStatement);
        }

        protected override Expression VisitMemberExpression(MemberExpression memberExpression)
        {
            if (Path(memberExpression) is { } name)
            {
                Names.Add(name);
            }

            return memberExpression;
        }

        /// <summary>The variable's name up to its first indexer (<c>a.b</c> of <c>a.b[0].c</c>), a loop's item read as its list; null for no variable.</summary>
        private string? Path(MemberExpression member)
        {
            // A list's size is the list read; its first or last item is any item (Overdue.first.Title is Overdue.Title).
            var segments = member.Segments.TakeWhile(s => s is IdentifierSegment).Cast<IdentifierSegment>()
                .Select(s => s.Identifier).Where((name, i) => i == 0 || !Liquid.Contains(name)).ToList();
            if (segments.Count == 0 || segments[0].Equals("forloop", StringComparison.OrdinalIgnoreCase) || _assigned.Contains(segments[0]))
            {
                return null;
            }

            var loop = _loops.LastOrDefault(l => l.Item.Equals(segments[0], StringComparison.OrdinalIgnoreCase));
            if (loop.Item is null)
            {
                return string.Join('.', segments);
            }

            return loop.List is null ? null : string.Join('.', segments.Skip(1).Prepend(loop.List));
        }
    }
}
