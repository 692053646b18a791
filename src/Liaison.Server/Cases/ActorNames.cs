using Liaison.Cases.Common;
using Liaison.Cases.Departments;
using Liaison.Server.Data;
using Liaison.Server.Hosting;
using Liaison.Server.Links;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Cases;

/// <summary>
/// Who a case event's actor is, by name, as people read it: an officer by display name, a liaison by name and department,
/// the zone leadership by configuration, the workflow, the system and the enterprise in words. One home for the timeline
/// and for refusals that say who did something (an email address or account id is never shown in a sentence).
/// </summary>
public sealed class ActorNames(LiaisonDbContext db, IOptions<LiaisonOptions> options)
{
    private static readonly Text Workflow = new("流程", "Workflow");
    private static readonly Text SystemActor = new("系统", "System");
    private static readonly Text EnterpriseActor = new("企业", "The enterprise");

    /// <summary>The name of <paramref name="actor"/> looked up in <paramref name="people"/> (from <see cref="PeopleAsync"/>).</summary>
    public static Text Person(IReadOnlyDictionary<string, Text> people, string actor) => actor switch
    {
        "workflow" => Workflow,
        CaseTimeline.System => SystemActor,
        EnterpriseView.RatingEvents.Enterprise => EnterpriseActor,
        _ => people.TryGetValue(actor, out var name) ? name : new Text(actor, actor),
    };

    /// <summary>The name of one actor of case <paramref name="caseNumber"/>.</summary>
    public async Task<Text> NameAsync(string actor, string caseNumber, CancellationToken ct)
    {
        if (CaseTimeline.IsMachine(actor) || actor is EnterpriseView.RatingEvents.Enterprise)
        {
            return Person(new Dictionary<string, Text>(), actor);
        }

        var lowered = actor.ToLowerInvariant();
        var departments = await db.Departments.AsNoTracking()
            .Where(d => d.Handler.Email.ToLower() == lowered || d.Leader.Email.ToLower() == lowered).ToListAsync(ct);
        return Person(await PeopleAsync([actor], departments, caseNumber, ct), actor);
    }

    /// <summary>An account as people read it: its display name, else its email, else its id.</summary>
    public static string Account(string? displayName, string? email, string id) => string.IsNullOrEmpty(displayName) ? email ?? id : displayName;

    private const string LeaderRole = "分管领导";

    /// <summary>
    /// A department's liaison by name, department and (the leader) role, each added only when the name does not say it
    /// already: a name such as 供电公司分管领导（示例）, the sample data's, reads as it is, not 供电公司分管领导（示例）（供电公司分管领导）.
    /// </summary>
    public static Text Liaison(string name, string department, bool leader)
    {
        var saysDepartment = department.Length > 0 && name.Contains(department, StringComparison.Ordinal);
        var saysRole = !leader || name.Contains(LeaderRole, StringComparison.Ordinal);
        return (saysDepartment, saysRole) switch
        {
            (true, true) => new(name, name),
            (true, false) => new($"{name}（{LeaderRole}）", $"{name} (leader)"),
            (false, true) => new($"{name}（{department}）", leader ? $"{name} ({department}, leader)" : $"{name} ({department})"),
            _ => new($"{name}（{department}{LeaderRole}）", $"{name} ({department}, leader)"),
        };
    }

    /// <summary>Names by actor id or email: officers by account, liaisons by department, the zone leadership by configuration.</summary>
    /// <param name="departments">The departments whose handlers and leaders may be among <paramref name="ids"/>.</param>
    /// <param name="caseNumber">The case acted on: a liaison who has since left the department is named by their links to it.</param>
    public async Task<Dictionary<string, Text>> PeopleAsync(
        IReadOnlyCollection<string> ids, IReadOnlyList<Department> departments, string caseNumber, CancellationToken ct)
    {
        var people = new Dictionary<string, Text>(StringComparer.OrdinalIgnoreCase);
        foreach (var z in options.Value.ZoneLeadershipOrSample())
        {
            people[z.Email] = new Text(z.Name, z.Name);
        }

        foreach (var d in departments)
        {
            people[d.Leader.Email] = Liaison(d.Leader.Name, d.Name, leader: true);
            people[d.Handler.Email] = Liaison(d.Handler.Name, d.Name, leader: false);
        }

        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) || ids.Contains(u.Email!))
            .Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync(ct);
        foreach (var u in users)
        {
            var name = Account(u.DisplayName, u.Email, u.Id);
            people[u.Id] = new Text(name, name);
            if (u.Email is not null)
            {
                people[u.Email] = new Text(name, name);
            }
        }

        // A liaison who has since left the department (a new handler or leader named): by the name their link was mailed to.
        var former = ids.Where(id => id.Contains('@') && !people.ContainsKey(id)).ToList();
        if (former.Count > 0)
        {
            var lowered = former.Select(e => e.ToLowerInvariant()).ToList();
            var recipients = await db.Set<LiaisonLink>().AsNoTracking()
                .Where(l => db.Cases.Any(c => c.Id == l.CaseId && c.Number == caseNumber) && lowered.Contains(l.RecipientEmail.ToLower()))
                .Select(l => new { l.RecipientEmail, l.RecipientName }).Distinct().ToListAsync(ct);
            foreach (var r in recipients.Where(r => r.RecipientName.Length > 0))
            {
                people.TryAdd(r.RecipientEmail, new Text(r.RecipientName, r.RecipientName));
            }
        }

        return people;
    }
}
