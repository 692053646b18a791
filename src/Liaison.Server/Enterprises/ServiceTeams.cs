using Liaison.Cases.Cases;
using Liaison.Cases.Enterprises;
using Liaison.Cases.Notifications;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Enterprises;

/// <summary>A key enterprise's service team: its chief service officer (首席服务员) and service squad (服务专班).</summary>
public static class ServiceTeams
{
    /// <summary>
    /// The events of a key enterprise's case its team is copied on: dispatch, overdue and resolved (the issue's), the
    /// officer's reopening (重办) and cancellation (撤销), so a team told of a resolution hears that it was not the end,
    /// and the enterprise's 不满意 rating. The officer's decision on that rating has no mail of its own to copy: it is
    /// told with <see cref="RatingDecisions"/>.
    /// </summary>
    public static readonly IReadOnlySet<string> CopiedKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        CaseMailKind.Dispatch, CaseMailKind.Overdue, CaseMailKind.Resolved, CaseMailKind.Reopened, CaseMailKind.Cancelled, CaseMailKind.RatedUnsatisfied,
    };

    /// <summary>The officer's decision on an unsatisfied rating (说明后结案, or 重办 as a follow-up case), as the team's copy names it.</summary>
    public static readonly IReadOnlySet<string> RatingDecisions = new HashSet<string>(StringComparer.Ordinal)
    {
        CaseEventKinds.RatingClosed, CaseEventKinds.RatingReopened,
    };

    /// <summary>
    /// The copied events whose note the team reads: the resolution (办理结果), the officer's reason to reopen or cancel,
    /// the enterprise's comment with its 不满意, and the officer's note with the decision on it.
    /// </summary>
    public static readonly IReadOnlySet<string> NotedKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        CaseMailKind.Resolved, CaseMailKind.Reopened, CaseMailKind.Cancelled, CaseMailKind.RatedUnsatisfied, CaseEventKinds.RatingClosed, CaseEventKinds.RatingReopened,
    };

    public sealed record Member(string Id, string Name, string Email, string Culture, bool Chief);

    /// <summary>The team of <paramref name="enterpriseId"/> if it is a key enterprise (chief first), else nobody.</summary>
    public static async Task<IReadOnlyList<Member>> OfKeyEnterpriseAsync(LiaisonDbContext db, long enterpriseId, CancellationToken ct)
    {
        if (db.Reads.EnterpriseOf(enterpriseId) is { IsKey: false })
        {
            // Read in this scope (a case being opened for it): no team to look up.
            return [];
        }

        var team = await db.Set<RegisteredEnterprise>().AsNoTracking()
            .Where(e => e.Id == enterpriseId && e.IsKey)
            .Select(e => new { e.ChiefServiceOfficerId, Squad = e.ServiceSquad.Select(m => m.OfficerId).ToList() })
            .FirstOrDefaultAsync(ct);
        if (team is null)
        {
            return [];
        }

        var ids = team.Squad.Append(team.ChiefServiceOfficerId).OfType<string>().Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && u.Email != null)
            .Select(u => new { u.Id, u.DisplayName, u.Email, u.Culture }).ToListAsync(ct);
        return users
            .Select(u => new Member(u.Id, u.DisplayName, u.Email!, u.Culture, u.Id == team.ChiefServiceOfficerId))
            .OrderByDescending(m => m.Chief).ThenBy(m => m.Email, StringComparer.Ordinal)
            .ToList();
    }
}
