using Liaison.Cases.Cases;
using Liaison.Cases.Enterprises;

namespace Liaison.Server.Data;

/// <summary>
/// What one scope (a request) has already read or written, for later steps of the same scope to use instead of
/// asking the database again: a case open read its enterprise's register entry and its officer's account while
/// checking its input, and the dispatch that follows needs them again. Never shared between scopes, so never stale
/// beyond the scope's own transaction; <see cref="LiaisonDbContext.DiscardChanges"/> forgets it with the unsaved changes.
/// </summary>
public sealed class ScopeReads
{
    /// <summary>An account as the request's session check read it.</summary>
    public sealed record Account(string? Email, string DisplayName);

    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<long, RegisteredEnterprise> _enterprises = [];
    private readonly Dictionary<long, List<CaseEvent>> _newTimelines = [];

    public void Know(string userId, Account account) => _accounts[userId] = account;

    public Account? AccountOf(string userId) => _accounts.GetValueOrDefault(userId);

    /// <summary>A register entry read untracked with its contacts (not its squad).</summary>
    public void Know(RegisteredEnterprise entry) => _enterprises[entry.Id] = entry;

    public RegisteredEnterprise? EnterpriseOf(long id) => _enterprises.GetValueOrDefault(id);

    /// <summary>
    /// Keeps the whole timeline of a case opened in this scope, in the order it is appended (the order of its ids):
    /// what the open's answer shows, without reading back the rows it just wrote. Call before its first entry.
    /// </summary>
    internal void BeginTimeline(long caseId) => _newTimelines[caseId] = [];

    /// <summary>Adds <paramref name="e"/> to its case's timeline if that case was opened in this scope.</summary>
    internal void Noted(CaseEvent e) => _newTimelines.GetValueOrDefault(e.CaseId)?.Add(e);

    /// <summary>The timeline of a case opened in this scope (<see cref="BeginTimeline"/>), as appended; null for any other case.</summary>
    internal IReadOnlyList<CaseEvent>? TimelineOf(long caseId) => _newTimelines.GetValueOrDefault(caseId);

    internal void Clear()
    {
        _accounts.Clear();
        _enterprises.Clear();
        _newTimelines.Clear();
    }
}
