using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Cases.Enterprises;
using Liaison.Server.Calendar;
using Liaison.Server.Data;
using Liaison.Server.Hosting;
using Liaison.Server.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Auth;

/// <summary>
/// Tells the account that took over another's work (<see cref="Handover.MoveAsync"/>) what is now theirs: one mail
/// (<see cref="DigestKind.WorkHandover"/>) listing the cases, with links to their pages, and the key enterprises,
/// queued in the handover's transaction so it goes out exactly when the handover commits. Only what changed for it:
/// a squad it was in already is not listed. Nothing new for it, no mail.
/// </summary>
public sealed class HandoverNotice(
    LiaisonDbContext db, Outbox outbox, DigestMailRenderer renderer, CalendarService calendars,
    IOptions<LiaisonOptions> options, TimeProvider clock, ILogger<HandoverNotice> log)
{
    public async Task QueueAsync(Handover.Moved moved, LiaisonUser from, LiaisonUser to, string byName, CancellationToken ct)
    {
        if (moved.NothingNew || to.Email is not { Length: > 0 } email)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var calendar = await calendars.GetAsync(ct);
        var baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Code, d => d.Name, ct);
        // Overdue first, longest overdue first, then by deadline: what the new officer should look at before the rest.
        var cases = moved.Cases
            .OrderByDescending(c => CaseStatuses.IsOverdue(c, now))
            .ThenBy(c => c.DueAt ?? DateTimeOffset.MaxValue)
            .ThenBy(c => c.Id)
            .Take(DigestMailRenderer.MaxLinesPerSection)
            .Select(c => DigestCaseLine.From(c, departments.GetValueOrDefault(c.DepartmentCode), $"{baseUrl}/cases/{c.Number}") with
            {
                OverdueWorkingDays = CaseStatuses.IsOverdue(c, now) ? calendar.WorkingDaysBetween(c.DueAt!.Value, now) : null,
            })
            .ToList();
        var ids = moved.ChiefOf.Concat(moved.SquadJoined).Distinct().ToArray();
        var names = await db.Set<RegisteredEnterprise>().AsNoTracking().Where(e => ids.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Name, ct);
        List<EnterpriseLine> Enterprises(IEnumerable<long> of) =>
            of.Where(names.ContainsKey).Select(id => new EnterpriseLine(names[id], $"{baseUrl}/enterprises/{id}")).ToList();

        var mail = renderer.Render(
            new WorkHandoverMail(to.DisplayName, from.DisplayName, byName, now, cases, Enterprises(moved.ChiefOf), Enterprises(moved.SquadJoined))
            {
                CasesTotal = moved.Cases.Count,
            },
            to.Culture);
        foreach (var warning in mail.Warnings)
        {
            log.LogWarning("Mail {Kind}: {Warning}", DigestKind.WorkHandover, warning);
        }

        outbox.Add(db, new OutgoingMail(email, to.DisplayName, mail.Subject, mail.TextBody, mail.HtmlBody, DigestKind.WorkHandover));
    }
}
