using System.Reflection;
using System.Text.Json.Nodes;
using Liaison.Cases.Routing.Activities;
using Liaison.Cases.Sla;
using Liaison.Server.Data;
using Liaison.Server.Workflows;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Definitions;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

/// <summary>
/// The limits a new case will get: its category's, with any the published routing's Dispatch sets as a plain number in
/// their place, as <see cref="Dispatch"/> itself takes them. What the new-case form and the deadline preview show, so the
/// deadline shown before sending is the one the case gets. A limit the routing computes (a script) cannot be known before
/// the case exists: the category's is shown then. A reopening's limits are read from the routing version the case
/// runs on (<see cref="ForReopenAsync"/>), as the reopening itself takes them.
/// </summary>
public sealed class RoutingLimits(WorkflowDefinitionStore store)
{
    public async Task<CaseCategory> ForNewCaseAsync(LiaisonDbContext db, CaseCategory category, CancellationToken ct) =>
        (await ForNewCasesAsync(db, [category], ct))[0];

    public async Task<IReadOnlyList<CaseCategory>> ForNewCasesAsync(LiaisonDbContext db, IReadOnlyList<CaseCategory> categories, CancellationToken ct)
    {
        var (accept, resolve) = await LiteralsAsync(db, CaseService.RoutingDefinitionId, ct);
        return categories.Select(c => Over(c.Sla, accept, resolve) is { } over ? c with { Sla = over } : c).ToList();
    }

    /// <summary>
    /// The limits a new case's co-handlers get from their own routing (case-part-routing) over the category's, and whether
    /// it sets its own resolve limit (then the part's, not the lead's less the lead time): what
    /// <see cref="Liaison.Cases.Sla.SlaDeadlines.ForCoHandler"/> takes, with the lead's deadline.
    /// </summary>
    /// <param name="category">The category as admins set it (not as <see cref="ForNewCaseAsync"/> gives it for the lead).</param>
    public async Task<(SlaPolicy Policy, bool OwnLimit)> ForPartsAsync(LiaisonDbContext db, CaseCategory category, CancellationToken ct)
    {
        var (accept, resolve) = await LiteralsAsync(db, DispatchParts.DefaultWorkflow, ct);
        return Over(category.Sla, accept, resolve) is { } over ? (over, resolve is not null) : (category.Sla, false);
    }

    /// <summary>
    /// The limits a reopening (重办) of a case would count with now. The case is reopened by the Reopen step of the
    /// routing version it runs on (<paramref name="workflowInstanceId"/>'s; running cases stay on the version they
    /// started with), not the published one: that step's own resolve limit over the category's (<paramref name="category"/>
    /// as admins set it). A co-handler asked again runs the workflow that step names (case-part-routing unless it says
    /// otherwise), started new, so in its published version: its limits, as <see cref="ForPartsAsync"/> gives them.
    /// A case whose instance is not found (none recorded) counts with the published routing.
    /// </summary>
    public async Task<ReopenLimits> ForReopenAsync(LiaisonDbContext db, CaseCategory category, Guid? workflowInstanceId, CancellationToken ct)
    {
        var routing = await RoutingOfAsync(db, workflowInstanceId, ct);
        var reopen = routing is not null ? RoutingRequirement.First(routing, ReopenType) : null;
        var resolve = reopen is not null ? Literal(reopen, nameof(Reopen.ResolveWithinWorkingDays)) : null;
        var workflow = reopen is not null && Text(reopen, nameof(Reopen.Workflow)) is { Length: > 0 } named ? named : DispatchParts.DefaultWorkflow;
        var (accept, partResolve) = await LiteralsAsync(db, workflow, ct);
        var (parts, ownLimit) = Over(category.Sla, accept, partResolve) is { } over ? (over, partResolve is not null) : (category.Sla, false);
        return new ReopenLimits(Over(category.Sla, null, resolve) ?? category.Sla, parts, ownLimit);
    }

    /// <summary>The routing version the case's workflow instance runs on; the published one when it is not found.</summary>
    private async Task<WorkflowDefinition?> RoutingOfAsync(LiaisonDbContext db, Guid? workflowInstanceId, CancellationToken ct)
    {
        var pinned = workflowInstanceId is { } id
            ? await db.Set<WorkflowInstanceRecord>().AsNoTracking().Where(i => i.Id == id)
                .Select(i => new { i.DefinitionId, i.DefinitionVersion }).FirstOrDefaultAsync(ct)
            : null;
        return (pinned is not null ? await store.FindRunnableAsync(db, pinned.DefinitionId, pinned.DefinitionVersion, ct) : null)
               ?? await store.FindPublishedRunnableAsync(db, CaseService.RoutingDefinitionId, ct);
    }

    private static readonly string ReopenType = typeof(Reopen).GetCustomAttribute<ActivityAttribute>()!.Type;

    /// <summary>The plain-number limits of a published routing's (first) Dispatch; nulls when it has none or computes them.</summary>
    private async Task<(int? Accept, int? Resolve)> LiteralsAsync(LiaisonDbContext db, string definitionId, CancellationToken ct) =>
        await store.FindPublishedRunnableAsync(db, definitionId, ct) is { } routing && RoutingRequirement.First(routing, RoutingRequirement.DispatchType) is { } dispatch
            ? (Literal(dispatch, nameof(Dispatch.AcceptWithinWorkingDays)), Literal(dispatch, nameof(Dispatch.ResolveWithinWorkingDays)))
            : (null, null);

    /// <summary>The category's limits with the routing's in their place; null when they do not go together (the routing faults on them).</summary>
    private static SlaPolicy? Over(SlaPolicy category, int? accept, int? resolve)
    {
        try
        {
            return category.With(accept, resolve);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A plain text input (a workflow's id); null when it is computed or not set.</summary>
    private static string? Text(ActivityNode node, string input) =>
        node.Inputs.TryGetValue(input, out var value) && value.Expression is { Type: ExpressionTypes.Literal, Value: JsonValue v } && v.TryGetValue<string>(out var s)
            ? s.Trim()
            : null;

    private static int? Literal(ActivityNode node, string input) =>
        node.Inputs.TryGetValue(input, out var value) && value.Expression is { Type: ExpressionTypes.Literal, Value: JsonValue v }
            ? v.TryGetValue<int>(out var n) ? n : v.TryGetValue<string>(out var s) && int.TryParse(s, out var parsed) ? parsed : null
            : null;
}

/// <summary>What a reopening (重办) counts with: the lead's resolve limit, and a co-handler asked again's limits and whether its routing sets its own resolve limit.</summary>
public sealed record ReopenLimits(SlaPolicy Lead, SlaPolicy Parts, bool PartsOwnLimit);
