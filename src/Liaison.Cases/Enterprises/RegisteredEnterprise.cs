namespace Liaison.Cases.Enterprises;

/// <summary>
/// An enterprise in the zone's register (企业名录). Cases refer to it; each case also keeps the name and credit code it
/// was opened with (<see cref="Cases.Enterprise"/>), so renaming an entry does not rewrite history.
/// </summary>
public sealed class RegisteredEnterprise
{
    public long Id { get; set; }

    public required string Name { get; set; }

    /// <summary>统一社会信用代码, validated (<see cref="UnifiedSocialCreditCode"/>) and unique in the register.</summary>
    public required string CreditCode { get; set; }

    public IndustryChain IndustryChain { get; set; } = IndustryChain.Other;

    public string? Address { get; set; }

    /// <summary>One of the zone's key enterprises (重点企业), served by a chief service officer and a squad.</summary>
    public bool IsKey { get; set; }

    /// <summary>The officer account of its chief service officer (首席服务员), if any.</summary>
    public string? ChiefServiceOfficerId { get; set; }

    /// <summary>A key enterprise should be visited (走访) at least this often.</summary>
    public int VisitEveryDays { get; set; } = DefaultVisitEveryDays;

    /// <summary>True for the shipped sample rows until someone edits them, like the sample departments.</summary>
    public bool IsSample { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token.</summary>
    public uint RowVersion { get; set; }

    /// <summary>
    /// Counts the changes of the notice contact (to another address, or to none). The enterprise's links carry the count
    /// they were mailed under and stop working once it moves on: a former contact keeps no view of the cases.
    /// </summary>
    public int NoticeContactVersion { get; set; }

    public List<EnterpriseContact> Contacts { get; set; } = [];

    /// <summary>The officers of its service squad (服务专班).</summary>
    public List<ServiceSquadMember> ServiceSquad { get; set; } = [];

    public const int DefaultVisitEveryDays = 30;

    /// <summary>The contact case notices go to: the one marked, else none.</summary>
    public EnterpriseContact? NoticeContact => Contacts.FirstOrDefault(c => c.ForNotices);
}

/// <summary>A person at the enterprise. Phones and emails are shown to signed-in officers and admins only.</summary>
public sealed class EnterpriseContact
{
    public long Id { get; set; }

    public long EnterpriseId { get; set; }

    public required string Name { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }

    /// <summary>Case notices and the enterprise's personal links go to this contact; at most one per enterprise.</summary>
    public bool ForNotices { get; set; }

    /// <summary>Keeps the order the contacts were entered in.</summary>
    public int Position { get; set; }
}

/// <summary>An officer in an enterprise's service squad (服务专班).</summary>
public sealed class ServiceSquadMember
{
    public long EnterpriseId { get; set; }

    public required string OfficerId { get; set; }
}
