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
    /// The whole timeline of each case opened in this scope, in the order it was appended (the order of its ids): what
    /// the open's answer shows, without reading back the rows it just wrote. Only cases marked new
    /// (<see cref="Liaison.Server.Cases.CaseTimeline.Begin"/>) are kept.
    /// </summary>
    internal Dictionary<long, List<CaseEvent>> NewTimelines => _newTimelines;

    internal void Clear()
    {
        _accounts.Clear();
        _enterprises.Clear();
        _newTimelines.Clear();
    }
}
