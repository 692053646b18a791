using System.Reflection;
using System.Text.Json.Nodes;
using Liaison.Cases.Routing.Activities;
using Liaison.Cases.Sla;
using Liaison.Server.Data;
using Liaison.Server.Workflows;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Definitions;

namespace Liaison.Server.Cases;

/// <summary>
/// The limits a new case will get: its category's, with any the published routing's Dispatch sets as a plain number in
/// their place, as <see cref="Dispatch"/> itself takes them. What the new-case form and the deadline preview show, so the
/// deadline shown before sending is the one the case gets. A limit the routing computes (a script) cannot be known before
/// the case exists: the category's is shown then.
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
    /// The resolve limit a reopening (重办) would count with now: the published routing's Reopen step's own, over the
    /// category's (<paramref name="category"/> as admins set it). A case running an older version of the routing is
    /// reopened by that version's step, which may say otherwise.
    /// </summary>
    public async Task<SlaPolicy> ForReopenAsync(LiaisonDbContext db, CaseCategory category, CancellationToken ct)
    {
        var routing = await store.FindPublishedRunnableAsync(db, CaseService.RoutingDefinitionId, ct);
        var resolve = routing is not null && RoutingRequirement.First(routing, ReopenType) is { } reopen ? Literal(reopen, nameof(Reopen.ResolveWithinWorkingDays)) : null;
        return Over(category.Sla, null, resolve) ?? category.Sla;
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

    private static int? Literal(ActivityNode node, string input) =>
        node.Inputs.TryGetValue(input, out var value) && value.Expression is { Type: ExpressionTypes.Literal, Value: JsonValue v }
            ? v.TryGetValue<int>(out var n) ? n : v.TryGetValue<string>(out var s) && int.TryParse(s, out var parsed) ? parsed : null
            : null;
}
