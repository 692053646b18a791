using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Liaison.Server.EnterpriseView;
using Liaison.Server.Enterprises;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Auth;

/// <summary>
/// An account's work and its handing over (移交) to another account, e.g. when an officer leaves and an admin
/// deactivates the account: the cases it is the officer of that still need one, its key enterprises as chief service
/// officer (首席服务员) and its places in service squads (服务专班). Runs inside the caller's transaction.
/// </summary>
public static class Handover
{
    /// <summary>What an account holds that another must take over before it can be deactivated.</summary>
    public sealed record Work(int Cases, int ChiefOf, int SquadOf)
    {
        public bool IsEmpty => Cases == 0 && ChiefOf == 0 && SquadOf == 0;

        /// <summary>What the account still holds, naming only what it has (no "0 key enterprises").</summary>
        public Text Describe()
        {
            List<(string Zh, string En)> held = [];
            if (Cases > 0) held.Add(($"还有 {Cases} 件需要园区工作人员跟进的事项", $"still has {English.Count(Cases, "case", "cases")} that {English.Word(Cases, "needs its", "need their")} officer"));
            if (ChiefOf > 0) held.Add(($"是 {ChiefOf} 家重点企业的首席服务员", $"is the chief service officer of {English.Count(ChiefOf, "key enterprise", "key enterprises")}"));
            if (SquadOf > 0) held.Add(($"是 {SquadOf} 家重点企业服务专班的成员", $"serves in {English.Count(SquadOf, "service squad", "service squads")}"));
            return new("该账号" + string.Join("，", held.Select(h => h.Zh)), "the account " + string.Join(", ", held.Select(h => h.En)));
        }

        /// <summary>What a handover moved to <paramref name="to"/>, naming only what it moved; moving nothing says so.</summary>
        public Text DescribeMoved(string to)
        {
            List<(string Zh, string En)> moved = [];
            if (Cases > 0) moved.Add(($"{Cases} 件事项", English.Count(Cases, "case", "cases")));
            if (ChiefOf > 0) moved.Add(($"{ChiefOf} 家重点企业的首席服务员", $"chief service officer of {English.Count(ChiefOf, "key enterprise", "key enterprises")}"));
            if (SquadOf > 0) moved.Add(($"{SquadOf} 个服务专班的席位", $"{English.Word(SquadOf, "a place", "places")} in {English.Count(SquadOf, "service squad", "service squads")}"));
            return IsEmpty
                ? new($"没有需要移交给 {to} 的工作。", $" Nothing was left to hand over to {to}.")
                : new($"已移交给 {to}：{string.Join("、", moved.Select(m => m.Zh))}，并已邮件通知。",
                    $" Handed over to {to}: {string.Join(", ", moved.Select(m => m.En))}; they have been mailed.");
        }
    }

    public static async Task<Work> WorkOfAsync(LiaisonDbContext db, string userId, DateTimeOffset now, CancellationToken ct) => new(
        await CasesOf(db, userId, now).CountAsync(ct),
        await db.Set<RegisteredEnterprise>().CountAsync(e => e.ChiefServiceOfficerId == userId, ct),
        await db.Set<ServiceSquadMember>().CountAsync(m => m.OfficerId == userId, ct));

    /// <summary>
    /// What a handover moved: the cases (locked, in id order) and the enterprises whose chief or squad place moved;
    /// <see cref="SquadJoined"/>, of those squads, the ones the successor joined (in the others it was already).
    /// </summary>
    public sealed record Moved(IReadOnlyList<Case> Cases, IReadOnlyList<long> ChiefOf, IReadOnlyList<long> SquadOf)
    {
        public bool IsEmpty => Cases.Count == 0 && ChiefOf.Count == 0 && SquadOf.Count == 0;

        /// <summary>The squads the successor joined: what changed for it (the handover mail lists these).</summary>
        public IReadOnlyList<long> SquadJoined { get; init; } = [];

        /// <summary>Nothing changed for the successor: no case, no chief place, no squad it was not in already.</summary>
        public bool NothingNew => Cases.Count == 0 && ChiefOf.Count == 0 && SquadJoined.Count == 0;
    }

    /// <summary>
    /// Moves <paramref name="from"/>'s work to <paramref name="to"/>: each case is locked (in id order, as case actions
    /// lock them), gets its new officer and a timeline entry naming both; the enterprises' chief and squad places are
    /// moved by SQL (a squad that already has <paramref name="to"/> just loses <paramref name="from"/>).
    /// </summary>
    public static async Task<Moved> MoveAsync(LiaisonDbContext db, LiaisonUser from, LiaisonUser to, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var ids = await CasesOf(db, from.Id, now).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
        var moved = new List<Case>();
        if (ids.Count > 0)
        {
            var cases = await db.Cases.FromSql($"SELECT *, xmin FROM cases WHERE id = ANY({ids.ToArray()}) ORDER BY id FOR UPDATE").ToListAsync(ct);
            var (fromRef, toRef) = (new OfficerRef(from.Id, from.Email ?? "", from.DisplayName), new OfficerRef(to.Id, to.Email ?? "", to.DisplayName));
            foreach (var c in cases.Where(c => c.OfficerId == from.Id))
            {
                Give(db, c, fromRef, toRef, actor, now, reason: null);
                moved.Add(c);
            }

            await db.SaveChangesAsync(ct);
        }

        var chiefOf = await db.Set<RegisteredEnterprise>().Where(e => e.ChiefServiceOfficerId == from.Id).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync(ct);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE enterprises SET chief_service_officer_id = {to.Id}, updated_at = {now} WHERE chief_service_officer_id = {from.Id}", ct);
        // ON CONFLICT, not NOT EXISTS: an enterprise's edit adding the successor to the squad at the same moment is not
        // visible to this statement until it commits, and would then break the squad's key. RETURNING: the squads the
        // successor joined, not those it was in already (the handover mail lists only what changed for them).
        var squadOf = await db.Set<ServiceSquadMember>().Where(m => m.OfficerId == from.Id).OrderBy(m => m.EnterpriseId).Select(m => m.EnterpriseId).ToListAsync(ct);
        var joined = (await db.Database.SqlQuery<long>($"""
            INSERT INTO enterprise_service_squad (enterprise_id, officer_id)
            SELECT enterprise_id, {to.Id} FROM enterprise_service_squad WHERE officer_id = {from.Id}
            ON CONFLICT DO NOTHING
            RETURNING enterprise_id AS "Value"
            """).ToListAsync(ct)).Order().ToList();
        await db.Database.ExecuteSqlAsync($"DELETE FROM enterprise_service_squad WHERE officer_id = {from.Id}", ct);
        // The squads' entries changed too: their version moves on, so an edit form opened before the handover is refused
        // (stale) instead of saving its squad over the successor's new place.
        if (squadOf.Count > 0)
        {
            await db.Database.ExecuteSqlAsync($"UPDATE enterprises SET updated_at = {now} WHERE id = ANY({squadOf.ToArray()})", ct);
        }

        return new Moved(moved, chiefOf, squadOf) { SquadJoined = joined };
    }

    /// <summary>
    /// Gives the (locked) case <paramref name="c"/> to <paramref name="to"/>, with a timeline entry naming both and the
    /// reason; returns that in both languages ("张三 → 李四：reason", "张三 → Amy Chen: reason"), which a mail to the new
    /// officer may repeat in theirs.
    /// </summary>
    public static Text Give(LiaisonDbContext db, Case c, OfficerRef? from, OfficerRef to, string actor, DateTimeOffset now, string? reason)
    {
        var words = Words(from?.DisplayName ?? "?", to.DisplayName, reason);
        c.OfficerId = to.Id;
        c.UpdatedAt = now;
        // The note keeps the Chinese words (one string); the data lets the timeline say them in the reader's language.
        CaseTimeline.Add(db, c, now, CaseEventKinds.OfficerChanged, actor, words.Zh, new { from = from?.Email, to = to.Email, reason });
        return words;
    }

    /// <summary>A handover in words: each language with its own punctuation (Chinese "：", English ": ").</summary>
    public static Text Words(string from, string to, string? reason) => new(
        $"{from} → {to}" + (string.IsNullOrEmpty(reason) ? "" : $"：{reason}"),
        $"{from} → {to}" + (string.IsNullOrEmpty(reason) ? "" : $": {reason}"));

    /// <summary>
    /// The cases that still need <paramref name="userId"/> as their officer: not closed or cancelled, or closed with
    /// the enterprise's rating still to come (its window open at <paramref name="now"/>) or an unsatisfied rating not
    /// decided yet.
    /// </summary>
    private static IQueryable<Case> CasesOf(LiaisonDbContext db, string userId, DateTimeOffset now) =>
        db.Cases.Where(c => c.OfficerId == userId && (!CaseStatuses.Ended.Contains(c.Status)
            || db.Set<CaseRating>().Any(r => r.CaseId == c.Id && r.Decision == null
                && (r.Score == RatingScore.Unsatisfied || (r.Score == null && r.ClosesAt > now)))));
}
