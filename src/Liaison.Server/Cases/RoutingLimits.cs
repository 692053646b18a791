using System.Text.Json.Nodes;
using Liaison.Cases.Routing.Activities;
using Liaison.Cases.Sla;
using Liaison.Server.Data;
using Liaison.Server.Workflows;
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
        var routing = await store.FindPublishedRunnableAsync(db, CaseService.RoutingDefinitionId, ct);
        if (routing?.Root.Activities.FirstOrDefault(a => a.Type == RoutingRequirement.DispatchType) is not { } dispatch)
        {
            return categories;
        }

        var (accept, resolve) = (Literal(dispatch, nameof(Dispatch.AcceptWithinWorkingDays)), Literal(dispatch, nameof(Dispatch.ResolveWithinWorkingDays)));
        return categories.Select(c => Over(c, accept, resolve)).ToList();
    }

    private static CaseCategory Over(CaseCategory c, int? accept, int? resolve)
    {
        try
        {
            return c with { Sla = c.Sla.With(accept, resolve) };
        }
        catch (ArgumentException)
        {
            // Limits that do not go together (acceptance after resolution): the routing faults on them; show the category's.
            return c;
        }
    }

    private static int? Literal(ActivityNode node, string input) =>
        node.Inputs.TryGetValue(input, out var value) && value.Expression is { Type: ExpressionTypes.Literal, Value: JsonValue v }
            ? v.TryGetValue<int>(out var n) ? n : v.TryGetValue<string>(out var s) && int.TryParse(s, out var parsed) ? parsed : null
            : null;
}
