using Liaison.Cases.Cases;
using Liaison.Cases.Routing;
using Liaison.Cases.Sla;
using Liaison.Server.Calendar;
using Liaison.Server.Data;
using Liaison.Server.Workflows;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

/// <summary>Builds what a case workflow run sees (<see cref="CaseRouting"/>) from the database.</summary>
public sealed class CaseRoutingFactory(CalendarService calendars) : IRunContextFactory
{
    public const string CorrelationPrefix = "case:";

    private static readonly CaseExpressionGlobals Globals = new();

    public async Task<RunContext> CreateAsync(LiaisonDbContext db, WorkflowInstanceRecord instance, CancellationToken ct)
    {
        if (instance.CorrelationId is not { } correlation || !correlation.StartsWith(CorrelationPrefix, StringComparison.Ordinal)
            || !long.TryParse(correlation.AsSpan(CorrelationPrefix.Length), out var caseId))
        {
            return new RunContext();
        }

        var c = await db.Cases.FirstAsync(x => x.Id == caseId, ct);
        return await CreateAsync(db, c, ct);
    }

    public async Task<RunContext> CreateAsync(LiaisonDbContext db, Case c, CancellationToken ct)
    {
        var fired = await db.Set<CaseDeadlineFired>().Where(f => f.CaseId == c.Id).ToListAsync(ct);
        var departments = await db.Departments.AsNoTracking().Where(d => d.Active).ToListAsync(ct);
        var routing = new CaseRouting
        {
            Case = Snapshot(c, fired.Select(f => CaseSnapshot.EscalationKey(f.Kind, f.Deadline))),
            Calendar = await calendars.GetAsync(ct),
            Categories = CaseCategories.Defaults,
            Departments = departments.ToDictionary(
                d => d.Code,
                d => new DepartmentContact(d.Code, d.Name,
                    new Person(d.Handler.Name, d.Handler.Email, d.Handler.Culture),
                    new Person(d.Leader.Name, d.Leader.Email, d.Leader.Culture))),
        };
        var context = new RunContext().Set(routing);
        context.ExpressionContributors.Add(Globals);
        return context;
    }

    private static CaseSnapshot Snapshot(Case c, IEnumerable<string> fired) => new()
    {
        Id = c.Id,
        Number = c.Number,
        Title = c.Title,
        Category = c.Category,
        Priority = c.Priority,
        Status = c.Status,
        DepartmentCode = c.DepartmentCode,
        AssignedDepartmentCode = c.AssignmentRound > 0 ? c.DepartmentCode : null,
        Handler = c.AssignmentRound > 0 ? new Person(c.HandlerName, c.HandlerEmail, c.HandlerCulture) : null,
        Leader = c.LeaderEmail is null ? null : new Person(c.LeaderName ?? "", c.LeaderEmail, c.LeaderCulture),
        AssignmentRound = c.AssignmentRound,
        AcceptBy = c.AcceptBy,
        DueAt = c.DueAt,
        NextProgressReportAt = c.NextProgressReportAt,
        IsKeyEnterprise = c.Enterprise.IsKey,
        EnterpriseName = c.Enterprise.Name,
        PendingExtensionDays = c.PendingExtensionDays,
        FiredEscalations = fired.ToHashSet(),
    };
}
