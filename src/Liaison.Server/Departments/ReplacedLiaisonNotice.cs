using Liaison.Cases.Cases;
using Liaison.Cases.Departments;
using Liaison.Cases.Digests;
using Liaison.Server.Data;
using Liaison.Server.Mail;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Departments;

/// <summary>
/// Tells each liaison a department's save replaced (<see cref="LiaisonChange"/>) what left them: one mail per person
/// (<see cref="DigestKind.LiaisonReplaced"/>, 【联络人变更】) listing the open cases and co-handling parts whose links of
/// theirs the change ended, who has them now, and that those links no longer work. Queued in the save's transaction, so
/// it goes out exactly when the change commits; a save that ends none of their links (the same people, a name or a
/// language corrected, nothing open) sends them nothing, and so does the same save made again.
/// </summary>
public sealed class ReplacedLiaisonNotice(Outbox outbox, DigestMailRenderer renderer, ILogger<ReplacedLiaisonNotice> log)
{
    /// <summary>A replaced person, as the cases named them, and what left them.</summary>
    public sealed class Replaced(string name, string culture)
    {
        public string Name { get; } = name;

        public string Culture { get; } = culture;

        public bool WasHandler { get; set; }

        public bool WasLeader { get; set; }

        /// <summary>The cases (part null: the lead's) and co-handling parts that left them, in the order they moved, each once.</summary>
        public List<(Case Case, CasePart? Part)> Work { get; } = [];

        public void Add(Case c, CasePart? part)
        {
            if (!Work.Any(w => w.Case.Id == c.Id && w.Part?.Id == part?.Id))
            {
                Work.Add((c, part));
            }
        }
    }

    /// <param name="replaced">The replaced people by email (compared ignoring case), with what left each.</param>
    public async Task QueueAsync(LiaisonDbContext db, Department department, IReadOnlyDictionary<string, Replaced> replaced, DateTimeOffset now, CancellationToken ct)
    {
        if (replaced.Count == 0)
        {
            return;
        }

        var names = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Code, d => d.Name, StringComparer.Ordinal, ct);
        foreach (var (email, person) in replaced)
        {
            var lines = person.Work.Take(DigestMailRenderer.MaxLinesPerSection)
                .Select(w => w.Part is { } part
                    ? DigestCaseLine.From(w.Case, part, department.Name, names.GetValueOrDefault(w.Case.DepartmentCode), link: null)
                    : DigestCaseLine.From(w.Case, department.Name, link: null))
                .ToList();
            var mail = renderer.Render(
                new LiaisonReplacedMail(person.Name, department.Name, now, person.WasHandler, person.WasLeader, department.Handler.Name, department.Leader.Name, lines)
                {
                    CasesTotal = person.Work.Count,
                },
                person.Culture);
            foreach (var warning in mail.Warnings)
            {
                log.LogWarning("Mail {Kind}: {Warning}", DigestKind.LiaisonReplaced, warning);
            }

            outbox.Add(db, new OutgoingMail(email, person.Name, mail.Subject, mail.TextBody, mail.HtmlBody, DigestKind.LiaisonReplaced));
        }
    }
}
