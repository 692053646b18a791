using System.Collections.Frozen;
using Liaison.Cases.Notifications;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Templates;

/// <summary>
/// The admins' template edits for the singleton <see cref="CaseMailRenderer"/>, answered from an in-memory snapshot of
/// <c>mail_templates</c>. The snapshot is loaded at first use, reloaded at the next use after an admin change on this
/// instance (<see cref="Invalidate"/>), and otherwise at most once every <see cref="RefreshInterval"/>, so an edit made on
/// another instance is picked up within a minute. Rendering a mail never waits for the database except on those loads.
/// </summary>
public sealed class MailTemplateOverrides(IServiceScopeFactory scopes, TimeProvider clock, ILogger<MailTemplateOverrides> log) : ITemplateOverrides
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private volatile Snapshot? _snapshot;

    // Bumped by every admin change; a load that overlapped one may have read the old rows, so it is not trusted for long.
    private long _generation;

    public string? Find(string kind, string culture, MailPart part) =>
        Current().Sources.TryGetValue(Key(kind, culture, part), out var source) ? source : null;

    /// <summary>Call after changing <c>mail_templates</c>: the next mail reads the table again.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        if (_snapshot is { } s)
        {
            _snapshot = s with { LoadedAt = DateTimeOffset.MinValue };
        }
    }

    private Snapshot Current()
    {
        var snapshot = _snapshot;
        if (snapshot is not null && IsFresh(snapshot))
        {
            return snapshot;
        }

        lock (_gate)
        {
            snapshot = _snapshot;
            if (snapshot is not null && IsFresh(snapshot))
            {
                return snapshot;
            }

            var generation = Interlocked.Read(ref _generation);
            try
            {
                var sources = Load();
                var loadedAt = Interlocked.Read(ref _generation) == generation ? clock.GetUtcNow() : DateTimeOffset.MinValue;
                _snapshot = snapshot = new Snapshot(sources, loadedAt);
            }
            catch (Exception ex)
            {
                // A mail must still go out: keep what we had (or the shipped templates) and try again in a minute.
                log.LogWarning(ex, "Could not load the admins' mail templates; using the {What} until the next try",
                    snapshot is null ? "shipped templates" : "previously loaded templates");
                _snapshot = snapshot = new Snapshot(snapshot?.Sources ?? FrozenDictionary<string, string>.Empty, clock.GetUtcNow());
            }

            return snapshot;
        }
    }

    private bool IsFresh(Snapshot s)
    {
        var age = clock.GetUtcNow() - s.LoadedAt;
        return age >= TimeSpan.Zero && age < RefreshInterval;
    }

    private FrozenDictionary<string, string> Load()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        // Synchronous on purpose: ITemplateOverrides.Find is, and this runs at most once a minute.
        return db.Set<MailTemplateRecord>().AsNoTracking()
            .Select(r => new { r.Kind, r.Culture, r.Part, r.Source })
            .ToList()
            .ToFrozenDictionary(r => $"{r.Kind}/{r.Culture}/{r.Part}", r => r.Source, StringComparer.Ordinal);
    }

    private static string Key(string kind, string culture, MailPart part) => $"{kind}/{culture}/{MailTemplateKeys.PartName(part)}";

    private sealed record Snapshot(FrozenDictionary<string, string> Sources, DateTimeOffset LoadedAt);
}
