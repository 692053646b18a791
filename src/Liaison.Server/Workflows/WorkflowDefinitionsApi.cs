using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Liaison.Cases.Common;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Liaison.Server.Workflows;

/// <summary>Definitions for the designer (admins): drafts, publishing, history, validation, test runs, the palette.</summary>
public static partial class WorkflowDefinitionsApi
{
    public static IEndpointRouteBuilder MapWorkflowsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/workflow-definitions").WithTags("Workflows").RequirePolicy(Policies.Admin);
        api.MapGet("/", List);
        api.MapGet("/{definitionId}", Get);
        api.MapPut("/{definitionId}", SaveDraft).Accepts<JsonObject>("application/json");
        api.MapDelete("/{definitionId}/draft", DiscardDraft);
        api.MapPost("/{definitionId}/publish", Publish);
        api.MapGet("/{definitionId}/versions", Versions);
        api.MapPost("/validate", Validate).Accepts<JsonObject>("application/json");
        api.MapPost("/test-run", TestRunDefinition);
        api.MapGet("/test-run/sample-case", SampleCase);
        api.MapPost("/{definitionId}/instances", WorkflowInstancesApi.Start).WithOptionalBody<StartInstanceRequest>();
        app.MapGet("api/activity-descriptors", Descriptors).WithTags("Workflows").RequirePolicy(Policies.Admin);
        app.MapWorkflowInstancesApi();
        return app;
    }

    /// <summary>The latest version of each definition.</summary>
    public static async Task<Ok<List<WorkflowDefinitionSummaryDto>>> List(LiaisonDbContext db, CancellationToken ct)
    {
        var latest = await db.Set<WorkflowDefinitionRecord>().AsNoTracking().Where(d => d.IsLatest).OrderBy(d => d.DefinitionId).ToListAsync(ct);
        var published = await db.Set<WorkflowDefinitionRecord>().AsNoTracking().Where(d => d.IsPublished)
            .ToDictionaryAsync(d => d.DefinitionId, d => d.Version, ct);
        return TypedResults.Ok(latest.Select(d => new WorkflowDefinitionSummaryDto(
            d.DefinitionId, d.Name, d.Version, d.IsLatest, d.IsPublished,
            published.TryGetValue(d.DefinitionId, out var v) ? v : null,
            d.CreatedAt, d.UpdatedAt, d.PublishedAt)).ToList());
    }

    /// <summary>The Elsa JSON of the latest version, or of <paramref name="version"/>.</summary>
    public static async Task<Results<Ok<JsonObject>, NotFoundProblem>> Get(
        string definitionId, int? version, LiaisonDbContext db, WorkflowDefinitionStore store, CancellationToken ct)
    {
        var row = version is { } v
            ? await store.FindAsync(db, definitionId, v, ct)
            : await store.FindLatestAsync(db, definitionId, ct);
        return row is null ? NotFound(definitionId, version) : TypedResults.Ok(store.ToJson(row));
    }

    /// <summary>Saves the body as the draft: a new unpublished version, or over the current unpublished one.</summary>
    public static async Task<Results<Ok<JsonObject>, BadRequestProblem, ConflictProblem>> SaveDraft(
        string definitionId, HttpRequest request, LiaisonDbContext db, WorkflowDefinitionStore store, CancellationToken ct)
    {
        if (!IsValidDefinitionId(definitionId))
        {
            return BadDefinitionId(definitionId);
        }

        var (definition, problem) = await ReadDefinitionAsync(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (!string.IsNullOrEmpty(definition!.DefinitionId) && definition.DefinitionId != definitionId)
        {
            return Problems.BadRequest(
                $"请求体中的 definitionId（{definition.DefinitionId}）与地址中的（{definitionId}）不一致",
                $"the body's definitionId '{definition.DefinitionId}' does not match '{definitionId}' in the URL");
        }

        definition.DefinitionId = definitionId;
        try
        {
            var row = await store.SaveDraftAsync(db, definition, Actor.Of(request.HttpContext.User), ct);
            return TypedResults.Ok(store.ToJson(row));
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("另一位管理员同时保存了此工作流，请刷新后重试",
                "another admin saved this workflow at the same time; reload and try again");
        }
    }

    /// <summary>Discards the unpublished latest version (204); the version before it is the latest again.</summary>
    public static async Task<Results<NoContent, NotFoundProblem, ConflictProblem>> DiscardDraft(
        string definitionId, LiaisonDbContext db, WorkflowDefinitionStore store, ClaimsPrincipal user, CancellationToken ct) =>
        await store.DiscardDraftAsync(db, definitionId, Actor.Of(user), ct) switch
        {
            DiscardResult.Discarded => TypedResults.NoContent(),
            DiscardResult.NotFound => NotFound(definitionId, null),
            DiscardResult.NoDraft => Problems.Conflict("此流程没有未发布的草稿", "this workflow has no unpublished draft"),
            _ => Problems.Conflict("有流程实例正在运行此草稿，不能放弃", "a workflow instance runs this draft: it cannot be discarded"),
        };

    /// <summary>Validates and publishes the latest version; 400 lists every error with its activity id.</summary>
    public static async Task<Results<Ok<WorkflowVersionDto>, NotFoundProblem, BadRequestProblem>> Publish(
        string definitionId, LiaisonDbContext db, WorkflowDefinitionStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var result = await store.PublishAsync(db, definitionId, Actor.Of(user), ct);
        if (result.Record is null)
        {
            return NotFound(definitionId, null);
        }

        if (result.Errors.Count > 0)
        {
            return new BadRequestProblem(
                new($"工作流 {definitionId} 第 {result.Record.Version} 版有 {result.Errors.Count} 处问题，未发布：{result.Errors[0].LocalizedMessage.ZhCn}{(result.Errors.Count > 1 ? "（其余见问题列表）" : "")}",
                    $"version {result.Record.Version} of '{definitionId}' was not published, it has {result.Errors.Count} problem{(result.Errors.Count > 1 ? "s" : "")}: {result.Errors[0].LocalizedMessage.En}{(result.Errors.Count > 1 ? " (the others are in the list of problems)" : "")}"),
                new Dictionary<string, object?> { ["errors"] = result.Errors.Select(ValidationErrorDto.From).ToList() });
        }

        return TypedResults.Ok(WorkflowVersionDto.From(result.Record));
    }

    public static async Task<Results<Ok<List<WorkflowVersionDto>>, NotFoundProblem>> Versions(
        string definitionId, LiaisonDbContext db, CancellationToken ct)
    {
        var rows = await db.Set<WorkflowDefinitionRecord>().AsNoTracking()
            .Where(d => d.DefinitionId == definitionId).OrderByDescending(d => d.Version).ToListAsync(ct);
        var running = await db.Set<WorkflowInstanceRecord>().AsNoTracking()
            .Where(i => i.DefinitionId == definitionId && (i.Status == WorkflowStatus.Running || i.Status == WorkflowStatus.Suspended))
            .GroupBy(i => i.DefinitionVersion).Select(g => new { Version = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Version, g => g.Count, ct);
        return rows.Count == 0
            ? NotFound(definitionId, null)
            : TypedResults.Ok(rows.Select(r => WorkflowVersionDto.From(r) with { RunningInstances = running.GetValueOrDefault(r.Version) }).ToList());
    }

    /// <summary>Checks a definition as publishing would; the answer lists every error (200 either way).</summary>
    public static async Task<Results<Ok<ValidationResultDto>, BadRequestProblem>> Validate(
        HttpRequest request, WorkflowDefinitionStore store, LiaisonDbContext db, CancellationToken ct)
    {
        var (definition, problem) = await ReadDefinitionAsync(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = store.Validate(definition!, await store.PublishedCatalogAsync(db, ct)).Select(ValidationErrorDto.From).ToList();
        return TypedResults.Ok(new ValidationResultDto(errors.Count == 0, errors));
    }

    /// <summary>
    /// Runs a definition in memory and stores nothing (the designer's "try it"): no case, mail or timer is written; the
    /// run routes the request's case or a sample case, and reports its effects. With resumeAll, delays, events and
    /// deadline timers are resumed at once; waits for a person (the liaison's action, the officer's decision) stay
    /// pending, so case-routing ends Suspended at the first person's decision after the escalation ladder ran.
    /// </summary>
    public static async Task<Results<Ok<TestRunResultDto>, BadRequestProblem, ValidationProblem>> TestRunDefinition(
        TestRunRequest body, WorkflowRunner runner, LiaisonDbContext db, IRunContextFactory contexts, WorkflowDefinitionStore store, CancellationToken ct)
    {
        WorkflowDefinition definition;
        try
        {
            definition = body.Definition switch
            {
                null => throw new WorkflowDefinitionException("The request has no definition.", "$.definition") { MessageZh = "请求中没有流程定义（definition）。" },
                JsonValue v when v.TryGetValue<string>(out var text) => WorkflowDefinitionJson.Parse(text),
                var node => WorkflowDefinitionJson.Parse(node),
            };
            runner.Compile(definition);
        }
        catch (WorkflowDefinitionException ex)
        {
            return DefinitionProblem(ex);
        }

        var input = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in body.Input ?? [])
        {
            input[k] = v?.DeepClone();
        }

        var given = new List<WorkflowDefinition>();
        for (var i = 0; i < (body.Definitions?.Count ?? 0); i++)
        {
            try
            {
                given.Add(WorkflowDefinitionJson.Parse(body.Definitions![i]));
            }
            catch (WorkflowDefinitionException ex)
            {
                return DefinitionProblem(new WorkflowDefinitionException(ex.Message, $"$.definitions[{i}]{ex.Path?.TrimStart('$')}", ex.ActivityId, ex) { MessageZh = ex.MessageZh });
            }
        }

        var setup = await contexts.CreateForTestRunAsync(db, body.Case, ct);
        if (setup.Errors is not null)
        {
            return Problems.Invalid(setup.Errors);
        }

        var children = await store.ChildResolverAsync(db, [definition, .. given], given, ct);
        var r = TestRun.Run(runner, definition, input, body.ResumeAll ?? false, setup.Context, resumable: setup.Resumable, resolveChild: children,
            cancellationToken: ct);
        return TypedResults.Ok(new TestRunResultDto(
            r.Status.ToString(),
            r.WriteLines,
            r.Journal.Select(JournalEntryDto.From).ToList(),
            r.Bookmarks.Select(BookmarkDto.From).ToList(),
            r.Incidents.Select(IncidentDto.From).ToList(),
            r.Effects.Select(WorkflowJson.Effect).ToList(),
            WorkflowJson.Variables(r.State),
            setup.Describe(),
            setup.IsSample)
        {
            Output = WorkflowJson.Object(r.Output),
            Children = r.Children.Select(TestRunChildDto.From).ToList(),
        });
    }

    /// <summary>The case a test run routes when the request names none, for the designer to show and edit.</summary>
    public static async Task<Ok<JsonNode>> SampleCase(LiaisonDbContext db, IRunContextFactory contexts, CancellationToken ct)
    {
        var setup = await contexts.CreateForTestRunAsync(db, null, ct);
        return TypedResults.Ok(setup.Describe() ?? new JsonObject());
    }

    /// <summary>
    /// The palette: every activity class, then each published workflow usable as an activity (category "Workflows",
    /// with the inputs and outcomes its definition declares and the version a new node is pinned to).
    /// </summary>
    public static async Task<Ok<IReadOnlyList<ActivityDescriptor>>> Descriptors(ActivityRegistry registry, LiaisonDbContext db, WorkflowDefinitionStore store, CancellationToken ct)
    {
        var catalog = await store.PublishedCatalogAsync(db, ct);
        IReadOnlyList<ActivityDescriptor> all =
        [
            .. registry.Descriptors.Where(d => d.Type != Liaison.Workflows.Activities.Composition.WorkflowDefinitionActivity.TypeName),
            .. catalog.UsableAsActivities.Select(ActivityDescriptor.ForWorkflow),
        ];
        return TypedResults.Ok(all);
    }

    /// <summary>Letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters.</summary>
    public static bool IsValidDefinitionId(string? id) => id is not null && DefinitionIdPattern().IsMatch(id);

    internal static NotFoundProblem NotFound(string definitionId, int? version) => version is { } v
        ? Problems.NotFound($"工作流 {definitionId} 没有第 {v} 版", $"workflow '{definitionId}' has no version {v}")
        : Problems.NotFound($"没有工作流 {definitionId}", $"there is no workflow '{definitionId}'");

    private static BadRequestProblem BadDefinitionId(string id) => Problems.BadRequest(
        "definitionId 只能包含字母、数字、“.”、“_”和“-”，以字母或数字开头，最多 100 个字符",
        $"'{id}' is not a valid definitionId: use letters, digits, '.', '_' or '-', starting with a letter or digit, at most 100 characters");

    private static async Task<(WorkflowDefinition? Definition, BadRequestProblem? Problem)> ReadDefinitionAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(ct);
        WorkflowDefinition definition;
        try
        {
            definition = WorkflowDefinitionJson.Parse(text);
        }
        catch (WorkflowDefinitionException ex)
        {
            return (null, DefinitionProblem(ex));
        }

        // Names, descriptions and input values are shown in the designer, the instances' pages and the mails a run
        // sends: none may reverse the text after it, as no form's field may.
        return DirectionControlAt(WorkflowDefinitionJson.ToJsonNode(definition), "$") is { } path
            ? (null, new BadRequestProblem(
                new($"工作流定义中的 {path} {DirectionControls.Refused.Zh}", $"{path} of the workflow definition {DirectionControls.Refused.En}"),
                new Dictionary<string, object?> { ["path"] = path }))
            : (definition, null);
    }

    /// <summary>The JSON path of the first text in <paramref name="node"/>, a property's name or a string, holding a text-direction control.</summary>
    private static string? DirectionControlAt(JsonNode? node, string path) => node switch
    {
        JsonObject o => o.Select(p => DirectionControls.In(p.Key) ? $"{path}.{p.Key}" : DirectionControlAt(p.Value, $"{path}.{p.Key}")).FirstOrDefault(p => p is not null),
        JsonArray a => a.Select((item, i) => DirectionControlAt(item, $"{path}[{i}]")).FirstOrDefault(p => p is not null),
        JsonValue v when v.TryGetValue<string>(out var text) => DirectionControls.In(text) ? path : null,
        _ => null,
    };

    private static BadRequestProblem DefinitionProblem(WorkflowDefinitionException ex) => new(
        new($"工作流定义无法读取：{ex.MessageZh}", $"The workflow definition cannot be read: {ex.Message}"),
        new Dictionary<string, object?> { ["path"] = ex.Path, ["activityId"] = ex.ActivityId });

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex DefinitionIdPattern();
}
