using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Server.Audit;
using Liaison.Server.Data;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Workflows;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Liaison.Server.Tests.Workflows;

/// <summary>Builds Elsa JSON for tests and drives the durable runtime of a test server.</summary>
internal static class Wf
{
    public static JsonObject Literal(object? value, string typeName = "String") =>
        new() { ["typeName"] = typeName, ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = JsonValue.Create(value) } };

    public static JsonObject Script(string source, string typeName = "String") =>
        new() { ["typeName"] = typeName, ["expression"] = new JsonObject { ["type"] = "JavaScript", ["value"] = source } };

    public static JsonObject Activity(string id, string type, params (string Name, JsonNode Value)[] inputs)
    {
        var o = new JsonObject { ["id"] = id, ["type"] = type };
        foreach (var (name, value) in inputs)
        {
            o[name] = value;
        }

        return o;
    }

    public static JsonObject Start(string id = "start") => Activity(id, "Elsa.Start");

    public static JsonObject End(string id = "end") => Activity(id, "Elsa.End");

    public static JsonObject WriteLine(string id, string text) => Activity(id, "Elsa.WriteLine", ("text", Literal(text)));

    public static JsonObject Event(string id, string name) => Activity(id, "Elsa.Event", ("eventName", Literal(name)));

    public static JsonObject Delay(string id, TimeSpan span) => Activity(id, "Elsa.Delay", ("timeSpan", Literal(span.ToString("c"), "TimeSpan")));

    /// <summary>Connections written "a->b" or "a:Port->b".</summary>
    public static string Json(string definitionId, IEnumerable<JsonObject> activities, params string[] connections)
    {
        var conns = new JsonArray();
        foreach (var c in connections)
        {
            var (from, to) = (c.Split("->")[0], c.Split("->")[1]);
            var (activity, port) = from.Contains(':') ? (from.Split(':')[0], from.Split(':')[1]) : (from, "Done");
            conns.Add(new JsonObject
            {
                ["source"] = new JsonObject { ["activity"] = activity, ["port"] = port },
                ["target"] = new JsonObject { ["activity"] = to, ["port"] = "In" },
            });
        }

        return new JsonObject
        {
            ["definitionId"] = definitionId,
            ["name"] = definitionId,
            ["version"] = 1,
            ["variables"] = new JsonArray(),
            ["root"] = new JsonObject
            {
                ["type"] = "Elsa.Flowchart",
                ["id"] = "flowchart",
                ["activities"] = new JsonArray(activities.Select(a => (JsonNode)a).ToArray()),
                ["connections"] = conns,
            },
        }.ToJsonString();
    }

    /// <summary>Saves the JSON as a draft and publishes it; returns the published version.</summary>
    public static async Task<int> PublishAsync(IServiceProvider services, string json)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<WorkflowDefinitionStore>();
        var draft = await store.SaveDraftAsync(db, WorkflowDefinitionJson.Parse(json), Actor.Server, default);
        var published = await store.PublishAsync(db, draft.DefinitionId, Actor.Server, default);
        Assert.True(published.Errors.Count == 0, string.Join("; ", published.Errors));
        return published.Record!.Version;
    }

    public static async Task<WorkflowInstanceRecord> StartAsync(IServiceProvider services, string definitionId, string? correlationId = null,
        IReadOnlyDictionary<string, object?>? input = null)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        return await scope.ServiceProvider.GetRequiredService<WorkflowHost>()
            .StartAsync(db, definitionId, input ?? new Dictionary<string, object?>(), correlationId, null, default);
    }

    public static async Task<ResumeResult> ResumeAsync(IServiceProvider services, string bookmarkId, object? payload = null)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        return await scope.ServiceProvider.GetRequiredService<WorkflowHost>().ResumeAsync(db, bookmarkId, payload, default);
    }

    public static async Task<ResumeResult> RaiseAsync(IServiceProvider services, Guid instanceId, string eventName)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        return await scope.ServiceProvider.GetRequiredService<WorkflowHost>().ResumeAsync(db, instanceId, "Elsa.Event", eventName, null, default);
    }

    public static async Task<T> DbAsync<T>(IServiceProvider services, Func<LiaisonDbContext, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LiaisonDbContext>());
    }

    public static Task<WorkflowInstanceRecord> InstanceAsync(IServiceProvider services, Guid id) =>
        DbAsync(services, db => db.Set<WorkflowInstanceRecord>().AsNoTracking().SingleAsync(i => i.Id == id));

    public static Task<List<WorkflowBookmarkRecord>> BookmarksAsync(IServiceProvider services, Guid id) =>
        DbAsync(services, db => db.Set<WorkflowBookmarkRecord>().AsNoTracking().Where(b => b.InstanceId == id).ToListAsync());

    public static Task<List<WorkflowJournalRecord>> JournalAsync(IServiceProvider services, Guid id) =>
        DbAsync(services, db => db.Set<WorkflowJournalRecord>().AsNoTracking().Where(j => j.InstanceId == id).OrderBy(j => j.Sequence).ToListAsync());

    public static Task<List<WorkflowIncidentRecord>> IncidentsAsync(IServiceProvider services, Guid id) =>
        DbAsync(services, db => db.Set<WorkflowIncidentRecord>().AsNoTracking().Where(j => j.InstanceId == id).ToListAsync());

    public static async Task<int> SweepAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowTimerJob>().SweepAsync(default);
    }

    /// <summary>Runs one relay of the outbox on this server, as its pump would.</summary>
    public static async Task RelayAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Liaison.Server.Mail.OutboxRelay>().RelayDueAsync();
    }

    public static async Task<bool> FireAsync(IServiceProvider services, string bookmarkId)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowTimerJob>().FireAsync(bookmarkId, default);
    }

    public static string? InputText(WorkflowJournalRecord j, string name) =>
        JsonNode.Parse(j.Inputs)?[name]?.GetValue<string>();

    public static WorkflowInstanceState State(WorkflowInstanceRecord i) => WorkflowInstanceState.FromJson(i.State);
}

/// <summary>
/// A server on an existing database, started the normal way (a restart or another instance), with its own fake
/// clock and no Hangfire server.
/// </summary>
internal sealed class RestartedServer(string connectionString, DateTimeOffset now, Dictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public FakeTimeProvider Clock { get; } = new(now);

    public static RestartedServer Start(string connectionString, DateTimeOffset now, Dictionary<string, string?>? settings = null)
    {
        var server = new RestartedServer(connectionString, now, settings);
        _ = server.Server;
        return server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Liaison", connectionString);
        builder.UseSetting("Liaison:Jobs:RunServer", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (k, v) in settings ?? [])
        {
            builder.UseSetting(k, v);
        }

        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

internal static class JsonExtensions
{
    public static JsonElement Prop(this JsonElement e, string name) => e.GetProperty(name);
}
