using System.Text.Json.Nodes;
using Liaison.Cases.Common;
using Liaison.Cases.Routing.Activities;
using Liaison.Server.Auth;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Liaison.Workflows.Activities.BuiltIn;
using Liaison.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Workflows;

/// <summary>Instances for admins: start one, look inside, resume a bookmark, publish an event.</summary>
public static class WorkflowInstancesApi
{
    public static RouteGroupBuilder MapWorkflowInstancesApi(this IEndpointRouteBuilder app)
    {
        // POST /api/workflow-definitions/{definitionId}/instances (Start) is mapped with the definitions.
        var api = app.MapGroup("api/workflow-instances").WithTags("Workflows").RequirePolicy(Policies.Admin);
        api.MapGet("/{id:guid}", Get);
        api.MapPost("/{id:guid}/bookmarks/{bookmarkId}/resume", ResumeBookmark).WithOptionalBody<ResumeRequest>();
        api.MapPost("/{id:guid}/events/{eventName}", PublishEvent).WithOptionalBody<ResumeRequest>();
        return api;
    }

    public static async Task<Results<Created<WorkflowInstanceDto>, ValidationProblem, NotFoundProblem>> Start(
        string definitionId, StartInstanceRequest? body, LiaisonDbContext db, WorkflowHost host, CancellationToken ct)
    {
        var v = new Validation();
        var correlationId = body?.CorrelationId?.Trim();
        v.MaxLength("correlationId", correlationId, 200);
        if (PartCorrelation.TryParse(correlationId, out _, out _) || correlationId?.StartsWith(PartCorrelation.CasePrefix, StringComparison.Ordinal) == true)
        {
            // A workflow correlated with a case would act on it (mails, deadlines, status) outside the case's actions.
            v.Add("correlationId", $"以 {PartCorrelation.CasePrefix} 开头的关联标识留给事项自己的流程", $"correlation ids starting with '{PartCorrelation.CasePrefix}' belong to the cases' own workflows");
        }
        if (!v.IsValid)
        {
            return Problems.Invalid(v);
        }

        var input = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, value) in body?.Input ?? [])
        {
            input[k] = value?.DeepClone();
        }

        try
        {
            var instance = await host.StartAsync(db, definitionId, input, string.IsNullOrEmpty(correlationId) ? null : correlationId, null, ct);
            return TypedResults.Created($"/api/workflow-instances/{instance.Id}", await LoadAsync(db, instance.Id, ct));
        }
        catch (WorkflowDefinitionNotFoundException)
        {
            return Problems.NotFound($"工作流 {definitionId} 没有已发布的版本", $"workflow '{definitionId}' has no published version");
        }
    }

    public static async Task<Results<Ok<WorkflowInstanceDto>, NotFoundProblem>> Get(Guid id, LiaisonDbContext db, CancellationToken ct)
    {
        var dto = await LoadAsync(db, id, ct);
        return dto is null ? NotFound(id) : TypedResults.Ok(dto);
    }

    /// <summary>Resumes one bookmark; 409 when it was already resumed (by anyone, or a timer).</summary>
    public static async Task<Results<Ok<WorkflowInstanceDto>, NotFoundProblem, ConflictProblem, ForbiddenProblem>> ResumeBookmark(
        Guid id, string bookmarkId, ResumeRequest? body, LiaisonDbContext db, WorkflowHost host, CancellationToken ct)
    {
        var correlation = await db.Set<WorkflowInstanceRecord>().Where(i => i.Id == id).Select(i => new { i.CorrelationId }).FirstOrDefaultAsync(ct);
        if (correlation is null)
        {
            return NotFound(id);
        }

        if (CaseWorkflow(correlation.CorrelationId) is { } refused)
        {
            return refused;
        }

        // A bookmark of another instance is simply not pending here.
        var kind = await db.Set<WorkflowBookmarkRecord>().Where(b => b.Id == bookmarkId && b.InstanceId == id).Select(b => b.Kind).FirstOrDefaultAsync(ct);
        if (kind == ChildWorkflows.BookmarkKind)
        {
            return WaitsForChild();
        }

        var belongs = kind is not null;
        var result = belongs
            ? await host.ResumeAsync(db, bookmarkId, body?.Payload?.DeepClone(), ct)
            : new ResumeResult(ResumeOutcome.AlreadyResumed, null, null, bookmarkId);
        return await AnswerAsync(db, id, result, ct);
    }

    /// <summary>Resumes the instance's Elsa.Event bookmark waiting for <paramref name="eventName"/>.</summary>
    public static async Task<Results<Ok<WorkflowInstanceDto>, NotFoundProblem, ConflictProblem, ForbiddenProblem>> PublishEvent(
        Guid id, string eventName, ResumeRequest? body, LiaisonDbContext db, WorkflowHost host, CancellationToken ct)
    {
        var correlation = await db.Set<WorkflowInstanceRecord>().Where(i => i.Id == id).Select(i => i.CorrelationId).FirstOrDefaultAsync(ct);
        if (CaseWorkflow(correlation) is { } refused)
        {
            return refused;
        }

        var result = await host.ResumeAsync(db, id, Event.BookmarkKind, eventName, body?.Payload?.DeepClone(), ct);
        return await AnswerAsync(db, id, result, ct);
    }

    /// <summary>
    /// A case's workflow (or a co-handler's part of it) moves only through the case's actions, which check who may act
    /// and write the timeline; this API may look inside it, never move it.
    /// </summary>
    private static ForbiddenProblem? CaseWorkflow(string? correlationId) =>
        PartCorrelation.TryParse(correlationId, out var caseId, out _)
            ? new ForbiddenProblem(new Text(
                $"该流程属于事项（内部编号 {caseId}），只能通过事项的操作推进：/api/cases/{{number}}/…、经办人链接",
                $"this workflow routes a case (internal id {caseId}); it moves only through the case's actions: /api/cases/{{number}}/… and the handlers' links"))
            : null;

    private static async Task<Results<Ok<WorkflowInstanceDto>, NotFoundProblem, ConflictProblem, ForbiddenProblem>> AnswerAsync(
        LiaisonDbContext db, Guid id, ResumeResult result, CancellationToken ct) => result.Outcome switch
    {
        ResumeOutcome.Resumed => TypedResults.Ok((await LoadAsync(db, id, ct))!),
        ResumeOutcome.InstanceNotFound => NotFound(id),
        ResumeOutcome.NotResumable => Problems.Conflict(
            $"流程实例已{StatusZh(result.Instance!.Status)}，不再等待任何操作",
            $"the workflow instance is {result.Instance.Status} and waits for nothing"),
        _ => Problems.Conflict(
            "该等待点已被处理（可能已由他人、定时器或重复请求恢复），未做任何更改",
            "this wait was already resumed (by someone else, a timer or a repeated request) or does not exist; nothing was changed"),
    };

    internal static async Task<WorkflowInstanceDto?> LoadAsync(LiaisonDbContext db, Guid id, CancellationToken ct)
    {
        var i = await db.Set<WorkflowInstanceRecord>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (i is null)
        {
            return null;
        }

        var bookmarks = await db.Set<WorkflowBookmarkRecord>().AsNoTracking().Where(b => b.InstanceId == id).OrderBy(b => b.CreatedAt).ToListAsync(ct);
        var journal = await db.Set<WorkflowJournalRecord>().AsNoTracking().Where(j => j.InstanceId == id).OrderBy(j => j.Sequence).ToListAsync(ct);
        var incidents = await db.Set<WorkflowIncidentRecord>().AsNoTracking().Where(x => x.InstanceId == id).OrderBy(x => x.At).ThenBy(x => x.Id).ToListAsync(ct);
        var children = await db.Set<WorkflowInstanceRecord>().AsNoTracking().Where(c => c.ParentInstanceId == id).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .ToListAsync(ct);
        var state = JsonNode.Parse(i.State);
        return new WorkflowInstanceDto(
            i.Id, i.DefinitionId, i.DefinitionVersion, i.Status.ToString(), i.CorrelationId, i.CreatedAt, i.UpdatedAt, i.FinishedAt,
            state,
            bookmarks.Select(BookmarkDto.From).ToList(),
            journal.Select(JournalEntryDto.From).ToList(),
            incidents.Select(IncidentDto.From).ToList())
        {
            ParentInstanceId = i.ParentInstanceId,
            ParentActivityId = i.ParentActivityId,
            Name = i.Name,
            BodyPath = BodyPathOf(state),
            Children = children.Select(c => new WorkflowChildDto(c.Id, c.DefinitionId, c.DefinitionVersion, c.Status.ToString(), c.ParentActivityId,
                BodyPathOf(JsonNode.Parse(c.State)), c.CreatedAt)).ToList(),
        };
    }

    private static string? BodyPathOf(JsonNode? state) => state?["bodyPath"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static ConflictProblem WaitsForChild() => Problems.Conflict(
        "这一步在等待子流程结束，子流程结束时会自动继续，不能手动恢复",
        "this step waits for its child workflow; it continues by itself when the child ends and cannot be resumed by hand");

    private static NotFoundProblem NotFound(Guid id) =>
        Problems.NotFound($"没有编号为 {id} 的流程实例", $"there is no workflow instance '{id}'");

    private static string StatusZh(Liaison.Workflows.Runtime.WorkflowStatus s) => s switch
    {
        Liaison.Workflows.Runtime.WorkflowStatus.Finished => "结束",
        Liaison.Workflows.Runtime.WorkflowStatus.Faulted => "出错终止",
        Liaison.Workflows.Runtime.WorkflowStatus.Cancelled => "取消",
        _ => s.ToString(),
    };
}
