using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Liaison.Server.Audit;
using Liaison.Server.Data;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;
using Liaison.Workflows.Validation;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Workflows;

/// <summary>
/// Definition versions in the database: drafts, publishing, history, import. Also hands the runner one parsed
/// object per stored version, so the runner's compiled-plan cache is hit.
/// </summary>
public sealed class WorkflowDefinitionStore(ActivityRegistry registry, TimeProvider clock, IEnumerable<IWorkflowRequirement> requirements)
{
    /// <summary>
    /// How long this process trusts its answer to "which version of X is published" without asking the database.
    /// A publish in this process takes effect at once (it invalidates); one in another process sharing the database
    /// is seen by new instances here within this time.
    /// </summary>
    public static readonly TimeSpan PublishedVersionTtl = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<(string DefinitionId, int Version), (string Json, WorkflowDefinition Definition)> _parsed = new();

    // Versions that were ever published (PublishedAt set) are never overwritten or deleted, so their parsed
    // definition is cached for good. Drafts are not: SaveDraftAsync overwrites them in place.
    private readonly ConcurrentDictionary<(string DefinitionId, int Version), WorkflowDefinition> _versions = new();

    // definitionId → its published version as last read, valid while Generation matches and until ExpiresAt.
    private readonly ConcurrentDictionary<string, PublishedEntry> _published = new(StringComparer.Ordinal);

    // Bumped by every publish in this process (when it runs and again when its transaction ends), so an answer read
    // before or during a publish is never served after it.
    private long _generation;

    // DbContexts that wrote definitions through this store: what they read may be their own uncommitted rows
    // (a rollback would leave the cache pointing at a version that does not exist), so they bypass the caches.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<LiaisonDbContext, object> _writers = new();

    private sealed record PublishedEntry(int Version, WorkflowDefinition Definition, long Generation, DateTimeOffset ExpiresAt);

    /// <summary>
    /// The parsed definition of the published version of <paramref name="definitionId"/> (null: none), for starting
    /// an instance. Cached for <see cref="PublishedVersionTtl"/>; a publish in this process invalidates it.
    /// </summary>
    public async Task<WorkflowDefinition?> FindPublishedRunnableAsync(LiaisonDbContext db, string definitionId, CancellationToken ct)
    {
        var cacheable = !_writers.TryGetValue(db, out _);
        var generation = Interlocked.Read(ref _generation);
        var now = clock.GetUtcNow();
        if (cacheable && _published.TryGetValue(definitionId, out var hit) && hit.Generation == generation && now < hit.ExpiresAt)
        {
            return hit.Definition;
        }

        var row = await FindPublishedAsync(db, definitionId, ct);
        if (row is null)
        {
            return null;
        }

        var definition = cacheable ? CachePublished(row) : ToRunnable(row);
        if (cacheable)
        {
            // Stamped with the generation read before the query: a publish that ran meanwhile makes it a miss.
            _published[definitionId] = new PublishedEntry(row.Version, definition, generation, now + PublishedVersionTtl);
        }

        return definition;
    }

    /// <summary>The parsed definition of one stored version (null: none), for resuming an instance pinned to it.</summary>
    public async Task<WorkflowDefinition?> FindRunnableAsync(LiaisonDbContext db, string definitionId, int version, CancellationToken ct)
    {
        var cacheable = !_writers.TryGetValue(db, out _);
        if (cacheable && _versions.TryGetValue((definitionId, version), out var hit))
        {
            return hit;
        }

        var row = await FindAsync(db, definitionId, version, ct);
        return row is null ? null : cacheable ? CachePublished(row) : ToRunnable(row);
    }

    /// <summary>The parsed definition of the version with Elsa id <paramref name="versionId"/> (a child pinned at its parent's publish).</summary>
    public async Task<WorkflowDefinition?> FindRunnableByVersionIdAsync(LiaisonDbContext db, string definitionId, string versionId, CancellationToken ct)
    {
        var version = await db.Set<WorkflowDefinitionRecord>().AsNoTracking()
            .Where(d => d.DefinitionId == definitionId && d.VersionId == versionId)
            .Select(d => (int?)d.Version)
            .FirstOrDefaultAsync(ct);
        return version is { } v ? await FindRunnableAsync(db, definitionId, v, ct) : null;
    }

    /// <summary>
    /// Every published definition, for checking a workflow's children before it is published (which exist, what
    /// they declare, whether one uses its parent). Small: one row per definition.
    /// </summary>
    public async Task<WorkflowCatalog> PublishedCatalogAsync(LiaisonDbContext db, CancellationToken ct)
    {
        var rows = await db.Set<WorkflowDefinitionRecord>().AsNoTracking().Where(d => d.IsPublished).ToListAsync(ct);
        return new WorkflowCatalog(rows.Select(ToRunnable));
    }

    /// <summary>
    /// How a test run finds children, which stores nothing: the definitions the request carries first (latest version
    /// of each id), then the stored version a workflow activity is pinned to, then the published version.
    /// </summary>
    public async Task<Func<ChildWorkflowRequest, WorkflowDefinition?>> ChildResolverAsync(
        LiaisonDbContext db, IEnumerable<WorkflowDefinition> roots, IReadOnlyList<WorkflowDefinition> given, CancellationToken ct)
    {
        var catalog = await PublishedCatalogAsync(db, ct);
        var byId = given.GroupBy(d => d.DefinitionId).ToDictionary(g => g.Key, g => g.MaxBy(d => d.Version)!, StringComparer.Ordinal);
        var pinned = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);
        var seen = new HashSet<WorkflowDefinition>(ReferenceEqualityComparer.Instance);
        var queue = new Queue<WorkflowDefinition>(roots);
        while (queue.TryDequeue(out var definition))
        {
            if (!seen.Add(definition))
            {
                continue;
            }

            foreach (var (node, id, asActivity) in WorkflowCatalog.ChildReferences(definition))
            {
                var versionId = asActivity ? Liaison.Workflows.Activities.Composition.WorkflowDefinitionActivity.VersionIdOf(node) : null;
                if (versionId is not null && !byId.ContainsKey(id) && !pinned.ContainsKey(versionId)
                    && await FindRunnableByVersionIdAsync(db, id, versionId, ct) is { } stored)
                {
                    pinned[versionId] = stored;
                }

                var child = byId.GetValueOrDefault(id) ?? (versionId is not null ? pinned.GetValueOrDefault(versionId) : null) ?? catalog.Find(id);
                if (child is not null)
                {
                    queue.Enqueue(child);
                }
            }
        }

        return r => byId.GetValueOrDefault(r.DefinitionId)
                    ?? (r.DefinitionVersionId is { } v ? pinned.GetValueOrDefault(v) : null)
                    ?? catalog.Find(r.DefinitionId);
    }

    /// <summary>Parses a row read from committed data, keeping it for good when it was ever published.</summary>
    private WorkflowDefinition CachePublished(WorkflowDefinitionRecord row)
    {
        if (row.PublishedAt is null)
        {
            return ToRunnable(row);
        }

        return _versions.GetOrAdd((row.DefinitionId, row.Version), static (_, s) => s.Store.ToRunnable(s.Row), (Store: this, Row: row));
    }

    /// <summary>
    /// Marks <paramref name="db"/> as a writer of definitions and invalidates the published-version cache now and
    /// again when the transaction ends (through <see cref="WorkflowTimerScheduler"/>'s transaction hook; when a
    /// DbContext has none, <see cref="PublishedVersionTtl"/> bounds the staleness).
    /// </summary>
    private void Writing(LiaisonDbContext db, bool publishes)
    {
        _writers.TryAdd(db, this);
        if (publishes)
        {
            Interlocked.Increment(ref _generation);
            WorkflowTimerScheduler.For(db)?.OnTransactionEnd(() => Interlocked.Increment(ref _generation));
        }
    }

    public Task<WorkflowDefinitionRecord?> FindPublishedAsync(LiaisonDbContext db, string definitionId, CancellationToken ct) =>
        db.Set<WorkflowDefinitionRecord>().AsNoTracking().FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.IsPublished, ct);

    public Task<WorkflowDefinitionRecord?> FindLatestAsync(LiaisonDbContext db, string definitionId, CancellationToken ct) =>
        db.Set<WorkflowDefinitionRecord>().AsNoTracking().FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.IsLatest, ct);

    public Task<WorkflowDefinitionRecord?> FindAsync(LiaisonDbContext db, string definitionId, int version, CancellationToken ct) =>
        db.Set<WorkflowDefinitionRecord>().AsNoTracking().FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.Version == version, ct);

    /// <summary>The parsed definition of a stored version (cached; treat as read-only).</summary>
    public WorkflowDefinition ToRunnable(WorkflowDefinitionRecord record)
    {
        var key = (record.DefinitionId, record.Version);
        if (_parsed.TryGetValue(key, out var hit) && hit.Json == record.Json)
        {
            return hit.Definition;
        }

        var definition = Materialize(record);
        _parsed[key] = (record.Json, definition);
        return definition;
    }

    /// <summary>The Elsa JSON of a stored version, with id, version and flags taken from the row.</summary>
    public JsonObject ToJson(WorkflowDefinitionRecord record) => WorkflowDefinitionJson.ToJsonNode(Materialize(record));

    public IReadOnlyList<ValidationError> Validate(WorkflowDefinition definition, WorkflowCatalog? catalog = null)
    {
        var errors = WorkflowValidator.Validate(definition, registry, catalog);
        return [.. errors, .. requirements.SelectMany(r => r.Check(definition))];
    }

    /// <summary>
    /// Saves <paramref name="definition"/> as the draft of its definition: overwrites the latest version when it was
    /// never published (and is an admin's, not a shipped version waiting), else adds the next version. Drafts are not
    /// validated (the designer saves work in progress).
    /// </summary>
    public Task<WorkflowDefinitionRecord> SaveDraftAsync(LiaisonDbContext db, WorkflowDefinition definition, Actor actor, CancellationToken ct) =>
        Transactions.RunAsync(db, async () =>
        {
            Writing(db, publishes: false);
            var now = clock.GetUtcNow();
            var latest = await LockLatestAsync(db, definition.DefinitionId, ct);
            // A shipped version waiting as a draft stays as shipped: an admin's edit of it is a version of their own.
            if (latest is { IsDraft: true, ShippedVersion: null })
            {
                Stamp(definition, latest.VersionId, latest.Version, isLatest: true, isPublished: false);
                var json = WorkflowDefinitionJson.Serialize(definition);
                var changes = new AuditChanges().Workflow(Materialize(latest), definition);
                latest.Name = NameOf(definition);
                latest.Json = json;
                latest.UpdatedAt = now;
                AuditLog.Add(db, clock, actor, AuditActions.WorkflowDraftSaved, $"{definition.DefinitionId} v{latest.Version}", changes);
                await db.SaveChangesAsync(ct);
                return latest;
            }

            var version = await MaxVersionAsync(db, definition.DefinitionId, ct) + 1;
            AuditLog.Add(db, clock, actor, AuditActions.WorkflowDraftSaved, $"{definition.DefinitionId} v{version}",
                new AuditChanges { RecordEmpty = true }.Field("version", latest?.Version, version).Workflow(latest is null ? null : Materialize(latest), definition));
            return await AddVersionAsync(db, definition, version, NewVersionId(now), publish: false, ct);
        }, ct);

    /// <summary>
    /// Discards the draft (the latest version, never published): the version before it is the latest again, so the
    /// designer opens what is published. A workflow never published goes with its only version. A shipped version
    /// waiting as a draft is kept in the history, no longer the latest. Refused while an instance runs the draft (a
    /// parent's workflow activity may run a child's latest version).
    /// </summary>
    public Task<DiscardResult> DiscardDraftAsync(LiaisonDbContext db, string definitionId, Actor actor, CancellationToken ct) =>
        Transactions.RunAsync(db, async () =>
        {
            var latest = await LockLatestAsync(db, definitionId, ct);
            if (latest is null)
            {
                return DiscardResult.NotFound;
            }

            if (!latest.IsDraft)
            {
                return DiscardResult.NoDraft;
            }

            if (await db.Set<WorkflowInstanceRecord>().AnyAsync(i => i.DefinitionId == definitionId && i.DefinitionVersion == latest.Version, ct))
            {
                return DiscardResult.InUse;
            }

            Writing(db, publishes: false);
            // The version before it that was published: not a draft discarded or declined before this one.
            var previous = await db.Set<WorkflowDefinitionRecord>()
                .Where(d => d.DefinitionId == definitionId && d.Version < latest.Version && d.PublishedAt != null)
                .OrderByDescending(d => d.Version).FirstOrDefaultAsync(ct);
            AuditLog.Add(db, clock, actor, AuditActions.WorkflowDraftDiscarded, $"{definitionId} v{latest.Version}",
                new AuditChanges { RecordEmpty = true }.Field("version", latest.Version, previous?.Version));
            // The draft's row first: one latest row per definition (unique index). A shipped version waiting as a draft
            // stays in the history, declined, so the next start does not bring it back; an admin's stays too, marked
            // discarded, so its number is not given again, unless it was the workflow's only version.
            if (latest.ShippedVersion is null && previous is null)
            {
                db.Remove(latest);
            }
            else
            {
                latest.IsLatest = false;
                latest.DiscardedAt = latest.ShippedVersion is null ? clock.GetUtcNow() : null;
            }

            await db.SaveChangesAsync(ct);
            if (previous is not null)
            {
                previous.IsLatest = true;
                await db.SaveChangesAsync(ct);
            }

            return DiscardResult.Discarded;
        }, ct);

    /// <summary>Validates and publishes the latest version; the previously published one stays for its pinned instances.</summary>
    public Task<PublishResult> PublishAsync(LiaisonDbContext db, string definitionId, Actor actor, CancellationToken ct) =>
        AfterPublishingAsync(Transactions.RunAsync(db, async () =>
        {
            var latest = await LockLatestAsync(db, definitionId, ct);
            if (latest is null)
            {
                return new PublishResult(null, []);
            }

            if (latest.IsPublished)
            {
                return new PublishResult(latest, []);
            }

            var definition = Materialize(latest);
            var catalog = await PublishedCatalogAsync(db, ct);
            var errors = Validate(definition, catalog);
            if (errors.Count > 0)
            {
                return new PublishResult(latest, errors);
            }

            Writing(db, publishes: true);
            // Workflows placed as activities run the version published now, unless the node asks for the latest.
            if (catalog.PinChildren(definition))
            {
                latest.Json = WorkflowDefinitionJson.Serialize(definition);
            }

            // What this publish changes for new cases: the difference from the version in force.
            var previous = await db.Set<WorkflowDefinitionRecord>().AsNoTracking().Where(d => d.DefinitionId == definitionId && d.IsPublished)
                .SingleOrDefaultAsync(ct);
            AuditLog.Add(db, clock, actor, AuditActions.WorkflowPublished, definitionId,
                new AuditChanges { RecordEmpty = true }.Field("version", previous?.Version, latest.Version).Workflow(previous is null ? null : Materialize(previous), definition));
            await UnpublishAsync(db, definitionId, ct);
            latest.IsPublished = true;
            latest.PublishedAt = clock.GetUtcNow();
            latest.UpdatedAt = latest.PublishedAt.Value;
            await db.SaveChangesAsync(ct);
            return new PublishResult(latest, []);
        }, ct));

    /// <summary>
    /// Adds a shipped file's definition once: when its version is newer than every shipped version stored of its
    /// definitionId (<see cref="WorkflowDefinitionRecord.ShippedVersion"/>). While the version in force is a shipped
    /// one, it becomes the latest version and is published as the file says. When the version in force is an admin's,
    /// it does not replace their work: it is added after their versions as a draft, for an admin to compare and publish
    /// or discard; while an admin's draft is open it waits for the next start (<see cref="ImportResult.HeldBack"/>).
    /// </summary>
    public Task<ImportResult> ImportAsync(LiaisonDbContext db, WorkflowDefinition definition, bool publish, CancellationToken ct) =>
        AfterPublishingAsync(Transactions.RunAsync(db, async () =>
        {
            Writing(db, publish);
            var latest = await LockLatestAsync(db, definition.DefinitionId, ct);
            var versions = db.Set<WorkflowDefinitionRecord>().Where(d => d.DefinitionId == definition.DefinitionId);
            var lastShipped = await versions.MaxAsync(d => d.ShippedVersion, ct);
            var stored = await MaxVersionAsync(db, definition.DefinitionId, ct);
            if (lastShipped is { } shipped ? shipped >= definition.Version : stored >= definition.Version)
            {
                return ImportResult.Nothing;
            }

            // An admin's draft is open: their work in progress is the latest version until they publish or discard it.
            if (latest is { IsDraft: true, ShippedVersion: null })
            {
                return ImportResult.WaitsForDraft;
            }

            // The version in force, and whether it is an admin's.
            var inForce = await versions.AsNoTracking().Where(d => d.IsPublished).SingleOrDefaultAsync(ct);
            var afterAdmins = inForce is { ShippedVersion: null };

            // The file's number unless it is taken (an admin's version, or a shipped one numbered after theirs).
            var version = afterAdmins ? stored + 1 : Math.Max(definition.Version, stored + 1);
            publish &= !afterAdmins;
            AuditLog.Add(db, clock, Actor.Server, AuditActions.WorkflowImported, definition.DefinitionId,
                new AuditChanges { RecordEmpty = true }.Field("version", stored == 0 ? null : stored, version).Field("published", null, publish)
                    .Field("shippedVersion", null, definition.Version)
                    .Workflow(inForce is null ? null : Materialize(inForce), definition));

            if (publish)
            {
                // As at a publish: workflow activities run the child version published now (a child imported later is
                // found by the published-version fallback).
                (await PublishedCatalogAsync(db, ct)).PinChildren(definition);
            }

            // The file's version id names the file's number: another number gets an id of its own.
            var versionId = version == definition.Version && !string.IsNullOrWhiteSpace(definition.Id) ? definition.Id : NewVersionId(clock.GetUtcNow());

            var row = await AddVersionAsync(db, definition, version, versionId, publish, ct, shippedVersion: definition.Version);
            return new ImportResult(row, false);
        }, ct));

    /// <summary>When the store ran its own transaction it has committed by now: invalidate again (covers a DbContext without the hook).</summary>
    private async Task<T> AfterPublishingAsync<T>(Task<T> work)
    {
        try
        {
            return await work;
        }
        finally
        {
            Interlocked.Increment(ref _generation);
        }
    }

    private async Task<WorkflowDefinitionRecord> AddVersionAsync(
        LiaisonDbContext db, WorkflowDefinition definition, int version, string versionId, bool publish, CancellationToken ct, int? shippedVersion = null)
    {
        var now = clock.GetUtcNow();
        // Release the partial unique indexes before the new row takes them.
        await db.Set<WorkflowDefinitionRecord>()
            .Where(d => d.DefinitionId == definition.DefinitionId && d.IsLatest)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.IsLatest, false), ct);
        if (publish)
        {
            await UnpublishAsync(db, definition.DefinitionId, ct);
        }

        Stamp(definition, versionId, version, isLatest: true, isPublished: publish);
        var row = new WorkflowDefinitionRecord
        {
            DefinitionId = definition.DefinitionId,
            Version = version,
            VersionId = versionId,
            Name = NameOf(definition),
            Json = WorkflowDefinitionJson.Serialize(definition),
            IsLatest = true,
            IsPublished = publish,
            CreatedAt = now,
            UpdatedAt = now,
            PublishedAt = publish ? now : null,
            ShippedVersion = shippedVersion,
        };
        db.Set<WorkflowDefinitionRecord>().Add(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    private static Task UnpublishAsync(LiaisonDbContext db, string definitionId, CancellationToken ct) =>
        db.Set<WorkflowDefinitionRecord>()
            .Where(d => d.DefinitionId == definitionId && d.IsPublished)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.IsPublished, false), ct);

    /// <summary>Locks the latest version so concurrent saves and publishes of one definition take turns.</summary>
    private static async Task<WorkflowDefinitionRecord?> LockLatestAsync(LiaisonDbContext db, string definitionId, CancellationToken ct)
    {
        // The definition's lock first: the latest row's lock alone does not serialize these. A save waiting on that row
        // while another adds the next version finds, once it is let go, that the row is no longer the latest, and would
        // read "no latest version" (a second draft beside the first, or "no such workflow" for one that exists).
        await AdvisoryLocks.TakeAsync(db, AdvisoryLocks.WorkflowDefinition, definitionId, ct);
        var wasTracked = db.ChangeTracker.Entries<WorkflowDefinitionRecord>().Any(e => e.Entity.DefinitionId == definitionId);
        var row = await db.Set<WorkflowDefinitionRecord>()
            .FromSql($"SELECT * FROM workflow_definitions WHERE definition_id = {definitionId} AND is_latest FOR UPDATE")
            .SingleOrDefaultAsync(ct); // one latest row per definition (unique index); First would warn of a missing ORDER BY
        if (row is not null && wasTracked)
        {
            // A tracked entity is not refreshed by a query; read the locked row's current values.
            await db.Entry(row).ReloadAsync(ct);
        }

        return row;
    }

    private static async Task<int> MaxVersionAsync(LiaisonDbContext db, string definitionId, CancellationToken ct) =>
        await db.Set<WorkflowDefinitionRecord>().Where(d => d.DefinitionId == definitionId).MaxAsync(d => (int?)d.Version, ct) ?? 0;

    private static WorkflowDefinition Materialize(WorkflowDefinitionRecord record)
    {
        var definition = WorkflowDefinitionJson.Parse(record.Json);
        Stamp(definition, record.VersionId, record.Version, record.IsLatest, record.IsPublished);
        definition.DefinitionId = record.DefinitionId;
        return definition;
    }

    private static void Stamp(WorkflowDefinition d, string versionId, int version, bool isLatest, bool isPublished)
    {
        d.Id = versionId;
        d.Version = version;
        d.IsLatest = isLatest;
        d.IsPublished = isPublished;
    }

    private static string NameOf(WorkflowDefinition d) =>
        string.IsNullOrWhiteSpace(d.Name) ? d.DefinitionId : d.Name.Length > 200 ? d.Name[..200] : d.Name;

    private static string NewVersionId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString("N");
}

/// <summary><see cref="Record"/> null: no such definition. <see cref="Errors"/> non-empty: not published.</summary>
public sealed record PublishResult(WorkflowDefinitionRecord? Record, IReadOnlyList<ValidationError> Errors);

/// <summary>What <see cref="WorkflowDefinitionStore.ImportAsync"/> did: the row it added, or none (already stored, or held back).</summary>
/// <param name="HeldBack">Not added because an admin's draft of the workflow is open, after their own versions: tried again at the next start.</param>
public sealed record ImportResult(WorkflowDefinitionRecord? Row, bool HeldBack)
{
    public static readonly ImportResult Nothing = new(null, false);

    public static readonly ImportResult WaitsForDraft = new(null, true);
}

/// <summary>What <see cref="WorkflowDefinitionStore.DiscardDraftAsync"/> did.</summary>
public enum DiscardResult
{
    Discarded,
    NotFound,

    /// <summary>The latest version is published: there is no draft.</summary>
    NoDraft,

    /// <summary>An instance runs the draft.</summary>
    InUse,
}

internal static class Transactions
{
    /// <summary>Runs <paramref name="work"/> in the caller's open transaction, or in one of its own that it commits.</summary>
    public static async Task<T> RunAsync<T>(LiaisonDbContext db, Func<Task<T>> work, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return await work();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await work();
        await tx.CommitAsync(ct);
        return result;
    }
}
