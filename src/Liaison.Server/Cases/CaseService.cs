using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;
using Liaison.Cases.Notifications;
using Liaison.Cases.Routing;
using Liaison.Cases.Routing.Activities;
using Liaison.Cases.Sla;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Categories;
using Liaison.Server.Data;
using Liaison.Server.Enterprises;
using Liaison.Server.EnterpriseView;
using Liaison.Server.Hosting;
using Liaison.Server.Common;
using Liaison.Server.Links;
using Liaison.Server.Workflows;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Liaison.Server.Cases;

/// <summary>
/// Opens cases and carries out every person's action on them. Each operation is one transaction that locks the case
/// row, checks the action against the current state, records it, resumes the case's workflow and commits the case,
/// its timeline, its mail and its timers together.
/// </summary>
public sealed partial class CaseService(
    LiaisonDbContext db,
    WorkflowHost workflows,
    CaseRoutingFactory routing,
    CaseMailer mailer,
    EnterpriseView.EnterpriseNotices enterpriseNotices,
    CaseNumbers numbers,
    CalendarService calendars,
    CategoryService categories,
    ActorNames actors,
    DeadlineRecalculation recalculation,
    IOptions<LiaisonOptions> options,
    TimeProvider clock,
    ILogger<CaseService> log)
{
    public const string RoutingDefinitionId = "case-routing";

    /// <param name="RequestId">
    /// Optional idempotency key: opening again with the same id and the same content returns the case opened the first
    /// time; the id with other content (another title, department, …) or used for another request is refused (409).
    /// </param>
    /// <param name="CoDepartments">Joint case (联办): co-handling departments, each with an optional task note; absent or empty: one department, as always.</param>
    /// <param name="EnterpriseId">The enterprise's register entry; instead of, or besides, <paramref name="Enterprise"/>.</param>
    public sealed record OpenCase(
        string? Title, string? Description, string? Category, string? Priority, string? DepartmentCode, CaseEnterpriseInput? Enterprise,
        [property: System.ComponentModel.Description(
            "Optional idempotency key. Sent again with the same content, the answer is the case the first request opened; "
            + "with other content, or already used for another request, it is refused with 409.")]
        Guid? RequestId = null, IReadOnlyList<CoDepartmentInput?>? CoDepartments = null, long? EnterpriseId = null);

    public sealed record CoDepartmentInput(string? DepartmentCode, string? Task);

    public sealed record CaseEnterpriseInput(string? Name, string? CreditCode, string? Contact, bool? IsKey, string? ChiefServiceOfficer);

    /// <summary>
    /// What a case is opened from (a visit's problem), with work that commits or rolls back with the open:
    /// <see cref="Claim"/> runs first in the open's transaction (locks the origin; an error refuses the open, nothing
    /// is written), <see cref="Link"/> once the case has its id, its row and its opening entry (the actor's email, now).
    /// </summary>
    public sealed record OpenOrigin(
        Func<CancellationToken, Task<ServiceError?>> Claim, Func<Case, string, DateTimeOffset, CancellationToken, Task> Link);

    /// <summary>The result of an action: the case afterwards, or why nothing changed.</summary>
    /// <param name="Repeated">The same request (its request id) was carried out before: nothing changed this time.</param>
    public sealed record ActionResult(Case? Case, ServiceError? Error, bool Repeated = false)
    {
        /// <summary>A reassignment that sent a returned case back to the department that returned it (坚持原派).</summary>
        public bool Insisted { get; init; }

        /// <summary>Refused because the case's workflow version has no path for the action (not because it faulted).</summary>
        public bool NoPath { get; init; }
    }

    /// <summary>Opens a case and dispatches it through the routing workflow; the case, or what is wrong with the input.</summary>
    /// <remarks>
    /// Everything it reads and writes is one transaction: one commit per open (the reads inside it cost no commits of
    /// their own), and an invalid request rolls back having changed nothing.
    /// </remarks>
    /// <param name="alongside">
    /// Work that must commit with the open or not at all (e.g. the officer's decision that a follow-up case be opened),
    /// run after the workflow dispatched the case; an error it returns rolls the whole open back.
    /// </param>
    public async Task<ServiceResult<Case>> OpenAsync(string officerId, OpenCase input, CancellationToken ct,
        Func<Case, CancellationToken, Task<ServiceError?>>? alongside = null, OpenOrigin? origin = null)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var fingerprint = input.RequestId is null ? null : Fingerprint(input);
        if (await EarlierOpenAsync(input.RequestId, fingerprint, ct) is { } earlier)
        {
            return earlier;
        }

        if (origin is not null && await origin.Claim(ct) is { } claimRefused)
        {
            return claimRefused;
        }

        var v = new Validation();
        var title = v.RequiredLine("title", input.Title, 200);
        var description = v.Required("description", input.Description, 4000);
        var category = input.Category?.Trim() ?? "";
        if (await categories.FindAsync(category, ct) is null)
        {
            v.Add("category", await categories.UnknownAsync(category, ct));
        }

        var priority = PriorityOf(input.Priority, v);

        var departmentCode = v.RequiredLine("departmentCode", input.DepartmentCode, 32);
        var enterprise = await CaseEnterprises.ReadAsync(db, v, input.EnterpriseId, input.Enterprise, ct);
        // The departments it names, read under their dispatch locks: an admin's save of one waits for this open to commit.
        await routing.ReadDepartmentsForDispatchAsync(db,
            [departmentCode, .. (input.CoDepartments ?? []).Select(p => p?.DepartmentCode?.Trim()).OfType<string>()], ct);

        // From the one read of all departments the routing makes anyway; the answer takes the name from it (DescribeOpenedAsync).
        if (departmentCode.Length > 0 && await routing.ActiveDepartmentAsync(db, departmentCode, ct) is null)
        {
            v.Add("departmentCode", $"没有代码为 {departmentCode} 的在用部门", $"no active department has the code '{departmentCode}'");
        }

        var coDepartments = await CoDepartmentsAsync(v, departmentCode, input.CoDepartments, ct);
        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var now = clock.GetUtcNow();
        // Read by the request's session check already, when it came with one (ScopeReads).
        var officer = db.Reads.AccountOf(officerId) ?? await db.Users.AsNoTracking().Where(u => u.Id == officerId)
            .Select(u => new ScopeReads.Account(u.Email, u.DisplayName)).FirstOrDefaultAsync(ct);
        var actor = officer?.Email ?? officerId;
        var enterpriseId = enterprise!.Id ?? await CaseEnterprises.RegisterAsync(db, enterprise.Snapshot, new Actor(officerId, actor), clock, ct);
        var (number, id) = await NextNumberAsync(now, ct);
        var c = new Case
        {
            Id = id,
            Number = number,
            EnterpriseId = enterpriseId,
            Title = title,
            Description = description,
            Category = category,
            Priority = priority,
            Enterprise = enterprise!.Snapshot,
            Status = CaseStatus.Dispatched,
            DepartmentCode = departmentCode,
            HandlerName = "",
            HandlerEmail = "",
            OfficerId = officerId,
            CreatedAt = now,
            UpdatedAt = now,
            // Chosen now, so the case is saved with it instead of updated after the run.
            WorkflowInstanceId = Guid.CreateVersion7(now),
        };
        // Its id is known (NextNumberAsync), so it is inserted with the workflow's rows, carrying what the first run set.
        db.Cases.Add(c);
        var parts = coDepartments.Select(p => new CasePart { CaseId = c.Id, DepartmentCode = p.Code, Task = p.Task }).ToList();
        if (parts.Count > 0)
        {
            // Saved before the workflow starts (with the case): each co-handler's child workflow is correlated with its part's id.
            db.Set<CasePart>().AddRange(parts);
            await db.SaveChangesAsync(ct);
        }

        // A case new in this transaction: its run need not read its parts or fired deadlines (it has none but these).
        routing.Opened(db, c.Id, parts);
        mailer.KnowOfficer(officerId, officer?.DisplayName, officer?.Email);
        CaseTimeline.Begin(db, c);
        CaseTimeline.Add(db, c, now, CaseEventKinds.Opened, actor, data: parts.Count == 0 ? null
            : new { coDepartments = parts.Select(p => new { departmentCode = p.DepartmentCode, task = p.Task }) });
        if (origin is not null)
        {
            // The origin's row refers to the case's (a foreign key): the case is written first. Its workflow's first run
            // then updates it, which the other opens avoid by inserting it after that run.
            await db.SaveChangesAsync(ct);
            await origin.Link(c, actor, now, ct);
        }

        var context = await routing.CreateAsync(db, c, ct, parts);
        context.Set(CaseEffectHandler.ActorKey, actor);
        var instance = await workflows.StartAsync(db, RoutingDefinitionId, new Dictionary<string, object?>(), CaseRoutingFactory.CorrelationPrefix + c.Id, context, ct,
            c.WorkflowInstanceId);
        if (instance.Status == WorkflowStatus.Faulted)
        {
            // The published routing workflow fails (an admin's change): nothing is kept, so the fault is said here, to the
            // log for the admins and to the officer, naming the version and what failed.
            await tx.RollbackAsync(ct);
            var fault = FaultOf(instance);
            log.LogError("The routing workflow {DefinitionId} v{Version} faulted dispatching a new case; nothing was opened: {Fault}",
                instance.DefinitionId, instance.DefinitionVersion, fault);
            return new ServiceError.Conflict(new Text(
                $"流程 {instance.DefinitionId} 第 {instance.DefinitionVersion} 版无法派单，事项未建立，请联系管理员（{fault}）",
                $"the routing workflow {instance.DefinitionId} v{instance.DefinitionVersion} could not dispatch the case, so nothing was opened; ask an admin ({fault})"));
        }

        if (alongside is not null && await alongside(c, ct) is { } refused)
        {
            await tx.RollbackAsync(ct);
            db.DiscardChanges();
            return refused;
        }

        if (input.RequestId is { } requestId)
        {
            db.Set<CaseActionRequest>().Add(new CaseActionRequest { RequestId = requestId, CaseId = c.Id, Action = "open", At = now, Fingerprint = fingerprint });
        }

        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (RequestIdTaken(ex))
        {
            // The same form was submitted twice at once: the other submission opened the case (or, a caller's id reused,
            // did something else).
            await tx.RollbackAsync(ct);
            db.DiscardChanges();
            return await EarlierOpenAsync(input.RequestId, fingerprint, ct) ?? RequestIdReused;
        }

        return c;
    }

    /// <summary>The next progress report due from <paramref name="from"/>, for a long-running category; null for the others.</summary>
    private async Task<DateTimeOffset?> NextProgressReportAsync(Case c, DateTimeOffset from, CancellationToken ct) =>
        (await categories.FindAsync(c.Category, ct))?.Sla is { ProgressReportEveryWorkingDays: not null } sla
            ? SlaDeadlines.NextProgressReport(await calendars.GetAsync(ct), from, sla)?.Due
            : null;

    /// <summary>
    /// Checks a joint case's co-handling departments (联办): active, not the lead, each once, at most
    /// <see cref="CasePart.MaxPerCase"/>, task notes not too long. Fields are named <c>coDepartments[i].departmentCode</c>.
    /// </summary>
    private async Task<List<(string Code, string? Task)>> CoDepartmentsAsync(
        Validation v, string lead, IReadOnlyList<CoDepartmentInput?>? input, CancellationToken ct)
    {
        var result = new List<(string Code, string? Task)>();
        if (input is null || input.Count == 0)
        {
            return result;
        }

        if (input.Count > CasePart.MaxPerCase)
        {
            v.Add("coDepartments", $"协办部门最多 {CasePart.MaxPerCase} 个", $"at most {CasePart.MaxPerCase} co-handling departments");
            return result;
        }

        for (var i = 0; i < input.Count; i++)
        {
            var field = $"coDepartments[{i}]";
            var code = v.RequiredLine(field + ".departmentCode", input[i]?.DepartmentCode, 32);
            var task = input[i]?.Task?.Trim();
            v.MaxLength(field + ".task", task, CasePart.MaxTaskLength);
            if (code.Length == 0)
            {
                continue;
            }

            if (code == lead)
            {
                var name = await DepartmentNameAsync(code, ct);
                v.Add(field + ".departmentCode", $"{name}已是主办部门，不能同时协办", $"{name} is the lead department; it cannot also co-handle");
            }
            else if (result.Any(r => r.Code == code))
            {
                var name = await DepartmentNameAsync(code, ct);
                v.Add(field + ".departmentCode", $"协办部门{name}重复列出", $"{name} is listed twice");
            }
            else
            {
                result.Add((code, string.IsNullOrEmpty(task) ? null : task));
            }
        }

        var codes = result.Select(r => r.Code).ToList();
        var active = await db.Departments.AsNoTracking().Where(d => codes.Contains(d.Code) && d.Active).Select(d => d.Code).ToListAsync(ct);
        for (var i = 0; i < input.Count; i++)
        {
            var code = input[i]?.DepartmentCode?.Trim();
            if (code is { Length: > 0 } && codes.Contains(code) && !active.Contains(code))
            {
                v.Add($"coDepartments[{i}].departmentCode", $"没有代码为 {code} 的在用部门", $"no active department has the code '{code}'");
            }
        }

        return result;
    }

    /// <summary>
    /// What an earlier request with <paramref name="requestId"/> did, in one round trip: null when there was none; the
    /// case it opened (the same form sent twice); a 409 when it was another request (a caller's id reused: for something
    /// else, or to open another case than <paramref name="fingerprint"/> says).
    /// </summary>
    private async Task<ServiceResult<Case>?> EarlierOpenAsync(Guid? requestId, byte[]? fingerprint, CancellationToken ct)
    {
        if (requestId is not { } id
            || await db.Set<CaseActionRequest>().Where(r => r.RequestId == id).Select(r => new { r.Action, r.CaseId, r.Fingerprint }).FirstOrDefaultAsync(ct) is not { } earlier)
        {
            return null;
        }

        return earlier.Action == "open" && RequestFingerprint.Same(earlier.Fingerprint, fingerprint)
            && await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == earlier.CaseId, ct) is { } opened
            ? opened
            : RequestIdReused;
    }

    /// <summary>What an open asks for, normalized as its checks read it (<see cref="RequestFingerprint"/>).</summary>
    private static byte[] Fingerprint(OpenCase input) => RequestFingerprint.Of(
        "open", input.Title, input.Description, input.Category,
        string.IsNullOrWhiteSpace(input.Priority) ? "normal" : input.Priority.Trim().ToLowerInvariant(), input.DepartmentCode, input.EnterpriseId,
        input.Enterprise is { } e ? new object?[] { e.Name, e.CreditCode?.Trim().ToUpperInvariant(), e.Contact, e.IsKey, e.ChiefServiceOfficer } : null,
        input.CoDepartments is { Count: > 0 } co ? co.Select(p => (object?)new object?[] { p?.DepartmentCode, p?.Task }).ToArray() : null);

    /// <summary>
    /// What a liaison's action asks for (<see cref="RequestFingerprint"/>), through which link (so another link, the
    /// leader's, sending the handler's request id again is not told it succeeded), on the case or on its part.
    /// </summary>
    private static byte[] Fingerprint(LinkActionInput input, LiaisonLink link) =>
        RequestFingerprint.Of(link.Id, link.PartId, input.Note, input.ReasonCode, input.Days, input.Attachments, input.OverrideReason);

    /// <summary>An action of a handler or leader through a personal link.</summary>
    public async Task<ActionResult> ActThroughLinkAsync(
        string token, string action, Guid requestId, LinkActionInput input, CancellationToken ct)
    {
        var hash = LinkTokens.Hash(token);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The link's case locked first, then the link read under that lock: a new liaison named meanwhile (LiaisonChange
        // locks the case too) has ended it by then.
        var c = (await db.Cases.FromSql($"""
            SELECT *, xmin FROM cases WHERE id = (SELECT case_id FROM liaison_links WHERE token_hash = {hash}) FOR UPDATE
            """).ToListAsync(ct)).SingleOrDefault();
        var link = c is null ? null : await db.Set<LiaisonLink>().FirstOrDefaultAsync(l => l.TokenHash == hash, ct);
        if (c is null || link is null)
        {
            return Fail(LinkEnded);
        }

        // Before the link's state: the same request sent again (a double tap waiting on the case's lock, a retry after a
        // lost answer) is answered as its first sending was, also when that sending ended the link (a workflow version
        // that closes the case on the handler's resolve) or someone has ended it since.
        var fingerprint = Fingerprint(input, link);
        if (await EarlierAsync(requestId, c, action, fingerprint, null, ct) is { } earlier)
        {
            return earlier;
        }

        if (link.EndedAt is not null)
        {
            return Fail(LinkEnded);
        }

        if (link.PartId is { } partId)
        {
            return await ActOnPartAsync(tx, link, c, partId, action, requestId, input, fingerprint, ct);
        }

        if (!link.WorksOn(c))
        {
            return Fail(new ServiceError.Gone(new("此链接已失效", "This link no longer works")));
        }

        var allowedForRole = (link.Role == LinkRole.Leader ? CaseActions.LeaderActions : CaseActions.HandlerActions).Contains(action);
        if (!allowedForRole)
        {
            return Fail(new ServiceError.Forbidden(new("此链接不能执行该操作", "This link cannot do that")));
        }

        if (CaseActions.WhyNot(c, action) is { } why)
        {
            return Fail(new ServiceError.NotAllowed(why));
        }

        var now = clock.GetUtcNow();
        var actor = link.RecipientEmail;
        var note = input.Note?.Trim();
        if (action == CaseActions.RemindHandler && ReminderNoteTooLong(note) is { } tooLong)
        {
            return tooLong;
        }

        if (action == CaseActions.RemindHandler && await TooSoonAsync(c, null, CaseEventKinds.LeaderReminder, now, ct) is { } tooSoon)
        {
            return Fail(tooSoon);
        }

        RecordRequest(requestId, c, action, fingerprint, now);

        if (action == CaseActions.RemindHandler)
        {
            CaseTimeline.Add(db, c, now, CaseEventKinds.LeaderReminder, actor, note);
            await mailer.SendAsync(db, c, CaseMailKind.LeaderReminder, [Audiences.Handler], new CaseMailer.Extras(note), ct);
            return await CommitAsync(tx, c, ct);
        }

        var v = new Validation();
        string outcome;
        string? resolveAttachments = null;
        switch (action)
        {
            case CaseActions.Accept:
                outcome = WaitForLiaison.Accepted;
                break;
            case CaseActions.Progress:
                v.Required("note", note, 2000);
                outcome = WaitForLiaison.Progress;
                c.NextProgressReportAt = await NextProgressReportAsync(c, now, ct) ?? c.NextProgressReportAt;
                break;
            case CaseActions.Return:
                CheckReturnReason(v, input.ReasonCode);

                v.Required("note", note, 2000);
                c.ReturnReasonCode = input.ReasonCode;
                c.ReturnCount++;
                outcome = WaitForLiaison.Returned;
                break;
            case CaseActions.Extension:
                if (input.Days is not (>= 1 and <= 60))
                {
                    v.Add("days", "延期天数必须在 1 到 60 个工作日之间", "Days must be 1–60 working days");
                }

                v.Required("note", note, 2000);
                c.PendingExtensionDays = input.Days;
                c.PendingExtensionReason = note;
                c.ExtensionCount++;
                outcome = WaitForLiaison.ExtensionRequested;
                break;
            default:
                v.Required("note", note, 2000);
                // Optional, as a co-handler's part has them: kept with the resolution's timeline entry for the officer, and
                // named in the officer's 【待确认办结】.
                resolveAttachments = input.Attachments?.Trim() is { Length: > 0 } given ? given : null;
                v.MaxLength("attachments", resolveAttachments, CasePart.MaxAttachmentsLength);
                outcome = WaitForLiaison.Resolved;
                if (v.IsValid && await ResolveOverOpenPartsAsync(c, input.OverrideReason?.Trim(), actor, now, v, ct) is { } refused)
                {
                    return Fail(refused);
                }

                break;
        }

        if (!v.IsValid)
        {
            return Fail(new ServiceError.Invalid(v));
        }

        if (action == CaseActions.Progress && c.PendingExtensionDays is not null)
        {
            return await ProgressWhileDecidingAsync(tx, c, null, actor, note!, now, ct);
        }

        // Done sooner than feared, or not theirs after all: the handler resolves or returns below, in this one commit,
        // and the time asked for is no longer needed. A resolution's 【待确认办结】 says the request was withdrawn.
        var withdrawnByResolve = action == CaseActions.Resolve ? c.PendingExtensionDays : null;
        if (action is CaseActions.Resolve or CaseActions.Return && c.PendingExtensionDays is { } asked
            && await WithdrawExtensionAsync(tx, c, null, asked, actor, action, now, ct) is { } withdrawalRefused)
        {
            return withdrawalRefused;
        }

        var entry = CaseTimeline.Add(db, c, now, action, actor, note,
            action == CaseActions.Extension ? new { days = input.Days }
            : action == CaseActions.Return ? new { reasonCode = input.ReasonCode }
            : resolveAttachments is not null ? new { attachments = resolveAttachments }
            : (object?)null);
        if (action == CaseActions.Resolve)
        {
            await CaseTimeline.SupersedeEarlierAsync(db, entry, calendars.TimeZone.Id, ct);
        }

        return await ResumeAsync(tx, c, WaitForLiaison.BookmarkKind, WaitForLiaison.ActionKey, outcome, actor, note, input.ReasonCode, ct,
            resolved: new(resolveAttachments, withdrawnByResolve));
    }

    /// <param name="Attachments">A co-handler's submission: attachments as links or text.</param>
    /// <param name="OverrideReason">The lead resolving a joint case while co-handlers have not submitted: why (recorded against each of them).</param>
    public sealed record LinkActionInput(string? Note, string? ReasonCode, int? Days, string? Attachments = null, string? OverrideReason = null);

    /// <summary>
    /// The lead resolves a joint case only when every co-handler has submitted its part, or over the silent ones with a
    /// reason (<see cref="CasePart.MayBeResolvedOver"/>: late, or handed back): each open part then ends as overridden,
    /// the reason on the timeline against its department, its workflow (timers) cancelled and its links ended. A part
    /// still within its time is a 409 naming it and the moment from which the lead may go ahead without it. Null when
    /// the resolve may go on.
    /// </summary>
    private async Task<ServiceError?> ResolveOverOpenPartsAsync(Case c, string? reason, string actor, DateTimeOffset now, Validation v, CancellationToken ct)
    {
        var open = await db.Set<CasePart>().Where(p => p.CaseId == c.Id && CasePart.Unfinished.Contains(p.Status)).OrderBy(p => p.Id).ToListAsync(ct);
        if (open.Count == 0)
        {
            return null;
        }

        var codes = open.Select(p => p.DepartmentCode).ToList();
        var byCode = await db.Departments.AsNoTracking().Where(d => codes.Contains(d.Code)).ToDictionaryAsync(d => d.Code, d => d.Name, ct);
        var notYet = open.Where(p => !p.MayBeResolvedOver(now)).ToList();
        if (notYet.Count > 0)
        {
            return new ServiceError.NotAllowed(NotSilentYet(notYet.Select(p => (byCode.GetValueOrDefault(p.DepartmentCode, p.DepartmentCode), p)).ToList(), Local));
        }

        if (string.IsNullOrEmpty(reason))
        {
            var names = codes.Select(code => byCode.GetValueOrDefault(code, code)).ToList();
            // The form's mistake (a field left empty), not a case that changed: said next to the reason's field.
            v.Add("overrideReason",
                $"协办部门尚未提交协办意见：{string.Join("、", names)}。请等待提交，或在“先行办结理由”中填写理由后先行办结",
                $"Co-handling departments have not submitted their parts: {string.Join(", ", names)}. Wait for them, or give a reason to resolve without them");
            return new ServiceError.Invalid(v);
        }

        v.MaxLength("overrideReason", reason, 2000);
        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        foreach (var part in open)
        {
            part.Status = PartStatus.Overridden;
            part.EndedReason = reason;
            CaseTimeline.Add(db, c, now, CaseEventKinds.PartOverridden, actor, reason, new { department = part.DepartmentCode }, part);
            if (part.AssignmentRound > 0)
            {
                // The silent department learns it need not act any more (no link: its links end here), worded for its part.
                await mailer.SendAsync(db, c, CaseMailKind.Cancelled, [Audiences.Handler], new CaseMailer.Extras(reason, PartResolvedOver: true), ct, part);
            }

            await CaseEffectHandler.EndPartRoundAsync(db, part, now, ct);
            if (part.WorkflowInstanceId is { } instanceId)
            {
                await workflows.CancelAsync(db, instanceId, ct);
            }
        }

        return null;
    }

    /// <summary>
    /// Why the lead may not resolve over these parts yet, each with the moment it turns silent if it stays as it is
    /// (<see cref="CasePart.LateFrom"/>): it is within its time, so waiting for it, or asking the officer to drop it
    /// (撤回协办), are the ways on. The lead's link page says the same beside its resolve form.
    /// </summary>
    public static Text NotSilentYet(IReadOnlyList<(string Name, CasePart Part)> parts, Func<DateTimeOffset, string> local)
    {
        var zh = parts.Select(x => x.Part.Status == PartStatus.Dispatched && x.Part.LateFrom == x.Part.AcceptBy
            ? $"{x.Name}（签收期限 {local(x.Part.LateFrom!.Value)}，届时仍未签收方可先行办结）"
            : $"{x.Name}（提交期限 {local(x.Part.LateFrom!.Value)}，届时仍未提交方可先行办结）");
        var en = parts.Select(x => x.Part.Status == PartStatus.Dispatched && x.Part.LateFrom == x.Part.AcceptBy
            ? $"{x.Name} (accept by {local(x.Part.LateFrom!.Value)}: possible once that has passed without it accepting)"
            : $"{x.Name} (submit by {local(x.Part.LateFrom!.Value)}: possible once that has passed without its part)");
        return new Text(
            $"协办部门仍在期限内，暂不能先行办结：{string.Join("；", zh)}。请等待其提交协办意见；如已不需要其协办，请联系园区工作人员撤回协办。",
            $"A co-handling department is still within its time, so the case cannot be resolved without it yet: {string.Join("; ", en)}. Wait for its part, or ask the zone's officer to drop the part if it is no longer needed.");
    }

    /// <summary>A co-handler's action on its part of a joint case (签收, 进展, 退回, 提交协办意见), through the part's link.</summary>
    /// <param name="fingerprint">What the action asks for, recorded with its request id (read before the part was).</param>
    private async Task<ActionResult> ActOnPartAsync(IDbContextTransaction tx, LiaisonLink link, Case c, long partId,
        string action, Guid requestId, LinkActionInput input, byte[] fingerprint, CancellationToken ct)
    {
        var part = await db.Set<CasePart>().FirstAsync(p => p.Id == partId, ct);
        if (!link.WorksOn(part) || part.Status is PartStatus.Overridden or PartStatus.Dropped)
        {
            return Fail(new ServiceError.Gone(new("此链接已失效", "This link no longer works")));
        }

        if (!(link.Role == LinkRole.Leader ? CaseActions.LeaderActions : CaseActions.CoHandlerActions).Contains(action))
        {
            return Fail(new ServiceError.Forbidden(new("此链接不能执行该操作", "This link cannot do that")));
        }

        if (CaseActions.WhyNot(part, action) is { } why)
        {
            return Fail(new ServiceError.NotAllowed(why));
        }

        var now = clock.GetUtcNow();
        var note = input.Note?.Trim();
        if (action == CaseActions.RemindHandler)
        {
            if (ReminderNoteTooLong(note) is { } tooLong)
            {
                return tooLong;
            }

            if (await TooSoonAsync(c, part, CaseEventKinds.LeaderReminder, now, ct) is { } tooSoon)
            {
                return Fail(tooSoon);
            }

            // The co-handling department's leader reminds its own handler, as the lead's leader does: the part's thread.
            RecordRequest(requestId, c, action, fingerprint, now);
            CaseTimeline.Add(db, c, now, CaseEventKinds.LeaderReminder, link.RecipientEmail, note, new { department = part.DepartmentCode }, part);
            await mailer.SendAsync(db, c, CaseMailKind.LeaderReminder, [Audiences.Handler], new CaseMailer.Extras(note), ct, part);
            return await CommitAsync(tx, c, ct);
        }

        var v = new Validation();
        string outcome;
        switch (action)
        {
            case CaseActions.Accept:
                outcome = WaitForLiaison.Accepted;
                break;
            case CaseActions.Progress:
                v.Required("note", note, 2000);
                outcome = WaitForLiaison.Progress;
                // The part's own progress-report clock (long-running categories) starts again, as the lead's does.
                part.NextProgressReportAt = await NextProgressReportAsync(c, now, ct) ?? part.NextProgressReportAt;
                break;
            case CaseActions.Return:
                // Returns the part, not the case: the officer reassigns it to another department or drops it.
                CheckReturnReason(v, input.ReasonCode);

                v.Required("note", note, 2000);
                outcome = WaitForLiaison.Returned;
                break;
            case CaseActions.Extension:
                // More time for the part's submit deadline: the officer approves or refuses it, the part waits meanwhile.
                if (input.Days is not (>= 1 and <= 60))
                {
                    v.Add("days", "延期天数必须在 1 到 60 个工作日之间", "Days must be 1–60 working days");
                }

                v.Required("note", note, 2000);
                outcome = WaitForLiaison.ExtensionRequested;
                break;
            default:
                v.Required("note", note, 2000);
                var attachments = input.Attachments?.Trim();
                v.MaxLength("attachments", attachments, CasePart.MaxAttachmentsLength);
                part.SubmissionNote = note;
                part.SubmissionAttachments = string.IsNullOrEmpty(attachments) ? null : attachments;
                part.SubmittedAt = now;
                outcome = WaitForLiaison.Resolved;
                break;
        }

        if (!v.IsValid)
        {
            return Fail(new ServiceError.Invalid(v));
        }

        if (action == CaseActions.Extension)
        {
            part.PendingExtensionDays = input.Days;
            part.PendingExtensionReason = note;
            part.ExtensionCount++;
        }

        RecordRequest(requestId, c, action, fingerprint, now);
        if (action == CaseActions.Progress && part.PendingExtensionDays is not null)
        {
            return await ProgressWhileDecidingAsync(tx, c, part, link.RecipientEmail, note!, now, ct);
        }

        // As the lead's: the co-handler submits or returns its part below, in this one commit.
        if (action is CaseActions.Submit or CaseActions.Return && part.PendingExtensionDays is { } asked
            && await WithdrawExtensionAsync(tx, c, part, asked, link.RecipientEmail, action, now, ct) is { } withdrawalRefused)
        {
            return withdrawalRefused;
        }

        CaseTimeline.Add(db, c, now, action, link.RecipientEmail, note,
            action switch
            {
                CaseActions.Submit => new { department = part.DepartmentCode, attachments = part.SubmissionAttachments },
                CaseActions.Return => new { department = part.DepartmentCode, reasonCode = input.ReasonCode },
                CaseActions.Extension => new { department = part.DepartmentCode, days = input.Days },
                _ => (object)new { department = part.DepartmentCode },
            },
            part);
        var reasonCode = action == CaseActions.Return ? input.ReasonCode : null;
        return await ResumeAsync(tx, c, WaitForLiaison.BookmarkKind, WaitForLiaison.ActionKey, outcome, link.RecipientEmail, note, reasonCode, ct,
            extensionDays: action == CaseActions.Extension ? input.Days : null, part: part,
            mustKeepWaitingFor: action is CaseActions.Return or CaseActions.Extension ? action : null);
    }

    /// <param name="CopyLeader">Urge (催办): copy the department's leader (分管领导) too.</param>
    /// <param name="RequestId">Optional idempotency key: the same request again changes nothing (a double click urges once).</param>
    /// <param name="Basis">
    /// Optional: the case as the officer saw it (<see cref="DecisionBasis"/>); when it is not the case's any more, the
    /// decision is refused and nothing changes. Null: decided on the case as it is.
    /// </param>
    /// <param name="CoDepartments">
    /// Reopen (重办) of a joint case: the co-handling departments asked again, each dispatched a new round of its part
    /// (<see cref="AskableAgain"/>); none (null or empty) leaves every part as it ended.
    /// </param>
    /// <param name="Days">Extension decision, approved: the working days granted, 1 to those asked; null grants all asked.</param>
    public sealed record OfficerDecision(string? Note, string? DepartmentCode, bool? Approve, bool CopyLeader = false, Guid? RequestId = null, string? Basis = null,
        IReadOnlyList<string>? CoDepartments = null, int? Days = null);

    /// <summary>
    /// The co-handlers a case handled again (重办) may ask again: those whose part was in when the lead resolved
    /// (<see cref="CasePart.AskableAgain"/>), in a department still active that does not lead it (<paramref name="lead"/>).
    /// The officer's reopening offers and checks these; the follow-up case of an unsatisfied rating takes them all.
    /// </summary>
    public IQueryable<CasePart> AskableAgain(long caseId, string lead) => AskableAgain(db, caseId, lead);

    /// <summary>
    /// <see cref="AskableAgain(long, string)"/> on any context (the case page reads it too). A part its department returned
    /// (退回: not its work) and the lead resolved over while it waited for the officer is not one: resolved over, it reads
    /// as any part resolved over, so its round's return tells it apart.
    /// </summary>
    public static IQueryable<CasePart> AskableAgain(LiaisonDbContext db, long caseId, string lead) =>
        db.Set<CasePart>().Where(p => p.CaseId == caseId && CasePart.AskableAgain.Contains(p.Status) && p.DepartmentCode != lead
            && db.Departments.Any(d => d.Code == p.DepartmentCode && d.Active)
            && !db.Set<CaseEvent>().Any(e => e.CaseId == caseId && e.PartId == p.Id && e.Kind == CaseActions.Return && (p.RoundStartedAt == null || e.At >= p.RoundStartedAt)))
            .OrderBy(p => p.Id);

    /// <summary>
    /// A decision's basis that is no basis Liaison gives (<see cref="DecisionBasis"/>): the client's mistake, named by
    /// its field, not a case that changed since. Null when there is none or it reads as one.
    /// </summary>
    private static ServiceError? MalformedBasis(string? basis, bool part)
    {
        if (Validation.Optional(basis) is not { } given || DecisionBasis.IsWellFormed(given, part))
        {
            return null;
        }

        var v = new Validation();
        v.Add("basis", "不是本系统给出的事项依据，请刷新页面后重试", "is not a basis Liaison gives; reload the case and try again");
        return new ServiceError.Invalid(v);
    }

    /// <summary>An officer's action (改派, 确认销号, 重办, 催办, 撤销, 延期审批).</summary>
    public async Task<ActionResult> DecideAsync(string number, string action, string officer, OfficerDecision input, CancellationToken ct)
    {
        if (MalformedBasis(input.Basis, part: false) is { } malformed)
        {
            return Fail(malformed);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var id = await IdOfAsync(number, ct);
        if (id is null)
        {
            return Fail(CaseQueries.NotFound(number));
        }

        var c = await LockAsync(id.Value, ct);
        // The same form again (a reload, a retry, the back button) after it went through: done once, answered as done (a
        // reassignment as what it was, an insist or not, for its banner). Not the basis: that is when, not what.
        // The co-handlers asked again, as a set (a reopen without them keeps the fingerprint it always had).
        var askAgain = (input.CoDepartments ?? []).Select(d => d?.Trim()).OfType<string>().Where(d => d.Length > 0).Distinct().Order(StringComparer.Ordinal).ToArray();
        // Days granted, when given, too (a decision without them keeps the fingerprint it always had).
        var fingerprint = askAgain.Length == 0
            ? input.Days is { } granting
                ? RequestFingerprint.Of(input.Note, input.DepartmentCode, input.Approve, input.CopyLeader, granting)
                : RequestFingerprint.Of(input.Note, input.DepartmentCode, input.Approve, input.CopyLeader)
            : RequestFingerprint.Of(input.Note, input.DepartmentCode, input.Approve, input.CopyLeader, askAgain);
        if (await EarlierAsync(input.RequestId, c, action, fingerprint, null, ct) is { } earlier)
        {
            // Its own entry, written at the time its request id was recorded: not the latest one, which a colleague's
            // reassignment committed since (or just before this sending got the case's lock) would have written.
            return action == CaseActions.Reassign && earlier.Error is null
                ? earlier with
                {
                    Insisted = await db.CaseEvents.Where(e => e.CaseId == c.Id && e.PartId == null
                            && (e.Kind == CaseEventKinds.Reassigned || e.Kind == CaseEventKinds.Insisted)
                            && db.Set<CaseActionRequest>().Any(r => r.RequestId == input.RequestId && r.At == e.At))
                        .OrderBy(e => e.Id).Select(e => e.Kind).FirstOrDefaultAsync(ct) == CaseEventKinds.Insisted,
                }
                : earlier;
        }

        // Decided on a page (or a read) from before someone else's decision or a liaison's step: not on this case.
        if (Validation.Optional(input.Basis) is { } seen && seen != DecisionBasis.Of(c))
        {
            return Fail(await ChangedSinceAsync(c, null, ct));
        }

        if (action == CaseActions.ExtensionDecision && c.PendingExtensionDays is null)
        {
            return Fail(await NoExtensionRequestAsync(c, null, ct));
        }

        if (CaseActions.WhyNot(c, action) is { } why)
        {
            return Fail(new ServiceError.NotAllowed(why));
        }

        var now = clock.GetUtcNow();
        var note = input.Note?.Trim();
        var v = new Validation();
        v.MaxLength("note", note, 2000);
        if (!v.IsValid)
        {
            return Fail(new ServiceError.Invalid(v));
        }

        if (action == CaseActions.Urge && await TooSoonAsync(c, null, CaseEventKinds.Urged, now, ct) is { } tooSoon)
        {
            return Fail(tooSoon);
        }

        // Saved with the decision's changes only: a refusal below saves nothing, so the same id may be sent again.
        RecordRequest(input.RequestId, c, action, fingerprint, now);
        switch (action)
        {
            case CaseActions.Urge:
                await UrgeAsync(c, null, officer, note, input.CopyLeader, now, ct);
                return await CommitAsync(tx, c, ct);

            case CaseActions.Reassign:
                var code = input.DepartmentCode?.Trim();
                if (string.IsNullOrEmpty(code) || !await db.Departments.AnyAsync(d => d.Code == code && d.Active, ct))
                {
                    NotAnActiveDepartment(v, code);
                    return Fail(new ServiceError.Invalid(v));
                }

                var insist = c.Status == CaseStatus.Returned && code == c.DepartmentCode;
                if (!insist && code == c.DepartmentCode)
                {
                    return Fail(new ServiceError.Conflict(new("事项已在该部门", "The case is already with that department")));
                }

                // The department that returned the case is told why it is sent back (the returned mail asks for reasons).
                if (insist && string.IsNullOrEmpty(note))
                {
                    v.Add("note", "坚持原派请说明理由", "give your reasons for sending the case back to the same department");
                    return Fail(new ServiceError.Invalid(v));
                }

                // A department with an unfinished co-handling part cannot also lead the case (as a new case's form refuses):
                // its part is dropped first. One whose part is done (submitted, or resolved over) may take the lead.
                if (await db.Set<CasePart>().AnyAsync(p => p.CaseId == c.Id && p.DepartmentCode == code && CasePart.Unfinished.Contains(p.Status), ct))
                {
                    var name = await DepartmentNameAsync(code, ct);
                    v.Add("departmentCode", $"{name}是本事项的协办部门，协办尚未完成，不能同时主办：请先撤回其协办，或改派其他部门",
                        $"{name} co-handles this case and its part is not done, so it cannot also lead it: drop its part first, or choose another department");
                    return Fail(new ServiceError.Invalid(v));
                }

                // The department's request for more time goes with the case it no longer has.
                if (c.PendingExtensionDays is { } asked
                    && await WithdrawExtensionAsync(tx, c, null, asked, officer, action, now, ct) is { } withdrawalRefused)
                {
                    return withdrawalRefused;
                }

                CaseTimeline.Add(db, c, now, insist ? CaseEventKinds.Insisted : CaseEventKinds.Reassigned, officer, note, new { from = c.DepartmentCode, to = code });
                c.DepartmentCode = code;
                var reassigned = c.Status == CaseStatus.Returned
                    ? await ResumeAsync(tx, c, WaitForOfficer.BookmarkKind, WaitForOfficer.ReturnDecision,
                        insist ? WaitForOfficer.Insisted : WaitForOfficer.Reassigned, officer, note, null, ct)
                    : await ResumeAsync(tx, c, WaitForLiaison.BookmarkKind, WaitForLiaison.ActionKey, WaitForLiaison.Reassigned, officer, note, null, ct);
                return reassigned with { Insisted = insist };

            case CaseActions.Confirm:
                CaseTimeline.Add(db, c, now, CaseEventKinds.Confirmed, officer, note);
                return await ResumeAsync(tx, c, WaitForOfficer.BookmarkKind, WaitForOfficer.ResolutionDecision, WaitForOfficer.Confirmed, officer, note, null, ct);

            case CaseActions.Reopen:
                if (string.IsNullOrEmpty(note))
                {
                    v.Add("note", "请填写重办原因", "give the reason for reopening");
                }

                var again = await PartsToAskAgainAsync(c, askAgain, v, ct);
                if (!v.IsValid)
                {
                    return Fail(new ServiceError.Invalid(v));
                }

                c.ReopenCount++;
                // Re-handling starts the progress-report clock again (long-running categories), not the old round's date.
                c.NextProgressReportAt = await NextProgressReportAsync(c, now, ct) ?? c.NextProgressReportAt;
                CaseTimeline.Add(db, c, now, CaseEventKinds.Reopened, officer, note,
                    again.Count == 0 ? null : new { coDepartments = again.Select(p => p.DepartmentCode) });
                var rounds = again.ToDictionary(p => p, p => p.AssignmentRound);
                if (await ResumeUncommittedAsync(tx, c, WaitForOfficer.BookmarkKind, WaitForOfficer.ResolutionDecision, WaitForOfficer.Reopened,
                        officer, note, null, ct, dispatchParts: again) is { } refused)
                {
                    return refused;
                }

                if (rounds.FirstOrDefault(r => r.Key.AssignmentRound == r.Value).Key is { } notSent)
                {
                    // The published routing has no reopening that dispatches parts (an admin's own workflow): nothing is kept.
                    await tx.RollbackAsync(ct);
                    db.DiscardChanges();
                    var name = await DepartmentNameAsync(notSent.DepartmentCode, ct);
                    return Fail(new ServiceError.Conflict(new($"此事项的流程版本不能在重办时重新派发协办（{name}），事项没有变化；可不选协办部门重办，或联系管理员",
                        $"This case's workflow version cannot dispatch co-handlers again on a reopening ({name}); nothing changed. Reopen without co-handlers, or ask an admin")));
                }

                return await CommitAsync(tx, c, ct);

            case CaseActions.ExtensionDecision:
                if (input.Approve is not { } approve)
                {
                    v.Add("approve", "请选择批准或不批准（true/false）", "choose approve or deny (true/false)");
                    return Fail(new ServiceError.Invalid(v));
                }

                var days = c.PendingExtensionDays!.Value;
                if (!approve)
                {
                    DenialWithoutReason(v, note);
                }

                var granted = GrantedDays(v, approve, input.Days, days);
                if (!v.IsValid)
                {
                    return Fail(new ServiceError.Invalid(v));
                }

                CaseTimeline.Add(db, c, now, approve ? CaseEventKinds.ExtensionApproved : CaseEventKinds.ExtensionDenied, officer, note,
                    approve ? new { days = granted, asked = days } : (object)new { days });
                // The workflow's ExtendDeadline moves the deadline by what is pending when it runs: the days granted.
                c.PendingExtensionDays = approve ? granted : null;
                if (!approve)
                {
                    c.PendingExtensionReason = null;
                }

                return await ResumeAsync(tx, c, WaitForOfficer.BookmarkKind, WaitForOfficer.ExtensionDecision,
                    approve ? WaitForOfficer.Approved : WaitForOfficer.Denied, officer, note, null, ct, approve, days, extensionGranted: granted);

            default: // cancel
                // The department, the enterprise and the record are told why the case ended.
                if (string.IsNullOrEmpty(note))
                {
                    v.Add("note", "请填写撤销原因", "give the reason for cancelling");
                    return Fail(new ServiceError.Invalid(v));
                }

                if (c.WorkflowInstanceId is { } instanceId)
                {
                    // Cancels the parts' child workflows too.
                    await workflows.CancelAsync(db, instanceId, ct);
                }

                await DropUnfinishedPartsAsync(c, officer, note, now, ct);

                c.Status = CaseStatus.Cancelled;
                c.ClosedAt = now;
                c.UpdatedAt = now;
                CaseTimeline.Add(db, c, now, CaseEventKinds.Cancelled, officer, note);
                await mailer.SendAsync(db, c, CaseMailKind.Cancelled, [Audiences.Handler], new CaseMailer.Extras(note), ct);
                await enterpriseNotices.CancelledAsync(db, c, note, ct);
                await CaseEffectHandler.EndRoundAsync(db, c, now, TimeSpan.Zero, ct);
                return await CommitAsync(tx, c, ct);
        }
    }

    /// <summary>
    /// The co-handlers a reopening asks again (<paramref name="codes"/>, department codes), tracked: each must be one of
    /// <see cref="AskableAgain"/>, else it is named in <paramref name="v"/> under <c>coDepartments</c>.
    /// </summary>
    private async Task<List<CasePart>> PartsToAskAgainAsync(Case c, string[] codes, Validation v, CancellationToken ct)
    {
        if (codes.Length == 0)
        {
            return [];
        }

        var askable = await AskableAgain(c.Id, c.DepartmentCode).ToListAsync(ct);
        foreach (var code in codes.Where(code => askable.All(p => p.DepartmentCode != code)))
        {
            var part = await db.Set<CasePart>().AsNoTracking().FirstOrDefaultAsync(p => p.CaseId == c.Id && p.DepartmentCode == code, ct);
            var name = await DepartmentNameAsync(code, ct);
            if (part is null)
            {
                v.Add("coDepartments", $"{name}不是本事项的协办部门", $"{name} is no co-handler of this case");
            }
            else if (!await db.Departments.AnyAsync(d => d.Code == code && d.Active, ct))
            {
                v.Add("coDepartments", $"{name}已停用，不能重新协办", $"{name} is no longer active; it cannot co-handle again");
            }
            else if (code == c.DepartmentCode)
            {
                v.Add("coDepartments", $"{name}现为本事项的主办部门，不能同时协办", $"{name} leads the case now; it cannot co-handle it too");
            }
            else if (CasePart.AskableAgain.Contains(part.Status))
            {
                // In, by its status, but its department had returned it (退回) before the lead resolved over it.
                v.Add("coDepartments", $"{name}曾退回协办，主办随后先行办结：不能重新协办",
                    $"{name} returned its part before the lead resolved without it; it cannot be asked again");
            }
            else
            {
                var label = CasePart.Label(part.Status);
                v.Add("coDepartments", $"{name}的协办{label.Zh}，只有已提交或被主办先行办结的协办可以重新协办",
                    $"{name}'s part is {label.En}; only a part submitted, or resolved over by the lead, can be asked again");
            }
        }

        return askable.Where(p => codes.Contains(p.DepartmentCode)).ToList();
    }

    /// <summary>A case's priority as a caller gave it: normal when left out; anything but normal or urgent is an error in <paramref name="v"/>.</summary>
    internal static CasePriority PriorityOf(string? text, Validation v)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return CasePriority.Normal;
        }

        if (!EnumNames.TryParse(text, out CasePriority priority))
        {
            v.Add("priority", $"只能是“普通”或“紧急”（normal/urgent），不是 {text.Trim()}", $"must be normal or urgent, not '{text.Trim()}'");
        }

        return priority;
    }

    /// <summary>
    /// A denied extension request needs the officer's reason: the department's 【延期未同意】 mail would otherwise explain
    /// nothing. True (the error added to <paramref name="v"/>) when none was given.
    /// </summary>
    private static bool DenialWithoutReason(Validation v, string? note)
    {
        if (!string.IsNullOrWhiteSpace(note))
        {
            return false;
        }

        v.Add("note", "不同意延期请说明理由", "give the reason for denying the extension");
        return true;
    }

    /// <summary>
    /// The working days an extension decision grants: those asked (<paramref name="asked"/>) when <paramref name="days"/>
    /// is left out, else <paramref name="days"/>, from 1 to those asked (an officer may grant fewer, never more). A denial
    /// grants none and takes no days. Null (the error added to <paramref name="v"/>) for a denial or when wrong.
    /// </summary>
    private static int? GrantedDays(Validation v, bool approve, int? days, int asked)
    {
        if (!approve)
        {
            if (days is not null)
            {
                v.Add("days", "不批准时不填写天数", "leave the days out when denying the extension");
            }

            return null;
        }

        if (days is { } granted && (granted < 1 || granted > asked))
        {
            v.Add("days", $"批准的延期天数须在 1 到 {asked} 个工作日之间", $"must be from 1 to {English.Count(asked, "working day", "working days")} (the days asked)");
            return null;
        }

        return days ?? asked;
    }

    /// <summary>
    /// A part's extension never moves its submit deadline past the lead's resolve deadline less the lead time (README
    /// "Joint cases"), or the lead could not resolve before the part is in: more days than that are refused on
    /// <c>days</c>, with the most that can be granted and the lead's deadline; none at all says the lead's must move first.
    /// </summary>
    private async Task WithinLeadDeadlineAsync(Validation v, Case c, DateTimeOffset partDue, int granting, CancellationToken ct)
    {
        if (c.DueAt is not { } leadDue || (await categories.FindAsync(c.Category, ct))?.Sla is not { } sla)
        {
            return;
        }

        var calendar = await calendars.GetAsync(ct);
        if (SlaDeadlines.PartExtensionLimit(calendar, partDue, leadDue, sla) is not { } most || granting <= most)
        {
            return;
        }

        var lead = sla.CoHandlerLeadWorkingDays;
        var latest = Local(SlaDeadlines.LatestPartDue(calendar, leadDue, sla));
        if (most == 0)
        {
            v.Add("days", $"不能批准延期：协办须在主办部门办结期限（{Local(leadDue)}）前 {lead} 个工作日提交，现提交期限已是最晚（{latest}）；请先延长主办部门的办结期限，或不批准",
                $"no extension can be granted: a part is due {English.Count(lead, "working day", "working days")} before the lead's resolve deadline ({Local(leadDue)}), "
                + $"and this one is due at the latest already ({latest}); move the lead's deadline first, or deny");
            return;
        }

        v.Add("days", $"最多可批准 {most} 个工作日：协办须在主办部门办结期限（{Local(leadDue)}）前 {lead} 个工作日提交，即最晚 {latest}",
            $"at most {English.Count(most, "working day", "working days")} can be granted: a part is due {English.Count(lead, "working day", "working days")} "
            + $"before the lead's resolve deadline ({Local(leadDue)}), at the latest {latest}");
    }

    /// <summary>A reassignment's department: none chosen is asked for; a code that is no active department is named.</summary>
    private static void NotAnActiveDepartment(Validation v, string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            v.Add("departmentCode", "必填：请选择接手的部门", "is required: choose the department that takes it over");
        }
        else
        {
            v.Add("departmentCode", $"没有代码为 {code} 的在用部门", $"no active department has the code '{code}'");
        }
    }

    /// <param name="DepartmentCode">Reassign: the department that takes the part over.</param>
    /// <param name="Task">Reassign: the new department's task note; empty keeps the part's task.</param>
    /// <param name="Reason">Drop: why the part is dropped (required).</param>
    /// <param name="RequestId">Optional idempotency key: the same request again changes nothing.</param>
    /// <param name="Approve">Extension decision: approve (the part's submit deadline moves) or refuse the co-handler's request.</param>
    /// <param name="CopyLeader">Urge: copy the co-handling department's leader too.</param>
    /// <param name="Basis">Optional: the part as the officer saw it (<see cref="DecisionBasis"/>); a stale one refuses the decision.</param>
    /// <param name="Days">Extension decision, approved: the working days granted, 1 to those asked and no more than the lead's
    /// deadline allows (<see cref="SlaDeadlines.PartExtensionLimit"/>), unless <paramref name="ExtendLead"/>; null grants all asked.</param>
    /// <param name="ExtendLead">Extension decision, approved: when the days granted would make the part due after the lead's
    /// deadline less the lead time, move the lead's resolve deadline as far as needed (同时延长主办部门办结期限) instead of
    /// refusing; when they fit, nothing more moves. A denial ignores it.</param>
    public sealed record PartDecision(
        string? DepartmentCode = null, string? Task = null, string? Reason = null, string? Note = null, Guid? RequestId = null, bool? Approve = null,
        bool CopyLeader = false, string? Basis = null, int? Days = null, bool ExtendLead = false);

    /// <summary>
    /// The officer's decision on a co-handler's part of a joint case: reassign a returned part to another department
    /// (改派协办: a new round of the part's workflow, new links and deadlines) or drop a part (撤回协办: its workflow and
    /// links end). The case and its other parts stay as they are.
    /// </summary>
    public async Task<ActionResult> DecidePartAsync(string number, long partId, string action, string officer, PartDecision input, CancellationToken ct)
    {
        if (MalformedBasis(input.Basis, part: true) is { } malformed)
        {
            return Fail(malformed);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var id = await IdOfAsync(number, ct);
        if (id is null)
        {
            return Fail(CaseQueries.NotFound(number));
        }

        var c = await LockAsync(id.Value, ct);
        var part = await db.Set<CasePart>().FirstOrDefaultAsync(p => p.Id == partId && p.CaseId == c.Id, ct);
        if (part is null)
        {
            return Fail(new ServiceError.NotFound(new($"事项 {number} 没有编号为 {partId} 的协办", $"Case '{number}' has no co-handling part {partId}")));
        }

        // The days granted and extendLead only when sent: a request recorded before either existed reads the same.
        List<object?> asked = [part.Id, input.DepartmentCode, input.Task, input.Reason, input.Note, input.Approve, input.CopyLeader];
        if (input.Days is { } granting)
        {
            asked.Add(granting);
        }

        if (input.ExtendLead)
        {
            asked.Add(true);
        }

        var fingerprint = RequestFingerprint.Of([.. asked]);
        if (await EarlierAsync(input.RequestId, c, PartAction(action), fingerprint, null, ct) is { } earlier)
        {
            return earlier;
        }

        if (!CaseActions.OfficerPartActions.Contains(action))
        {
            return Fail(new ServiceError.NotAllowed(new($"未知的操作 {action}", $"Unknown action '{action}'")));
        }

        if (Validation.Optional(input.Basis) is { } seen && seen != DecisionBasis.Of(part))
        {
            return Fail(await ChangedSinceAsync(c, part, ct));
        }

        if (!CaseStatuses.IsOpen(c.Status))
        {
            var state = CaseStatuses.Label(c.Status);
            return Fail(new ServiceError.NotAllowed(new($"事项{state.Zh}，协办不能再变更", $"The case is {state.En}; its parts can no longer change")));
        }

        if (action == CaseActions.ExtensionDecision && part.PendingExtensionDays is null)
        {
            return Fail(await NoExtensionRequestAsync(c, part, ct));
        }

        if (CaseActions.WhyNot(part, action) is { } why)
        {
            return Fail(new ServiceError.NotAllowed(why));
        }

        var now = clock.GetUtcNow();
        var note = input.Note?.Trim();
        var v = new Validation();
        v.MaxLength("note", note, 2000);
        if (action == CaseActions.Drop)
        {
            var reason = v.Required("reason", input.Reason, 2000);
            if (!v.IsValid)
            {
                return Fail(new ServiceError.Invalid(v));
            }

            RecordRequest(input.RequestId, c, PartAction(action), fingerprint, now);
            await DropPartAsync(c, part, officer, reason, now, ct);
            return await CommitAsync(tx, c, ct);
        }

        if (action == CaseActions.Urge)
        {
            if (!v.IsValid)
            {
                return Fail(new ServiceError.Invalid(v));
            }

            if (await TooSoonAsync(c, part, CaseEventKinds.Urged, now, ct) is { } tooSoon)
            {
                return Fail(tooSoon);
            }

            RecordRequest(input.RequestId, c, PartAction(action), fingerprint, now);
            await UrgeAsync(c, part, officer, note, input.CopyLeader, now, ct);
            return await CommitAsync(tx, c, ct);
        }

        if (action == CaseActions.ExtensionDecision)
        {
            var days = part.PendingExtensionDays!.Value;
            int? granted = null;
            LeadMove? leadMove = null;
            if (input.Approve is null)
            {
                v.Add("approve", "请选择批准或不批准（true/false）", "choose approve or deny (true/false)");
            }
            else
            {
                if (input.Approve == false)
                {
                    DenialWithoutReason(v, note);
                }

                granted = GrantedDays(v, input.Approve.Value, input.Days, days);
                if (granted is { } asking && part.DueAt is { } partDue)
                {
                    if (input.ExtendLead)
                    {
                        leadMove = await LeadMoveForAsync(v, c, partDue, asking, ct);
                    }
                    else
                    {
                        await WithinLeadDeadlineAsync(v, c, partDue, asking, ct);
                    }
                }
            }

            if (!v.IsValid)
            {
                return Fail(new ServiceError.Invalid(v));
            }

            var approve = input.Approve!.Value;
            RecordRequest(input.RequestId, c, PartAction(action), fingerprint, now);
            CaseTimeline.Add(db, c, now, approve ? CaseEventKinds.ExtensionApproved : CaseEventKinds.ExtensionDenied, officer, note,
                approve ? new { department = part.DepartmentCode, days = granted, asked = days } : (object)new { department = part.DepartmentCode, days },
                part);
            // As the lead's: the part's snapshot (CaseRoutingFactory) gives ExtendDeadline what is pending, the days granted.
            part.PendingExtensionDays = approve ? granted : null;
            if (!approve)
            {
                part.PendingExtensionReason = null;
            }

            var leadDueBefore = c.DueAt;
            if (leadMove is not null)
            {
                // First, so the part's run (its approval mail) and the lead's re-armed wait see the lead's new deadline.
                await MoveLeadDeadlineAsync(c, part, leadMove, officer, now, ct);
            }

            // The part's workflow (v3) moves the deadline when approved, tells the co-handler, and waits for it again.
            if (await ResumeUncommittedAsync(tx, c, WaitForOfficer.BookmarkKind, WaitForOfficer.ExtensionDecision,
                    approve ? WaitForOfficer.Approved : WaitForOfficer.Denied, officer, note, null, ct, approve, days, part, extensionGranted: granted) is { } refused)
            {
                return refused;
            }

            if (leadMove is not null)
            {
                await TellLeadItsDeadlineMovedAsync(c, part, leadDueBefore!.Value, officer, ct);
            }

            return await CommitAsync(tx, c, ct);
        }

        var code = input.DepartmentCode?.Trim();
        var task = input.Task?.Trim();
        v.MaxLength("task", task, CasePart.MaxTaskLength);
        if (string.IsNullOrEmpty(code) || !await db.Departments.AnyAsync(d => d.Code == code && d.Active, ct))
        {
            NotAnActiveDepartment(v, code);
        }
        else if (code == part.DepartmentCode)
        {
            var name = await DepartmentNameAsync(code!, ct);
            v.Add("departmentCode", $"{name}已退回此协办，请改派其他部门或撤回", $"{name} returned this part; choose another department or drop the part");
        }
        else
        {
            await RefuseAsCoHandlerAsync(v, c, code!, ct);
        }

        if (!v.IsValid)
        {
            return Fail(new ServiceError.Invalid(v));
        }

        RecordRequest(input.RequestId, c, PartAction(action), fingerprint, now);
        CaseTimeline.Add(db, c, now, CaseEventKinds.Reassigned, officer, note, new { from = part.DepartmentCode, to = code, coHandling = true, task }, part);
        var taskBefore = new CaseMailer.PartTask(part.Task);
        part.DepartmentCode = code!;
        part.Task = string.IsNullOrEmpty(task) ? part.Task : task;
        part.AcceptedAt = null;
        // The part's workflow waits for this decision after the return and dispatches the part to its new department.
        return await ResumeAsync(tx, c, WaitForOfficer.BookmarkKind, WaitForOfficer.ReturnDecision, WaitForOfficer.Reassigned, officer, note, null, ct, part: part,
            taskBefore: taskBefore);
    }

    /// <summary>
    /// A department that cannot take a part of <paramref name="c"/> (a part reassigned to it, or added): the lead, or one
    /// that has or had a part (every department has at most one part of a case, unique, also after its part ended). The
    /// refusal is added to <paramref name="v"/> on <c>departmentCode</c>.
    /// </summary>
    private async Task RefuseAsCoHandlerAsync(Validation v, Case c, string code, CancellationToken ct)
    {
        if (code == c.DepartmentCode)
        {
            var name = await DepartmentNameAsync(code, ct);
            v.Add("departmentCode", $"{name}是主办部门，不能同时协办", $"{name} is the lead department; it cannot also co-handle");
        }
        else if (await db.Set<CasePart>().Where(p => p.CaseId == c.Id && p.DepartmentCode == code).Select(p => (PartStatus?)p.Status).FirstOrDefaultAsync(ct) is { } had)
        {
            var label = CasePart.Label(had);
            var name = await DepartmentNameAsync(code, ct);
            v.Add("departmentCode", $"{name}已是本事项的协办部门（{label.Zh}）", $"{name} already has a part of this case ({label.En})");
        }
    }

    /// <summary>What a faulted start says went wrong: its incidents, each with its activity.</summary>
    private static string FaultOf(WorkflowInstanceRecord instance) =>
        string.Join("; ", WorkflowInstanceState.FromJson(instance.State).Incidents.Select(i => i.ActivityId is null ? i.Message : $"{i.ActivityId}: {i.Message}"));

    /// <summary>Records the request id with what it asked for, saved with the action's changes (a refusal saves neither).</summary>
    private void RecordRequest(Guid? requestId, Case c, string action, byte[] fingerprint, DateTimeOffset now)
    {
        if (requestId is { } id)
        {
            db.Set<CaseActionRequest>().Add(new CaseActionRequest { RequestId = id, CaseId = c.Id, Action = action, At = now, Fingerprint = fingerprint });
        }
    }

    /// <summary>
    /// The refusal of a decision whose basis is stale: where the case (or <paramref name="part"/>) is now, and the latest
    /// transition someone made, with who and when, so the officer knows what to look at before deciding again.
    /// </summary>
    private async Task<ServiceError> ChangedSinceAsync(Case c, CasePart? part, CancellationToken ct)
    {
        var partId = part?.Id;
        var last = await db.CaseEvents.AsNoTracking()
            .Where(e => e.CaseId == c.Id && e.PartId == partId && DecisionBasis.TransitionKinds.Contains(e.Kind))
            .OrderByDescending(e => e.Id).Select(e => new { e.Kind, e.Actor, e.At }).FirstOrDefaultAsync(ct);
        var state = part is null ? CaseStatuses.Label(c.Status) : CasePart.Label(part.Status);
        var pending = (part is null ? c.PendingExtensionDays : part.PendingExtensionDays) is not null
            ? new Text("，有延期申请待审批", ", with an extension request waiting")
            : new Text("", "");
        var latest = new Text("", "");
        if (last is not null)
        {
            var by = await actors.NameAsync(last.Actor, c.Number, ct);
            latest = new Text($"；最近一次：{Local(last.At)} {by.Zh} {CaseEventKinds.Label(last.Kind).Zh}",
                $"; last: {CaseEventKinds.Label(last.Kind).En} by {by.En} at {Local(last.At)}");
        }

        if (part is null)
        {
            return new ServiceError.Conflict(new(
                $"事项在您打开页面后已有变化（当前状态：{state.Zh}{pending.Zh}{latest.Zh}），请查看最新情况后再操作",
                $"The case changed after you opened it (now {state.En}{pending.En}{latest.En}); look at it as it is now before you decide"));
        }

        var name = await DepartmentNameAsync(part.DepartmentCode, ct);
        return new ServiceError.Conflict(new(
            $"{name}的协办在您打开页面后已有变化（当前状态：{state.Zh}{pending.Zh}{latest.Zh}），请查看最新情况后再操作",
            $"The part of {name} changed after you opened the case (now {state.En}{pending.En}{latest.En}); look at it as it is now before you decide"));
    }

    /// <summary>
    /// An extension decision with no request waiting: what became of the last one, said with when and by whom (the
    /// handler's resolve or return withdrew it, a colleague decided it), so the officer is not left wondering.
    /// </summary>
    private async Task<ServiceError> NoExtensionRequestAsync(Case c, CasePart? part, CancellationToken ct)
    {
        var partId = part?.Id;
        var last = await db.CaseEvents.AsNoTracking()
            .Where(e => e.CaseId == c.Id && e.PartId == partId && (e.Kind == CaseEventKinds.ExtensionApproved
                || e.Kind == CaseEventKinds.ExtensionDenied || e.Kind == CaseEventKinds.ExtensionWithdrawn))
            .OrderByDescending(e => e.Id).Select(e => new { e.Kind, e.Actor, e.At, e.Data }).FirstOrDefaultAsync(ct);
        var none = part is null ? CaseActions.NoExtensionRequest : CaseActions.NoPartExtensionRequest;
        if (last is null)
        {
            return new ServiceError.NotAllowed(none);
        }

        var at = Local(last.At);
        Text what;
        if (last.Kind == CaseEventKinds.ExtensionWithdrawn)
        {
            // As the timeline reads it: entries from before returns and reassignments withdrew requests carry no reason.
            var because = last.Data is { } data && JsonDocument.Parse(data).RootElement is { ValueKind: JsonValueKind.Object } o
                && o.TryGetProperty("because", out var b) && b.ValueKind == JsonValueKind.String
                    ? b.GetString()!
                    : part is null ? CaseActions.Resolve : CaseActions.Submit;
            var why = CaseActions.Withdrawal(because);
            what = new($"该申请已于 {at} 撤回（{why.Zh}）", $"it was withdrawn at {at} ({why.En})");
        }
        else
        {
            var approved = last.Kind == CaseEventKinds.ExtensionApproved;
            var by = await actors.NameAsync(last.Actor, c.Number, ct);
            what = new($"该申请已由 {by.Zh} 于 {at} {(approved ? "批准" : "不予批准")}", $"{by.En} {(approved ? "approved" : "denied")} it at {at}");
        }

        return new ServiceError.NotAllowed(new($"{none.Zh}：{what.Zh}", $"{none.En}: {what.En}"));
    }

    /// <summary>A moment as the zone's local time, for a refusal's words.</summary>
    private string Local(DateTimeOffset at) => calendars.Minute(at);

    /// <summary>How a decision on a part is recorded against its request id: apart from the same decision on the case.</summary>
    private static string PartAction(string action) => "part-" + action;

    /// <summary>Ends a part for good: dropped with the reason on the timeline against it, its links ended, its workflow (timers) cancelled.</summary>
    /// <param name="caseCancelled">The whole case was cancelled: its mail says so, not that the part alone was withdrawn.</param>
    private async Task DropPartAsync(Case c, CasePart part, string actor, string reason, DateTimeOffset now, CancellationToken ct, bool caseCancelled = false)
    {
        part.Status = PartStatus.Dropped;
        part.EndedReason = reason;
        part.PendingExtensionDays = null;
        part.PendingExtensionReason = null;
        CaseTimeline.Add(db, c, now, CaseEventKinds.PartDropped, actor, reason, new { department = part.DepartmentCode }, part);
        if (part.AssignmentRound > 0)
        {
            // The department learns it need not act any more (no link: its links end here), worded for its part.
            await mailer.SendAsync(db, c, CaseMailKind.Cancelled, [Audiences.Handler], new CaseMailer.Extras(reason, PartCaseCancelled: caseCancelled), ct, part);
        }

        await CaseEffectHandler.EndPartRoundAsync(db, part, now, ct);
        if (part.WorkflowInstanceId is { } instanceId)
        {
            await workflows.CancelAsync(db, instanceId, ct);
        }
    }

    /// <summary>Cancelling a joint case drops its unfinished parts (their workflows end with the case's).</summary>
    private async Task DropUnfinishedPartsAsync(Case c, string officer, string? note, DateTimeOffset now, CancellationToken ct)
    {
        var unfinished = await db.Set<CasePart>().Where(p => p.CaseId == c.Id && CasePart.Unfinished.Contains(p.Status)).OrderBy(p => p.Id).ToListAsync(ct);
        foreach (var part in unfinished)
        {
            await DropPartAsync(c, part, officer, string.IsNullOrEmpty(note) ? "事项已撤销 / The case was cancelled" : note, now, ct, caseCancelled: true);
        }
    }

    /// <summary>
    /// The handler resolves or returns (a co-handler submits or returns, <paramref name="part"/>), or the officer
    /// reassigns, while the extension request waits for the officer: the request lapses, with an entry saying why
    /// (<paramref name="action"/>), and the workflow goes from the officer's decision back to waiting for the handler, in
    /// the caller's transaction, for the action to follow. Null when done; else the refusal (a workflow version with no
    /// Withdrawn path).
    /// </summary>
    private async Task<ActionResult?> WithdrawExtensionAsync(
        IDbContextTransaction tx, Case c, CasePart? part, int asked, string actor, string action, DateTimeOffset now, CancellationToken ct)
    {
        if (part is null)
        {
            c.PendingExtensionDays = null;
            c.PendingExtensionReason = null;
        }
        else
        {
            part.PendingExtensionDays = null;
            part.PendingExtensionReason = null;
        }

        CaseTimeline.Add(db, c, now, CaseEventKinds.ExtensionWithdrawn, actor, null,
            part is null ? new { days = asked, because = action } : (object)new { department = part.DepartmentCode, days = asked, because = action }, part);
        var refused = await ResumeUncommittedAsync(tx, c, WaitForOfficer.BookmarkKind, WaitForOfficer.ExtensionDecision, WaitForOfficer.Withdrawn,
            actor, null, null, ct, part: part, mustKeepWaitingFor: action);
        if (refused is not { NoPath: true } || action is CaseActions.Resolve or CaseActions.Submit)
        {
            return refused;
        }

        // A workflow version with no Withdrawn path: the return or reassignment waits for the decision, and whoever
        // tried is told that, rather than that the version cannot return or reassign at all.
        var label = CaseActions.Label(action);
        return action == CaseActions.Reassign
            ? Fail(new ServiceError.Conflict(new($"此事项的流程版本不能在延期申请待审批时{label.Zh}：请先审批延期申请，再{label.Zh}",
                $"This case's workflow version cannot be reassigned while an extension request waits: decide the request first, then reassign")))
            : Fail(new ServiceError.Conflict(new($"延期申请待审批期间，此{(part is null ? "事项" : "协办")}的流程版本不能{label.Zh}：请等待园区审批后再{label.Zh}",
                $"While the extension request waits, this {(part is null ? "case's" : "part's")} workflow version cannot take a return: return it once the zone has decided")));
    }

    /// <summary>
    /// A progress report while the extension request waits: the workflow waits for the officer's decision, not for the
    /// handler, so the report is recorded here as the workflow's progress path would (the entry, 办理中 after 已签收);
    /// the next report is due from it, armed when the handler's wait resumes after the decision. The request stays.
    /// </summary>
    private async Task<ActionResult> ProgressWhileDecidingAsync(
        IDbContextTransaction tx, Case c, CasePart? part, string actor, string note, DateTimeOffset now, CancellationToken ct)
    {
        if (part is null)
        {
            CaseTimeline.Add(db, c, now, CaseActions.Progress, actor, note);
            if (c.Status == CaseStatus.Accepted)
            {
                CaseEffectHandler.SetStatus(db, c, CaseStatus.InProgress, actor, now);
            }
        }
        else
        {
            CaseTimeline.Add(db, c, now, CaseActions.Progress, actor, note, new { department = part.DepartmentCode }, part);
            if (part.Status == PartStatus.Accepted)
            {
                CaseEffectHandler.SetStatus(db, c, part, PartStatus.InProgress, actor, now);
            }
        }

        return await CommitAsync(tx, c, ct);
    }

    private async Task<ActionResult> ResumeAsync(
        IDbContextTransaction tx, Case c, string kind, string key, string outcome,
        string actor, string? note, string? reasonCode, CancellationToken ct, bool? approved = null, int? extensionDays = null, CasePart? part = null,
        string? mustKeepWaitingFor = null, int? extensionGranted = null, Resolution? resolved = null, CaseMailer.PartTask? taskBefore = null) =>
        await ResumeUncommittedAsync(tx, c, kind, key, outcome, actor, note, reasonCode, ct, approved, extensionDays, part, mustKeepWaitingFor,
                extensionGranted: extensionGranted, resolved: resolved, taskBefore: taskBefore)
            ?? await CommitAsync(tx, c, ct);

    /// <summary>
    /// What a handler's resolution (办结) brought besides its note, for the 【待确认办结】 it causes: its attachments, and the
    /// days of the extension request it withdrew (null: none).
    /// </summary>
    private sealed record Resolution(string? Attachments, int? WithdrawnExtensionDays);

    /// <summary>Resumes the workflow in the caller's transaction; null when it did, else the refusal (the transaction rolled back).</summary>
    /// <param name="dispatchParts">Co-handlers' parts the lead's run dispatches again (a reopening's, <see cref="AskableAgain"/>).</param>
    /// <param name="extensionDays">An extension request's or decision's days asked.</param>
    /// <param name="extensionGranted">An approved extension's days granted (those asked, or fewer).</param>
    /// <param name="resolved">The lead handler's resolution: its attachments and the extension request it withdrew.</param>
    /// <param name="taskBefore">A part reassigned after its return: the task it had, for the 【已改派】 to the department that returned it.</param>
    private async Task<ActionResult?> ResumeUncommittedAsync(
        IDbContextTransaction tx, Case c, string kind, string key, string outcome,
        string actor, string? note, string? reasonCode, CancellationToken ct, bool? approved = null, int? extensionDays = null, CasePart? part = null,
        string? mustKeepWaitingFor = null, IReadOnlyList<CasePart>? dispatchParts = null, int? extensionGranted = null, Resolution? resolved = null,
        CaseMailer.PartTask? taskBefore = null)
    {
        if ((part is null ? c.WorkflowInstanceId : part.WorkflowInstanceId) is not { } instanceId)
        {
            return Fail(new ServiceError.Conflict(new("事项没有运行中的流程", "The case has no running workflow")));
        }

        await db.SaveChangesAsync(ct);
        var context = part is null ? await routing.CreateAsync(db, c, ct, dispatchParts) : await routing.CreateAsync(db, c, part, ct);
        context.Set(CaseEffectHandler.ActorKey, actor);
        context.Set(CaseEffectHandler.NoteKey, note);
        context.Set(CaseEffectHandler.ReasonKey, reasonCode);
        context.Set(CaseEffectHandler.ApprovedKey, approved);
        context.Set(CaseEffectHandler.ExtensionDaysKey, extensionDays);
        context.Set(CaseEffectHandler.ExtensionGrantedKey, extensionGranted);
        context.Set(CaseEffectHandler.AttachmentsKey, resolved?.Attachments);
        context.Set(CaseEffectHandler.ExtensionWithdrawnKey, resolved?.WithdrawnExtensionDays);
        context.Set(CaseEffectHandler.TaskBeforeKey, taskBefore);
        var result = await workflows.ResumeAsync(db, instanceId, kind, key, new Dictionary<string, object?> { ["outcome"] = outcome }, context, ct);
        if (!result.Resumed)
        {
            await tx.RollbackAsync(ct);
            return Fail(new ServiceError.Conflict(new("流程当前不在等待此操作，请刷新后再试", "The workflow is not waiting for this action; reload and try again")));
        }

        if (result.Instance?.Status == WorkflowStatus.Faulted)
        {
            await tx.RollbackAsync(ct);
            var recorded = await RecordRefusedFaultAsync(instanceId, result.Run?.Incidents.LastOrDefault(), outcome, ct);
            return Fail(WorkflowFaulted(recorded));
        }

        if (mustKeepWaitingFor is { } waitedFor && result.Instance?.Status is not WorkflowStatus.Suspended)
        {
            // A part's workflow older than case-part-routing v2 has no path for a return, older than v3 none for an
            // extension request; a case's older than case-routing v5 (a part's than v4) none for withdrawing a pending
            // extension request (to resolve, return or reassign over it): it would just end.
            await tx.RollbackAsync(ct);
            var label = CaseActions.Label(waitedFor);
            var whose = part is null ? new Text("此事项", "This case's") : new Text("此协办", "This part's");
            return Fail(new ServiceError.Conflict(new($"{whose.Zh}的流程版本不支持{label.Zh}，请联系园区工作人员",
                $"{whose.En} workflow version cannot take this action ({label.En}); contact the zone's officer"))) with { NoPath = true };
        }

        return null;
    }

    private async Task<ActionResult> CommitAsync(IDbContextTransaction tx, Case c, CancellationToken ct)
    {
        c.UpdatedAt = clock.GetUtcNow();
        return await SaveAndCommitAsync(tx, c, ct);
    }

    /// <summary>
    /// Saves and commits the action on <paramref name="c"/>. Requests with one id take turns (<see cref="EarlierAsync"/>),
    /// but a case open records its id without that lock (its hot path): an open that took the id meanwhile makes this
    /// the 409 for an id reused, and nothing is saved.
    /// </summary>
    private async Task<ActionResult> SaveAndCommitAsync(IDbContextTransaction tx, Case c, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (RequestIdTaken(ex))
        {
            await tx.RollbackAsync(ct);
            db.DiscardChanges();
            return Fail(RequestIdReused);
        }

        return new ActionResult(c, null);
    }

    /// <summary>
    /// A closed case whose enterprise rated it 不满意 and whose officer has not decided yet (重办 or 说明后结案): it still
    /// needs an officer, so it may be handed over as an open case may (as deactivating its officer's account moves it).
    /// </summary>
    public static async Task<bool> AwaitsRatingDecisionAsync(LiaisonDbContext db, long caseId, CaseStatus status, CancellationToken ct) =>
        status == CaseStatus.Closed
        && await db.Set<CaseRating>().AnyAsync(r => r.CaseId == caseId && r.Decision == null && r.Score == RatingScore.Unsatisfied, ct);

    /// <summary>
    /// 移交: hands the case to another park officer (an active account, by email or id), e.g. while its officer is away.
    /// The timeline names both, and the new officer gets a mail (<see cref="CaseMailKind.OfficerHandover"/>). Any officer may, as with the other decisions; an
    /// ended case (closed, cancelled) stays with whoever had it, but for a closed one whose 不满意 rating awaits the
    /// officer's decision (<see cref="AwaitsRatingDecisionAsync"/>). An admin moves all of a leaving officer's work at once
    /// from the account's page (<see cref="Auth.Handover"/>).
    /// </summary>
    public async Task<ActionResult> HandOverAsync(string number, string? officer, string? note, Guid? requestId, string actor, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var id = await IdOfAsync(number, ct);
        if (id is null)
        {
            return Fail(CaseQueries.NotFound(number));
        }

        var v = new Validation();
        var reason = Validation.Optional(note);
        v.MaxLength("note", reason, 2000);
        var wanted = v.RequiredLine("officer", officer, 256);
        // Not to an account whose deactivation is committing: wait for it, then read the account as it ends up.
        await Accounts.LockChangesAsync(db, shared: true, ct);
        var to = wanted.Length == 0 ? null : await db.Users.AsNoTracking().Where(Accounts.Active)
            .Where(u => u.Id == wanted || u.NormalizedEmail == wanted.ToUpperInvariant())
            .Select(u => new OfficerRef(u.Id, u.Email ?? "", u.DisplayName)).FirstOrDefaultAsync(ct);
        if (wanted.Length > 0 && to is null)
        {
            v.Add("officer", EnterpriseService.UnknownOfficer(wanted));
        }

        if (!v.IsValid)
        {
            return Fail(new ServiceError.Invalid(v));
        }

        var c = await LockAsync(id.Value, ct);
        if (await EarlierAsync(requestId, c, "handover", RequestFingerprint.Of(wanted.ToUpperInvariant(), reason), clock.GetUtcNow(), ct) is { } earlier)
        {
            return earlier;
        }

        if (CaseStatuses.Ended.Contains(c.Status) && !await AwaitsRatingDecisionAsync(db, c.Id, c.Status, ct))
        {
            return Fail(new ServiceError.NotAllowed(new("已结束的事项不能移交", "An ended case cannot be handed over")));
        }

        if (c.OfficerId == to!.Id)
        {
            return Fail(new ServiceError.Conflict(new("该园区工作人员已负责此事项", "The case is already that officer's")));
        }

        var from = await db.Users.AsNoTracking().Where(u => u.Id == c.OfficerId)
            .Select(u => new OfficerRef(u.Id, u.Email ?? "", u.DisplayName)).FirstOrDefaultAsync(ct);
        var handoverNote = Handover.Give(db, c, from, to, actor, clock.GetUtcNow(), reason);
        // The new officer hears of it now, in the same commit (the case's officer is already the new one).
        await mailer.SendAsync(db, c, CaseMailKind.OfficerHandover, [Audiences.Officer], new CaseMailer.Extras(CultureNote: handoverNote), ct);
        return await SaveAndCommitAsync(tx, c, ct);
    }

    /// <summary>
    /// 备注: an officer's note on the case's timeline, for officers only (the liaison's link page leaves it out). Any
    /// case, ended ones too (a call to the enterprise after it closed); the state does not change. A request id adds it once.
    /// </summary>
    public async Task<ActionResult> AddNoteAsync(string number, string? note, Guid? requestId, string officer, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var id = await IdOfAsync(number, ct);
        if (id is null)
        {
            return Fail(CaseQueries.NotFound(number));
        }

        var v = new Validation();
        var text = v.Required("note", note, 2000);
        if (!v.IsValid)
        {
            return Fail(new ServiceError.Invalid(v));
        }

        var c = await LockAsync(id.Value, ct);
        var now = clock.GetUtcNow();
        if (await EarlierAsync(requestId, c, "note", RequestFingerprint.Of(text), now, ct) is { } earlier)
        {
            return earlier;
        }

        CaseTimeline.Add(db, c, now, CaseEventKinds.OfficerNote, officer, text);
        return await SaveAndCommitAsync(tx, c, ct);
    }

    /// <summary>
    /// 重发进度链接: a fresh link mailed to the enterprise's notice contact (<see cref="EnterpriseView.EnterpriseNotices.ResendAsync"/>)
    /// and the officer's entry on the timeline, in one commit. The request id makes a double submit one mail.
    /// </summary>
    public async Task<ActionResult> ResendEnterpriseLinkAsync(string number, Guid? requestId, string officer, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var id = await IdOfAsync(number, ct);
        if (id is null)
        {
            return Fail(CaseQueries.NotFound(number));
        }

        var c = await LockAsync(id.Value, ct);
        var now = clock.GetUtcNow();
        if (await EarlierAsync(requestId, c, CaseEventKinds.EnterpriseLinkResent, RequestFingerprint.Of(""), now, ct) is { } earlier)
        {
            return earlier;
        }

        var (sentTo, refused) = await enterpriseNotices.ResendAsync(db, c, ct);
        if (refused is not null)
        {
            await tx.RollbackAsync(ct);
            db.DiscardChanges();
            return Fail(refused);
        }

        CaseTimeline.Add(db, c, now, CaseEventKinds.EnterpriseLinkResent, officer, null, new { toName = sentTo });
        return await SaveAndCommitAsync(tx, c, ct);
    }

    /// <summary>催办: the timeline entry and the mail to the handler of the case or of <paramref name="part"/> (and its leader when copied).</summary>
    private async Task UrgeAsync(Case c, CasePart? part, string officer, string? note, bool copyLeader, DateTimeOffset now, CancellationToken ct)
    {
        CaseTimeline.Add(db, c, now, CaseEventKinds.Urged, officer, note, new { department = part?.DepartmentCode, copyLeader }, part);
        await mailer.SendAsync(db, c, CaseMailKind.OfficerUrge, copyLeader ? [Audiences.Handler, Audiences.Leader] : [Audiences.Handler],
            new CaseMailer.Extras(string.IsNullOrEmpty(note) ? null : note, Actor: officer), ct, part);
    }

    /// <summary>
    /// A nudge that sends the handler of the case (or of <paramref name="part"/>) mail, 催办 (<paramref name="kind"/>
    /// <see cref="CaseEventKinds.Urged"/>) or a leader's reminder (<see cref="CaseEventKinds.LeaderReminder"/>), within
    /// <see cref="LiaisonOptions.NudgeCoolDown"/> of the last one of its kind there: refused, saying when the last went and
    /// when the next may. Null when it may go. Read under the case's lock, so of nudges sent at once one goes.
    /// </summary>
    private async Task<ServiceError?> TooSoonAsync(Case c, CasePart? part, string kind, DateTimeOffset now, CancellationToken ct)
    {
        var window = options.Value.NudgeCoolDown;
        if (window <= TimeSpan.Zero)
        {
            return null;
        }

        var partId = part?.Id;
        var last = await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == c.Id && e.PartId == partId && e.Kind == kind)
            .OrderByDescending(e => e.At).Select(e => new { e.At, e.Actor }).FirstOrDefaultAsync(ct);
        if (last is null || CoolDown.Over(last.At, window, now))
        {
            return null;
        }

        var (shown, every) = CoolDown.After(last.At, window);
        if (kind == CaseEventKinds.LeaderReminder)
        {
            return new ServiceError.Conflict(new(
                $"已于 {Local(last.At)} 提醒过经办人，{every.Zh}内只提醒一次：{Local(shown)} 后可再次提醒",
                $"The handler was reminded at {Local(last.At)}; one reminder per {every.En}: the next may be sent from {Local(shown)}"));
        }

        var department = part is null ? null : await DepartmentNameAsync(part.DepartmentCode, ct);
        var whom = part is null ? new Text("经办人", "The handler") : new Text($"{department}（协办）", $"{department} (co-handler)");
        var by = await actors.NameAsync(last.Actor, c.Number, ct);
        return new ServiceError.Conflict(new(
            $"{by.Zh} 已于 {Local(last.At)} 催办{whom.Zh}，{every.Zh}内只催办一次：{Local(shown)} 后可再次催办",
            $"{whom.En} was urged by {by.En} at {Local(last.At)}; one urge per {every.En}: the next may be sent from {Local(shown)}"));
    }

    /// <summary>
    /// What an earlier request with <paramref name="requestId"/> did: null when there was none (and, given
    /// <paramref name="recordAt"/>, it is recorded in this transaction, so the case's lock makes the second of two
    /// concurrent requests see the first); a repeat when it did <paramref name="action"/> to this case as
    /// <paramref name="fingerprint"/> (a double click, a replay: answered as the first was); a 409 when it did something else
    /// or asked for something else (another department, another note), since a caller's id reused for another request
    /// must not pass for a repeat that did nothing. No id, no check.
    /// </summary>
    private async Task<ActionResult?> EarlierAsync(Guid? requestId, Case c, string action, byte[] fingerprint, DateTimeOffset? recordAt, CancellationToken ct)
    {
        if (requestId is not { } id)
        {
            return null;
        }

        // The case's lock orders two requests with one id on one case; this orders them across cases, so the second
        // of two sent at once for two cases finds the first's row here (a 409) instead of failing on its key at commit.
        await AdvisoryLocks.TakeAsync(db, AdvisoryLocks.RequestId, id.ToString(), ct);
        if (await db.Set<CaseActionRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.RequestId == id, ct) is { } earlier)
        {
            return earlier.CaseId == c.Id && earlier.Action == action && RequestFingerprint.Same(earlier.Fingerprint, fingerprint)
                ? new ActionResult(c, null, Repeated: true)
                : Fail(RequestIdReused);
        }

        if (recordAt is { } now)
        {
            RecordRequest(id, c, action, fingerprint, now);
        }

        return null;
    }

    /// <summary>A return (退回) names one of the reasons; else the refusal lists them, each with what it means.</summary>
    private static void CheckReturnReason(Validation v, string? code)
    {
        if (code is null || !CaseActions.ReturnReasons.ContainsKey(code))
        {
            v.Add("reasonCode", "请选择退回原因", ReturnReasonsHint);
        }
    }

    private static readonly string ReturnReasonsHint =
        "choose a reason: " + string.Join(", ", CaseActions.ReturnReasons.Select(r => $"{r.Key} ({r.Value.En})"));

    /// <summary>A liaison's link that has ended (or no link has the token): nothing more is done through it.</summary>
    private static readonly ServiceError LinkEnded = new ServiceError.Gone(new(
        "此链接已失效（事项已改派、撤销、办结、协办已撤回，或已转交本单位新的联络人）",
        "This link no longer works (the case was reassigned, cancelled or closed, the co-handling part was withdrawn, or it went to your department's new liaison)"));

    /// <summary>A request id used before for another request; the pages say it in their own words (<see cref="CasePages.InFormWords"/>).</summary>
    internal static readonly ServiceError RequestIdReused = new ServiceError.Conflict(new(
        "此请求编号（requestId）已用于另一项操作，请为每项操作使用新的编号", "This requestId was already used for another request; send a new one for each request"));

    /// <summary>A unique-key violation of the request ids' table: the same request committed by a concurrent submission.</summary>
    private static bool RequestIdTaken(DbUpdateException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "pk_case_action_requests" };

    /// <summary>A department's name for a refusal's words (its code when there is no such department).</summary>
    private async Task<string> DepartmentNameAsync(string code, CancellationToken ct) =>
        await db.Departments.AsNoTracking().Where(d => d.Code == code).Select(d => d.Name).FirstOrDefaultAsync(ct) ?? code;

    /// <summary>The id of the case numbered <paramref name="number"/>, or null when there is none.</summary>
    private Task<long?> IdOfAsync(string number, CancellationToken ct) =>
        db.Cases.Where(x => x.Number == number).Select(x => (long?)x.Id).FirstOrDefaultAsync(ct);

    /// <summary>Locks the case row for the rest of the transaction: actions on one case run one at a time.</summary>
    private async Task<Case> LockAsync(long id, CancellationToken ct) =>
        (await db.Cases.FromSql($"SELECT *, xmin FROM cases WHERE id = {id} FOR UPDATE").ToListAsync(ct)).Single();

    private static ActionResult Fail(ServiceError error) => new(null, error);

    /// <summary>
    /// A person's action made the workflow fault (an admin's version with a mistake the validator cannot see, such as an
    /// expression's value): the run was rolled back, so its incident was too. It is written again on its own, so the
    /// admins find it among the instance's incidents, and the person is given its number.
    /// </summary>
    private static ServiceError WorkflowFaulted(long incident) => new ServiceError.Conflict(new(
        $"流程出错，此操作未生效，未做任何更改。已记为流程故障 #{incident}，请把这个编号告诉园区管理员。",
        $"The workflow failed on this action, so nothing changed. It is recorded as workflow incident #{incident}: give this number to the zone's admins."));

    private async Task<long> RecordRefusedFaultAsync(Guid instanceId, Incident? incident, string outcome, CancellationToken ct)
    {
        db.DiscardChanges();
        var message = $"{incident?.Message ?? "The workflow faulted."} [操作 {outcome} 已回滚 / the action {outcome} was rolled back]";
        // Written on its own, after the rollback, with its number returned for the person to quote.
        return (await db.Database.SqlQuery<long>($"""
            INSERT INTO workflow_incidents (instance_id, activity_id, activity_type, message, at)
            VALUES ({instanceId}, {incident?.ActivityId}, {incident?.ActivityType}, {message}, {clock.GetUtcNow()})
            RETURNING id AS "Value"
            """).ToListAsync(ct)).Single();
    }

    /// <summary>A leader's reminder note over the limit every note has (it goes into the handler's mail): refused.</summary>
    private static ActionResult? ReminderNoteTooLong(string? note)
    {
        var v = new Validation();
        v.MaxLength("note", note, 2000);
        return v.IsValid ? null : Fail(new ServiceError.Invalid(v));
    }

    /// <summary>Next number of the year in the zone, e.g. AYKF-2026-000123, and the new case's id (CaseNumbers).</summary>
    private Task<(string Number, long CaseId)> NextNumberAsync(DateTimeOffset now, CancellationToken ct) =>
        numbers.NextAsync(db, options.Value.CaseNumberPrefix, TimeZoneInfo.ConvertTime(now, calendars.TimeZone).Year, ct);
}
