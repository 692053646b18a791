using System.Text.Json.Nodes;
using Liaison.Server.Data;
using Liaison.Workflows.Definitions;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Liaison.Server.Workflows;

/// <summary>
/// Imports the shipped <c>workflows/*.json</c> at start: a file whose version is newer than every shipped version stored
/// of its definitionId becomes the latest version, published unless it says <c>"isPublished": false</c>; after an
/// admin's own versions, a draft for them to publish or discard (<see cref="WorkflowDefinitionStore.ImportAsync"/>). A
/// file that does not parse, or that would be published but fails validation, is logged and skipped.
/// </summary>
public sealed class WorkflowImporter(
    LiaisonDbContext db, WorkflowDefinitionStore store, IConfiguration config, ILogger<WorkflowImporter> log)
{
    public const string PathSetting = "Liaison:WorkflowsPath";

    public string Folder => config[PathSetting] is { Length: > 0 } p ? p : Path.Combine(AppContext.BaseDirectory, "workflows");

    /// <summary>Returns the definitionIds and versions imported.</summary>
    public async Task<IReadOnlyList<(string DefinitionId, int Version)>> ImportAsync(CancellationToken ct = default)
    {
        var imported = new List<(string, int)>();
        if (!Directory.Exists(Folder))
        {
            log.LogInformation("No workflow folder at {Folder}; nothing to import", Folder);
            return imported;
        }

        foreach (var file in Directory.EnumerateFiles(Folder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            WorkflowDefinition definition;
            bool publish;
            try
            {
                var node = JsonNode.Parse(await File.ReadAllTextAsync(file, ct), documentOptions: new() { AllowTrailingCommas = true, CommentHandling = System.Text.Json.JsonCommentHandling.Skip });
                definition = WorkflowDefinitionJson.Parse(node);
                publish = PublishFlag(node) ?? true;
            }
            catch (Exception ex) when (ex is WorkflowDefinitionException or System.Text.Json.JsonException or IOException)
            {
                log.LogError("Skipped workflow file {File}: {Reason}", file, ex.Message);
                continue;
            }

            if (!WorkflowDefinitionsApi.IsValidDefinitionId(definition.DefinitionId))
            {
                log.LogError("Skipped workflow file {File}: definitionId '{DefinitionId}' is missing or not allowed", file, definition.DefinitionId);
                continue;
            }

            if (publish && store.Validate(definition) is { Count: > 0 } errors)
            {
                log.LogError("Skipped workflow file {File}: {Errors}", file, string.Join(" | ", errors.Select(e => $"{e.ActivityId}: {e.Message}")));
                continue;
            }

            try
            {
                var result = await store.ImportAsync(db, definition, publish, ct);
                if (result.Row is { } row)
                {
                    imported.Add((row.DefinitionId, row.Version));
                    if (publish && !row.IsPublished)
                    {
                        log.LogWarning(
                            "Imported shipped workflow {DefinitionId} v{Shipped} from {File} as draft v{Version}, unpublished: an admin has changed this workflow; compare and publish or discard it in the designer",
                            row.DefinitionId, definition.Version, file, row.Version);
                    }
                    else
                    {
                        log.LogInformation("Imported workflow {DefinitionId} v{Version} from {File}", row.DefinitionId, row.Version, file);
                    }
                }
                else if (result.HeldBack)
                {
                    log.LogWarning(
                        "Shipped workflow {DefinitionId} v{Shipped} from {File} waits: an admin's draft of it is open; publish or discard the draft, and it is imported at the next start",
                        definition.DefinitionId, definition.Version, file);
                }
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // Another instance starting at the same time imported it.
                log.LogInformation("Workflow {DefinitionId} v{Version} was imported concurrently", definition.DefinitionId, definition.Version);
            }
            finally
            {
                db.DiscardChanges();
            }
        }

        return imported;
    }

    private static bool? PublishFlag(JsonNode? node)
    {
        if (node is not JsonObject o)
        {
            return null;
        }

        foreach (var (key, value) in o)
        {
            if (string.Equals(key, "isPublished", StringComparison.OrdinalIgnoreCase) && value is JsonValue v && v.TryGetValue<bool>(out var b))
            {
                return b;
            }
        }

        return null;
    }
}
