using System.Globalization;
using System.Security.Claims;
using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Cases;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Pages;
using Liaison.Server.Visits;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Enterprises;

/// <summary>
/// The register's server-rendered pages, for officers and admins: the list with its search and CSV import, the entry
/// form, and the officer's enterprise page with every case of the enterprise. They ask <see cref="EnterpriseService"/>,
/// as the API does.
/// </summary>
public static class EnterprisePages
{
    public static IEndpointRouteBuilder MapEnterprisePages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("enterprises").RequireAuthorization(Policies.Officer).ExcludeFromDescription();
        pages.MapGet("/", List);
        pages.MapPost("/import", Import);
        pages.MapGet("/new", NewForm);
        pages.MapPost("/new", Create);
        pages.MapGet("/{id:long}", Show);
        pages.MapGet("/{id:long}/edit", EditForm);
        pages.MapPost("/{id:long}/edit", Update);
        return app;
    }

    /// <summary>The register's page, which says what an import did once after it (<see cref="Flash"/>).</summary>
    private const string ListPath = "/enterprises";

    public static string EnterpriseUrl(long id) => "/enterprises/" + id.ToString(CultureInfo.InvariantCulture);

    private static async Task<IResult> List(
        EnterpriseService enterprises, string? q, string? key, string? chain, string? page, string? visitDue, string? chief,
        HttpContext http, ClaimsPrincipal user, UserManager<LiaisonUser> users, CancellationToken ct)
    {
        var errors = new List<Text>();
        if (!FormValues.TryYesNo(key, out var keyOnly))
        {
            errors.Add(new Text("重点企业筛选只能是“是”或“否”（true/false）", "the key-enterprise filter must be yes or no (true/false)"));
        }

        if (!FormValues.TryYesNo(visitDue, out var due))
        {
            errors.Add(new Text("待走访筛选只能是“是”或“否”（true/false）", "the visit-due filter must be yes or no (true/false)"));
        }

        // chief=me: the enterprises the signed-in officer is chief service officer of (the workbench's visits figure links here).
        var mine = string.Equals(chief?.Trim(), "me", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(chief) && !mine)
        {
            errors.Add(new Text("首席服务员筛选只能是 me（我）", "chief must be me"));
        }

        var filter = new EnterpriseListFilter(q?.Trim(), keyOnly == true, chain?.Trim())
        {
            VisitDue = due == true,
            ChiefIsMe = mine,
            Me = mine ? users.GetUserId(user) : null,
        };
        return await ListPageAsync(enterprises, filter, page, Flash.Take<ImportSummary>(http), null, ct, errors: errors);
    }

    /// <param name="errors">What is wrong with the filters already, as read from the address.</param>
    private static async Task<IResult> ListPageAsync(
        EnterpriseService enterprises, EnterpriseListFilter filter, string? page, ImportSummary? imported, ServiceError? importError, CancellationToken ct,
        int? status = null, List<Text>? errors = null)
    {
        errors ??= [];
        IndustryChain? chain = null;
        if (!string.IsNullOrEmpty(filter.Chain))
        {
            if (IndustryChains.TryParse(filter.Chain, out var c))
            {
                chain = c;
            }
            else
            {
                errors.Add(new Text($"产业链只能是：{IndustryChains.Allowed.Zh}", $"The industry chain must be one of: {IndustryChains.Allowed.En}"));
            }
        }

        var pageNumber = 1;
        if (!string.IsNullOrWhiteSpace(page) && !(int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out pageNumber) && pageNumber is >= 1 and <= 100_000))
        {
            errors.Add(new Text($"页码无效：{page}", $"Page must be a whole number from 1, not '{page}'"));
        }

        if (filter.Q is { Length: > 200 })
        {
            errors.Add(new Text("搜索内容不能超过 200 个字符", "The search text must be at most 200 characters"));
        }

        var list = errors.Count == 0
            ? await enterprises.ListAsync(new EnterpriseFilter(filter.Q, filter.KeyOnly ? true : null, chain, Page: pageNumber, PageSize: EnterpriseListFilter.PageSize,
                VisitDue: filter.VisitDue ? true : null, ChiefServiceOfficerId: filter.ChiefIsMe ? filter.Me ?? "" : null), ct)
            : null;
        status ??= importError is not null ? PageResults.StatusOf(importError) : errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
        return PageResults.Page<EnterpriseListPage>(new EnterpriseListModel(filter, list, errors, imported, importError), status.Value);
    }

    /// <summary>The upload form on the list page: the same import as the API, all or nothing.</summary>
    private static async Task<IResult> Import(IFormFile? file, HttpContext http, EnterpriseService enterprises, ClaimsPrincipal user, CancellationToken ct)
    {
        var filter = new EnterpriseListFilter(null, false, null);
        if (file is null || file.Length == 0)
        {
            var missing = new Validation();
            missing.Add(EnterpriseService.FileKey, "请选择要导入的 CSV 文件", "choose a CSV file to import");
            return await ListPageAsync(enterprises, filter, null, null, new ServiceError.Invalid(missing), ct);
        }

        await using var stream = file.OpenReadStream();
        var bytes = await EnterprisesApi.ReadUploadAsync(stream, ct);
        if (bytes is null)
        {
            var tooLarge = new Validation();
            tooLarge.Add(EnterpriseService.FileKey, EnterpriseService.TooLarge);
            return await ListPageAsync(enterprises, filter, null, null, new ServiceError.Invalid(tooLarge), ct, StatusCodes.Status413PayloadTooLarge);
        }

        var result = await enterprises.ImportCsvAsync(bytes, Actor.Of(user), ct);
        return result.Value is { } s
            ? Flash.Redirect(http, ListPath, s)
            : await ListPageAsync(enterprises, filter, null, null, result.Error, ct);
    }

    private static async Task<IResult> Show(long id, HttpContext http, EnterpriseService enterprises, VisitService visits, LiaisonDbContext db, CancellationToken ct)
    {
        if (await enterprises.GetAsync(id, ct) is not { Value: { } enterprise })
        {
            return NotFound(id);
        }

        Text? flash = Flash.Take<EnterpriseSavedNotice>(http)?.What switch
        {
            Created => new Text("企业已登记", "The enterprise was registered"),
            Saved => new Text("已保存", "Saved"),
            _ => null,
        };
        var cases = await enterprises.ListCasesAsync(id, ct);
        var codes = cases.Shown.Select(c => c.Department).Distinct().ToList();
        var departments = await db.Departments.AsNoTracking().Where(d => codes.Contains(d.Code)).ToDictionaryAsync(d => d.Code, d => d.Name, ct);
        return PageResults.Page<EnterpriseViewPage>(new EnterpriseViewModel(await enterprises.DescribeAsync(enterprise, ct), cases, departments, flash)
        {
            Visits = (await visits.ListAsync(id, ct)).Value,
        });
    }

    private static async Task<IResult> NewForm(EnterpriseService enterprises, CancellationToken ct) =>
        await FormPageAsync(enterprises, null, EnterpriseForm.Empty, null, StatusCodes.Status200OK, ct);

    private static async Task<IResult> Create(IFormCollection form, string? addContact, HttpContext http, EnterpriseService enterprises, ClaimsPrincipal user, CancellationToken ct)
    {
        var unreadable = new Validation();
        var typed = EnterpriseForm.From(form, unreadable);
        if (addContact is not null)
        {
            // "Add a contact" (its button's formaction): the same form again, as typed, with one more empty row; nothing is saved.
            return await FormPageAsync(enterprises, null, typed with { ExtraRows = typed.ExtraRows + 1 }, Refused(unreadable), StatusOf(unreadable), ct);
        }

        var input = typed.Read(unreadable);
        var result = unreadable.IsValid ? await enterprises.CreateAsync(input, Actor.Of(user), ct) : await enterprises.RefuseAsync<RegisteredEnterprise>(input, unreadable, ct);
        return result.Value is { } created
            ? Flash.Redirect(http, EnterpriseUrl(created.Id), new EnterpriseSavedNotice(Created))
            : await FormPageAsync(enterprises, null, typed, result.Error, PageResults.StatusOf(result.Error!), ct);
    }

    private static async Task<IResult> EditForm(long id, EnterpriseService enterprises, CancellationToken ct) =>
        await enterprises.GetAsync(id, ct) is { Value: { } enterprise }
            ? await FormPageAsync(enterprises, enterprise, EnterpriseForm.From(await enterprises.DescribeAsync(enterprise, ct)), null, StatusCodes.Status200OK, ct)
            : NotFound(id);

    private static async Task<IResult> Update(
        long id, IFormCollection form, string? addContact, HttpContext http, EnterpriseService enterprises, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await enterprises.GetAsync(id, ct) is not { Value: { } current })
        {
            return NotFound(id);
        }

        var unreadable = new Validation();
        var typed = EnterpriseForm.From(form, unreadable);
        if (addContact is not null)
        {
            return await FormPageAsync(enterprises, current, typed with { ExtraRows = typed.ExtraRows + 1 }, Refused(unreadable), StatusOf(unreadable), ct);
        }

        var input = typed.Read(unreadable);
        var result = unreadable.IsValid ? await enterprises.UpdateAsync(id, input, Actor.Of(user), ct) : await enterprises.RefuseAsync<RegisteredEnterprise>(input, unreadable, ct);
        if (result.Value is not null)
        {
            return Flash.Redirect(http, EnterpriseUrl(id), new EnterpriseSavedNotice(Saved));
        }

        // Someone saved the entry after this form was opened: nothing was saved. The form comes back with what was
        // typed and the entry's version as it is now, so that saving it again, once the officer has compared it with
        // the entry's page, is a deliberate choice that overwrites the other save (and not a 409 for ever).
        return result.Error is ServiceError.Conflict { Message: var message } && message == EnterpriseService.Stale
            && await enterprises.GetAsync(id, ct) is { Value: { } now }
            ? await FormPageAsync(enterprises, now, typed with { Basis = EnterpriseService.BasisOf(now) }, new ServiceError.Conflict(StaleOnForm),
                StatusCodes.Status409Conflict, ct)
            : await FormPageAsync(enterprises, current, typed, result.Error, PageResults.StatusOf(result.Error!), ct);
    }

    /// <summary>The stale save's refusal on the form, which keeps what was typed and can be saved again on purpose.</summary>
    private static readonly Text StaleOnForm = new(
        "企业信息在您打开后已被他人修改，您的修改未保存。下方仍是您填写的内容：请先在企业页面查看他人的修改；再次保存将以您填写的内容为准。",
        "The entry was changed by someone else after you opened it; your changes were not saved. The form below still holds what you typed: look at the entry's page for the other changes first; saving again keeps what you typed.");

    /// <param name="entry">The entry being edited, as saved (its name heads the page while the form holds what was typed); null for a new one.</param>
    private static async Task<IResult> FormPageAsync(
        EnterpriseService enterprises, RegisteredEnterprise? entry, EnterpriseForm form, ServiceError? error, int status, CancellationToken ct)
    {
        var id = entry?.Id;
        var errors = error is ServiceError.Invalid invalid ? invalid.Fields.Errors : new Dictionary<string, List<Text>>();
        // A credit code registered to another entry (409): its message goes next to the field, as a bad field's would.
        if (error is ServiceError.Conflict conflict && UnifiedSocialCreditCode.TryParse(form.CreditCode, out var code, out _)
            && await enterprises.FindByCreditCodeAsync(code.Value, ct) is { } holder && holder.Id != id)
        {
            errors = new Dictionary<string, List<Text>> { ["creditCode"] = [conflict.Message] };
        }

        return PageResults.Page<EnterpriseEditPage>(
            new EnterpriseEditModel(id, entry?.Name, form, entry?.IsSample ?? false, await enterprises.ListOfficersAsync(ct), error, errors), status);
    }

    private static ServiceError? Refused(Validation unreadable) => unreadable.IsValid ? null : new ServiceError.Invalid(unreadable);

    private static int StatusOf(Validation unreadable) => unreadable.IsValid ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;

    private static IResult NotFound(long id) => PageResults.Message(
        new MessageModel(MessageModel.NotFoundTitle, EnterpriseService.NotFound(id).Message, "/enterprises", new Text("返回企业名录", "Back to the register")),
        StatusCodes.Status404NotFound);

    private const string Created = "created";
    private const string Saved = "saved";
}

/// <summary>The enterprise page's banner after its entry was registered or saved (<see cref="Flash"/>).</summary>
public sealed record EnterpriseSavedNotice(string What);

/// <summary>The register's filters as the officer set them.</summary>
public sealed record EnterpriseListFilter(string? Q, bool KeyOnly, string? Chain)
{
    public const int PageSize = 50;

    /// <summary>Only the key enterprises due a visit (走访) today.</summary>
    public bool VisitDue { get; init; }

    /// <summary>Only the enterprises the signed-in officer is chief service officer of (<c>chief=me</c>).</summary>
    public bool ChiefIsMe { get; init; }

    /// <summary>The signed-in officer's account id, when <see cref="ChiefIsMe"/>; not part of the address.</summary>
    public string? Me { get; init; }

    public string PageUrl(int page)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(Q)) query.Add("q=" + Uri.EscapeDataString(Q));
        if (KeyOnly) query.Add("key=true");
        if (!string.IsNullOrEmpty(Chain)) query.Add("chain=" + Uri.EscapeDataString(Chain));
        if (VisitDue) query.Add("visitDue=true");
        if (ChiefIsMe) query.Add("chief=me");
        query.Add("page=" + page.ToString(CultureInfo.InvariantCulture));
        return "/enterprises?" + string.Join('&', query);
    }
}

public sealed record EnterpriseListModel(
    EnterpriseListFilter Filter, EnterprisePage? List, IReadOnlyList<Text> Errors, ImportSummary? Imported, ServiceError? ImportError);

/// <summary>The officer's enterprise page: the entry, its cases (open first) and the department names they need.</summary>
public sealed record EnterpriseViewModel(
    EnterpriseDto Enterprise, EnterpriseCases Cases, IReadOnlyDictionary<string, string> DepartmentNames, Text? Flash)
{
    /// <summary>Its visits (走访) and where it stands against its cadence.</summary>
    public EnterpriseVisitsDto? Visits { get; init; }
}

/// <summary>A contact row of the form, as typed.</summary>
public sealed record ContactRow(string Name, string Phone, string Email);

/// <summary>What the officer typed into the entry form, kept when it is shown again with errors; blank contact rows are dropped.</summary>
public sealed record EnterpriseForm(
    string Name, string CreditCode, string IndustryChain, string Address, bool IsKey, string ChiefServiceOfficer,
    IReadOnlyList<string> ServiceSquad, string VisitEveryDays, IReadOnlyList<ContactRow> Contacts, int? NoticeContact)
{
    /// <summary>Empty contact rows shown after the typed ones.</summary>
    public int ExtraRows { get; init; } = 1;

    /// <summary>The entry's version when the form was opened (<see cref="EnterpriseDto.Basis"/>); empty for a new one.</summary>
    public string Basis { get; init; } = "";

    public static readonly EnterpriseForm Empty = new(
        "", "", IndustryChains.JsonName(Liaison.Cases.Enterprises.IndustryChain.Other), "", false, "", [],
        RegisteredEnterprise.DefaultVisitEveryDays.ToString(CultureInfo.InvariantCulture), [], null) { ExtraRows = 2 };

    public static EnterpriseForm From(EnterpriseDto e) => new(
        e.Name, e.CreditCode, IndustryChains.JsonName(e.IndustryChain), e.Address ?? "", e.IsKey, e.ChiefServiceOfficer?.Email ?? "",
        e.ServiceSquad.Select(o => o.Email).ToList(), e.VisitEveryDays.ToString(CultureInfo.InvariantCulture),
        e.Contacts.Select(c => new ContactRow(c.Name, c.Phone ?? "", c.Email ?? "")).ToList(),
        e.Contacts.Select((c, i) => (c, i)).Where(x => x.c.ForNotices).Select(x => (int?)x.i).FirstOrDefault()) { Basis = e.Basis };

    /// <summary>The form as sent; what it could not have sent (a row past its rows, a checkbox saying "maybe") goes to <paramref name="unreadable"/>.</summary>
    public static EnterpriseForm From(IFormCollection f, Validation unreadable)
    {
        var contacts = new List<ContactRow>();
        int? notice = null;
        var chosen = -1;
        if (f["noticeContact"].ToString() is { Length: > 0 } choice
            && !(int.TryParse(choice, NumberStyles.None, CultureInfo.InvariantCulture, out chosen) && chosen < EnterpriseService.MaxContacts))
        {
            unreadable.Add("contacts", $"接收通知的联系人无效：{choice}", $"the contact chosen for notices is not one of the form's rows: '{choice}'");
            chosen = -1; // said once: not also as a blank row
        }

        // Rows are numbered as rendered; blank ones are dropped, so the notice choice follows its row.
        foreach (var i in FormValues.Rows(f, "contacts", EnterpriseService.MaxContacts, unreadable))
        {
            var row = new ContactRow(f[Field(i, "name")].ToString().Trim(), f[Field(i, "phone")].ToString().Trim(), f[Field(i, "email")].ToString().Trim());
            if (row is { Name: "", Phone: "", Email: "" })
            {
                continue;
            }

            if (i == chosen)
            {
                notice = contacts.Count;
            }

            contacts.Add(row);
        }

        return new EnterpriseForm(
            f["name"].ToString(), f["creditCode"].ToString().Trim(), f["industryChain"].ToString(), f["address"].ToString(),
            FormValues.Checkbox(f, "isKey", unreadable), f["chiefServiceOfficer"].ToString().Trim(),
            f["serviceSquad"].Select(s => s?.Trim() ?? "").Where(s => s.Length > 0).Distinct().ToList(),
            f["visitEveryDays"].ToString().Trim(), contacts, notice) { Basis = f["basis"].ToString(), NoticeOnBlankRow = chosen >= 0 && notice is null };
    }

    /// <summary>The form's field name of a contact's part, which is also the service's error key.</summary>
    public static string Field(int row, string part) => $"contacts[{row}].{part}";

    /// <summary>
    /// The notice choice named a blank row (or one the form did not have): dropped with the row, it would save with no
    /// notice contact, or another, unsaid. Refused on saving only: "add a contact" shows the form again as it was.
    /// </summary>
    public bool NoticeOnBlankRow { get; init; }

    /// <summary>The input for the service; what cannot be read (a cadence that is not a number) goes to <paramref name="v"/>.</summary>
    public EnterpriseInput Read(Validation v)
    {
        if (NoticeOnBlankRow)
        {
            v.Add("contacts", "接收事项通知的联系人必须有邮箱：所选的一行是空的", "the contact for case notices needs an email: the row chosen is blank");
        }

        int? every = null;
        if (VisitEveryDays.Length > 0)
        {
            if (int.TryParse(VisitEveryDays, NumberStyles.Integer, CultureInfo.InvariantCulture, out var days))
            {
                every = days;
            }
            else
            {
                v.Add("visitEveryDays", "应为整数（天）", "must be a whole number of days");
            }
        }

        var input = new EnterpriseInput(
            Name, CreditCode, IndustryChain, Address, IsKey, ChiefServiceOfficer, ServiceSquad.Select(s => (string?)s).ToList(), every,
            Contacts.Select((c, i) => (ContactInput?)new ContactInput(c.Name, c.Phone, c.Email, NoticeContact is null ? null : NoticeContact == i)).ToList(),
            Basis);
        return input;
    }
}

/// <param name="SavedName">The entry's name as saved: the page's heading and breadcrumb keep it while the form is refused.</param>
public sealed record EnterpriseEditModel(
    long? Id, string? SavedName, EnterpriseForm Form, bool Sample, IReadOnlyList<OfficerRef> Officers, ServiceError? Error, IReadOnlyDictionary<string, List<Text>> Errors)
{
    public bool IsNew => Id is null;

    public string Action => Id is { } id ? EnterprisePages.EnterpriseUrl(id) + "/edit" : "/enterprises/new";
}
