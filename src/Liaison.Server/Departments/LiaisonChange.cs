using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Departments;
using Liaison.Cases.Notifications;
using Liaison.Cases.Routing;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Liaison.Server.Links;
using Liaison.Server.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Departments;

/// <summary>
/// When an admin names a department's new handler (经办人) or leader (分管领导), the department's open cases and
/// co-handling parts follow (they keep the people they were dispatched to otherwise, and the old handler would go on
/// getting their reminders): the new names on them, the replaced person's links ended, a timeline entry naming both,
/// and, for each case or part that is with the handler now, a mail to the new handler with a link of their own
/// (<see cref="CaseMailKind.HandlerHandover"/>, 【转交】), and to a new leader one with a read-only link
/// (<see cref="CaseMailKind.LeaderHandover"/>, 【分管转交】). The replaced handler or leader is told once, in one mail
/// listing the cases and parts whose links of theirs ended (<see cref="ReplacedLiaisonNotice"/>). Deadlines, round and
/// state stay as they are. Runs in the department update's transaction; the cases are locked in id order, as case
/// actions lock them.
/// </summary>
public sealed class LiaisonChange(CaseMailer mailer, ReplacedLiaisonNotice replacedNotice, TimeProvider clock)
{
    /// <summary>Moves the open work of <paramref name="department"/> (already changed, not yet saved) to its liaisons.</summary>
    /// <returns>How many open cases and co-handling parts went to a new handler or leader.</returns>
    public async Task<int> ApplyAsync(LiaisonDbContext db, Department department, string actor, CancellationToken ct)
    {
        var code = department.Code;
        var (handler, leader) = (department.Handler, department.Leader);
        // Compared as stored: an email differing only in case is the same person (no new link), but its spelling is still updated.
        var leads = db.Cases.Where(c => c.DepartmentCode == code && !CaseStatuses.Ended.Contains(c.Status)
            && (c.HandlerEmail != handler.Email || c.HandlerName != handler.Name || c.HandlerCulture != handler.Culture
                || c.LeaderEmail != leader.Email || c.LeaderName != leader.Name || c.LeaderCulture != leader.Culture));
        var parts = db.Set<CasePart>().Where(p => p.DepartmentCode == code && CasePart.OpenStatuses.Contains(p.Status)
            && (p.HandlerEmail != handler.Email || p.HandlerName != handler.Name || p.HandlerCulture != handler.Culture
                || p.LeaderEmail != leader.Email || p.LeaderName != leader.Name || p.LeaderCulture != leader.Culture));
        var ids = (await leads.Select(c => c.Id).Union(parts.Select(p => p.CaseId)).ToListAsync(ct)).Order().ToArray();
        if (ids.Length == 0)
        {
            return 0;
        }

        // Without waiting: the save holds the department's lock (DepartmentLocks), and a case action holding one of these
        // cases may be waiting for it to dispatch; the save gives way (RowsBusyException) and tries again, instead of a
        // deadlock. Cases are never deleted: a row missing from the answer is a row locked.
        var cases = await db.Cases.FromSql($"SELECT *, xmin FROM cases WHERE id = ANY({ids}) ORDER BY id FOR UPDATE SKIP LOCKED").ToListAsync(ct);
        if (cases.Count < ids.Length)
        {
            throw new RowsBusyException();
        }

        var partsByCase = (await parts.Where(p => ids.Contains(p.CaseId)).OrderBy(p => p.Id).ToListAsync(ct)).ToLookup(p => p.CaseId);
        // Their workflows too, after the cases as a case action takes them. A deadline timer locks the workflow, then
        // reads the case to mail its handler: it fires either before this commits, to the person who held the case then
        // (whose links this then ends), or after, to the new one; never to the old person once the change committed.
        var instances = cases.Select(c => c.WorkflowInstanceId).Concat(partsByCase.SelectMany(g => g).Select(p => p.WorkflowInstanceId))
            .OfType<Guid>().Distinct().ToArray();
        var locked = await db.Database.SqlQuery<int>(
            $"SELECT count(*)::int AS \"Value\" FROM (SELECT 1 FROM workflow_instances WHERE id = ANY({instances}) ORDER BY depth, id FOR UPDATE SKIP LOCKED) AS l").SingleAsync(ct);
        if (locked < await db.Set<WorkflowInstanceRecord>().CountAsync(i => instances.Contains(i.Id), ct))
        {
            throw new RowsBusyException();
        }

        var now = clock.GetUtcNow();
        var moved = 0;
        // Whose links this change ends, by email: each is told once, of all of it, after the loop.
        var replaced = new Dictionary<string, ReplacedLiaisonNotice.Replaced>(StringComparer.OrdinalIgnoreCase);
        // Read again under the lock: a case may have ended or moved to another department meanwhile. A lead already
        // with the department's people (listed for a part) changes nothing.
        foreach (var c in cases.Where(c => !CaseStatuses.Ended.Contains(c.Status)))
        {
            if (c.DepartmentCode == code && await MoveAsync(db, c, null, department, actor, now, CaseStatuses.IsWithHandler(c.Status), replaced, ct))
            {
                moved++;
            }

            foreach (var part in partsByCase[c.Id])
            {
                if (await MoveAsync(db, c, part, department, actor, now, withHandler: true, replaced, ct)) moved++;
            }
        }

        await replacedNotice.QueueAsync(db, department, replaced, now, ct);
        return moved;
    }

    /// <summary>The lead's assignment (<paramref name="part"/> null) or a co-handler's part, given to the department's current liaisons.</summary>
    /// <returns>True when a new person took it over (not only a name or a language corrected).</returns>
    /// <param name="replaced">Whose links it ended, by email, with what left them: added to here.</param>
    private async Task<bool> MoveAsync(LiaisonDbContext db, Case c, CasePart? part, Department department, string actor, DateTimeOffset now, bool withHandler,
        Dictionary<string, ReplacedLiaisonNotice.Replaced> replaced, CancellationToken ct)
    {
        IAssignment holder = (IAssignment?)part ?? c;
        var (handler, leader) = (department.Handler, department.Leader);
        var newHandler = !EmailAddress.Same(holder.HandlerEmail, handler.Email);
        var newLeader = !EmailAddress.Same(holder.LeaderEmail, leader.Email);
        var (oldHandler, oldLeader) = (holder.HandlerName, holder.LeaderName);
        // Told only where a link of theirs stops working: a leader mailed nothing about the case has nothing to be told.
        if (newHandler && await EndLinksAsync(db, c, part, LinkRole.Handler, holder.HandlerEmail, now, ct) > 0)
        {
            var person = Replaced(replaced, holder.HandlerEmail, holder.HandlerName, holder.HandlerCulture);
            person.WasHandler = true;
            person.Add(c, part);
        }

        if (newLeader && holder.LeaderEmail is { } oldEmail && await EndLinksAsync(db, c, part, LinkRole.Leader, oldEmail, now, ct) > 0)
        {
            var person = Replaced(replaced, oldEmail, holder.LeaderName ?? oldEmail, holder.LeaderCulture);
            person.WasLeader = true;
            person.Add(c, part);
        }

        (holder.HandlerName, holder.HandlerEmail, holder.HandlerCulture) = (handler.Name, handler.Email, handler.Culture);
        (holder.LeaderName, holder.LeaderEmail, holder.LeaderCulture) = (leader.Name, leader.Email, leader.Culture);
        if (!newHandler && !newLeader)
        {
            // The same people (or a name or language corrected): nothing to tell anyone.
            return false;
        }

        var note = Describe(newHandler ? (oldHandler, handler.Name) : null, newLeader ? (oldLeader, leader.Name) : null).Zh;
        CaseTimeline.Add(db, c, now, CaseEventKinds.LiaisonChanged, actor, note,
            new { handler = newHandler ? new { from = oldHandler, to = handler.Name } : null, leader = newLeader ? new { from = oldLeader, to = leader.Name } : null },
            part);
        if (newHandler && withHandler)
        {
            await mailer.SendAsync(db, c, CaseMailKind.HandlerHandover, [Audiences.Handler], new CaseMailer.Extras(Note: oldHandler), ct, part);
        }

        if (newLeader && withHandler)
        {
            // The new leader sees the case and can remind the handler, as the leader's copy of the dispatch allowed.
            await mailer.SendAsync(db, c, CaseMailKind.LeaderHandover, [Audiences.Leader], new CaseMailer.Extras(Note: oldLeader), ct, part);
        }

        return true;
    }

    private static ReplacedLiaisonNotice.Replaced Replaced(Dictionary<string, ReplacedLiaisonNotice.Replaced> replaced, string email, string name, string culture)
    {
        if (!replaced.TryGetValue(email, out var person))
        {
            replaced[email] = person = new ReplacedLiaisonNotice.Replaced(name, culture);
        }

        return person;
    }

    /// <summary>Ends the replaced person's open links to this case (or part): they show "this link no longer works".</summary>
    /// <returns>How many links it ended.</returns>
    private static async Task<int> EndLinksAsync(LiaisonDbContext db, Case c, CasePart? part, LinkRole role, string email, DateTimeOffset now, CancellationToken ct)
    {
        var partId = part?.Id;
        var links = await db.Set<LiaisonLink>()
            .Where(l => l.CaseId == c.Id && l.PartId == partId && l.Role == role && l.EndedAt == null && l.RecipientEmail.ToLower() == email.ToLower())
            .ToListAsync(ct);
        foreach (var link in links)
        {
            link.EndedAt = now;
            link.ExpiresAt = now;
        }

        return links.Count;
    }

    /// <summary>A change of a department's people as the timeline says it: 经办人 张三 → 李四；分管领导 … (handler … → …; leader …).</summary>
    public static Text Describe((string? From, string? To)? handler, (string? From, string? To)? leader)
    {
        var people = new[] { (Role: new Text("经办人", "handler"), Change: handler), (Role: new Text("分管领导", "leader"), Change: leader) }
            .Where(p => p.Change is not null).Select(p => (p.Role, From: p.Change!.Value.From ?? "—", To: p.Change!.Value.To ?? "—")).ToList();
        return new Text(string.Join("；", people.Select(p => $"{p.Role.Zh} {p.From} → {p.To}")), string.Join("; ", people.Select(p => $"{p.Role.En} {p.From} → {p.To}")));
    }
}
