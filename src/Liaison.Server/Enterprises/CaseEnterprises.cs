using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;
using Liaison.Server.Audit;
using Liaison.Server.Cases;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Enterprises;

/// <summary>
/// Which register entry a case being opened is for. A case names its enterprise by <c>enterpriseId</c> or, as API
/// clients always have, by name and credit code: a registered code links the case to that entry, an unregistered one
/// registers a plain (non-key) entry in the same transaction as the case.
/// </summary>
internal static class CaseEnterprises
{
    /// <param name="Id">The register entry, or null when the case's credit code is not registered yet.</param>
    /// <param name="Snapshot">What the case keeps: the register's name and code (a typed name must match a registered one), the contact as typed, else as registered; the key flag and the chief service officer as registered when picked from the register.</param>
    public sealed record Resolved(long? Id, Enterprise Snapshot);

    public static async Task<Resolved?> ReadAsync(
        LiaisonDbContext db, Validation v, long? enterpriseId, CaseService.CaseEnterpriseInput? input, CancellationToken ct)
    {
        var contact = Validation.Optional(input?.Contact);
        var chief = Validation.Optional(input?.ChiefServiceOfficer);
        v.MaxLengthLine("enterprise.contact", contact, 200);
        v.MaxLengthLine("enterprise.chiefServiceOfficer", chief, 100);

        RegisteredEnterprise? entry = null;
        string? creditCode = null;
        if (enterpriseId is { } id)
        {
            entry = await Load(db).FirstOrDefaultAsync(e => e.Id == id, ct);
            if (entry is null)
            {
                v.Add("enterpriseId", $"企业名录中没有编号为 {id} 的企业", $"no enterprise in the register has the id {id}");
                return null;
            }

            creditCode = entry.CreditCode;
            if (Validation.Optional(input?.CreditCode) is { } typed && (!UnifiedSocialCreditCode.TryParse(typed, out var code, out _) || code.Value != entry.CreditCode))
            {
                v.Add("enterprise.creditCode", "与所选登记企业的统一社会信用代码不一致", "does not match the credit code of the registered enterprise chosen");
            }
        }
        else if (input is null)
        {
            v.Add("enterprise", "必填：从企业名录选择（enterpriseId）或填写企业名称和统一社会信用代码",
                "is required: pick an enterprise from the register (enterpriseId) or give its name and credit code");
            return null;
        }
        else if (!UnifiedSocialCreditCode.TryParse(input.CreditCode, out var code, out var error))
        {
            v.Add("enterprise.creditCode", Text.FromBilingual(error));
        }
        else
        {
            creditCode = code.Value;
            entry = await Load(db).FirstOrDefaultAsync(e => e.CreditCode == creditCode, ct);
        }

        if (entry is not null)
        {
            // The dispatch that follows asks whether it is a key enterprise and who its notice contact is (ScopeReads).
            db.Reads.Know(entry);
        }

        // A registered enterprise is named by the register (its code alone will do): a different name typed beside its
        // code is a mistake or an old name, refused rather than kept on the case beside the register's. A new one needs
        // its name.
        string? name;
        if (entry is null)
        {
            name = v.RequiredLine("enterprise.name", input?.Name, 200);
        }
        else
        {
            name = entry.Name;
            if (Validation.Optional(input?.Name) is { } typedName && !Names.Same(typedName, entry.Name))
            {
                v.Add("enterprise.name",
                    $"统一社会信用代码 {entry.CreditCode} 已登记为“{entry.Name}”：请留空或填写登记的名称（企业更名请在企业名录中修改）",
                    $"the credit code {entry.CreditCode} is registered as \"{entry.Name}\": leave the name blank or give the registered name (a renamed enterprise is changed in the register)");
            }
        }

        var notice = entry?.Contacts.FirstOrDefault(c => c.ForNotices);
        var chiefName = entry?.ChiefServiceOfficerId is { } chiefId
            ? await db.Users.Where(u => u.Id == chiefId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct)
            : null;
        return new Resolved(entry?.Id, new Enterprise
        {
            Name = name,
            CreditCode = creditCode ?? "",
            Contact = contact ?? (notice is null ? null : $"{notice.Name} {notice.Phone}".Trim()),
            // Picked from the register (enterpriseId): the register says whether it is a key enterprise and who its chief
            // service officer is. Named by a typed code, the request's words count as they always did (the entry may be
            // a plain one registered by an earlier case, knowing less than the officer typing).
            IsKey = enterpriseId is not null ? entry!.IsKey : input?.IsKey == true || entry?.IsKey == true,
            ChiefServiceOfficer = enterpriseId is not null ? chiefName : chief ?? chiefName,
        });
    }

    /// <summary>
    /// Registers a plain entry for a credit code typed on a new case, or finds the one a concurrent open just registered.
    /// The contact typed on the case comes with it when it reads as one (<see cref="TypedContact"/>: a name and a phone
    /// or an email); one with an email is the entry's notice contact, so the enterprise hears of its case and is asked
    /// to rate it, as a registered one is. Runs inside the case's transaction, so a case that is not opened registers
    /// nothing; an entry it registers is in the change log (新增企业) under the officer opening the case, committed with it.
    /// </summary>
    public static async Task<long> RegisterAsync(LiaisonDbContext db, Enterprise snapshot, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var utc = clock.GetUtcNow().ToUniversalTime();
        var other = IndustryChain.Other.ToString();
        var contact = TypedContact.Parse(snapshot.Contact);
        // One statement: the entry, its contact, and the new entry's id (none when the code was registered meanwhile).
        var inserted = await db.Database.SqlQuery<long>($"""
            WITH e AS (
                INSERT INTO enterprises (name, credit_code, industry_chain, is_key, visit_every_days, is_sample, created_at, updated_at)
                VALUES ({snapshot.Name}, {snapshot.CreditCode}, {other}, false, {RegisteredEnterprise.DefaultVisitEveryDays}, false, {utc}, {utc})
                ON CONFLICT (credit_code) DO NOTHING
                RETURNING id),
            c AS (
                INSERT INTO enterprise_contacts (enterprise_id, name, phone, email, for_notices, position)
                SELECT id, {contact?.Name}::text, {contact?.Phone}::text, {contact?.Email}::text, {contact?.Email is not null}, 0 FROM e WHERE {contact is not null}
                RETURNING 1)
            SELECT id AS "Value" FROM e
            """).ToListAsync(ct);
        if (inserted is [var id])
        {
            var changes = new AuditChanges { RecordEmpty = true }
                .Field("name", null, snapshot.Name)
                .Field("creditCode", null, snapshot.CreditCode)
                .Field("industryChain", null, IndustryChain.Other)
                .Field("isKey", null, false)
                .Field("visitEveryDays", null, RegisteredEnterprise.DefaultVisitEveryDays)
                .Changed("contacts", contact is not null);
            AuditLog.Add(db, clock, actor, AuditActions.EnterpriseCreated, snapshot.CreditCode, changes);
            return id;
        }

        return await db.Set<RegisteredEnterprise>().Where(e => e.CreditCode == snapshot.CreditCode).Select(e => e.Id).SingleAsync(ct);
    }

    private static IQueryable<RegisteredEnterprise> Load(LiaisonDbContext db) =>
        db.Set<RegisteredEnterprise>().AsNoTracking().Include(e => e.Contacts);

}
