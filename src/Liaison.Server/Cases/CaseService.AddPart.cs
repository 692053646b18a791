using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Notifications;
using Liaison.Cases.Routing;
using Liaison.Cases.Routing.Activities;
using Liaison.Server.Common;
using Liaison.Server.Workflows;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

public sealed partial class CaseService
{
    /// <param name="DepartmentCode">The department that joins the case as a co-handler (协办).</param>
    /// <param name="Task">Its task note (协办任务), optional.</param>
    /// <param name="Note">The officer's note on the timeline, optional.</param>
    /// <param name="RequestId">Optional idempotency key: the same request again adds the department once.</param>
    /// <param name="Basis">Optional: the case as the officer saw it (<see cref="DecisionBasis"/>); refused when it changed since.</param>
    public sealed record AddPartInput(string? DepartmentCode, string? Task = null, string? Note = null, Guid? RequestId = null, string? Basis = null);

    /// <summary>The case's states in which a co-handling department may join: the lead department is working on it.</summary>
    private static readonly CaseStatus[] PartsMayJoin = [CaseStatus.Dispatched, CaseStatus.Accepted, CaseStatus.InProgress];

    /// <summary>
    /// 增加协办部门: a department joins a case under way as a co-handler, found to be needed after the open. Its part starts
    /// as a joint case's parts do at the open: its own child workflow under the case's (dispatch mail, links, deadlines
    /// counted from now and never after the lead's less its lead time, escalation ladder), and the lead resolves once its
    /// part is in too. Only while the lead department works on the case (派单, 签收, 办理中); a department that had a part
    /// of the case (also an ended one) or leads it cannot join.
    /// </summary>
    public async Task<ActionResult> AddPartAsync(string number, string officer, AddPartInput input, CancellationToken ct)
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
        var code = input.DepartmentCode?.Trim();
        var task = input.Task?.Trim();
        var note = input.Note?.Trim();
        var fingerprint = RequestFingerprint.Of(code, task, note);
        if (await EarlierAsync(input.RequestId, c, AddPartAction, fingerprint, null, ct) is { } earlier)
        {
            return earlier;
        }

        if (Validation.Optional(input.Basis) is { } seen && seen != DecisionBasis.Of(c))
        {
            return Fail(await ChangedSinceAsync(c, null, ct));
        }

        if (!PartsMayJoin.Contains(c.Status) || c.WorkflowInstanceId is not { } leadInstance)
        {
            var state = CaseStatuses.Label(c.Status);
            return Fail(new ServiceError.NotAllowed(new(
                $"事项{state.Zh}，不能再增加协办部门（仅在主办部门办理期间可以增加）",
                $"The case is {state.En}; a co-handling department can join only while the lead department works on it")));
        }

        var v = new Validation();
        v.MaxLength("task", task, CasePart.MaxTaskLength);
        v.MaxLength("note", note, 2000);
        if (string.IsNullOrEmpty(code))
        {
            v.Add("departmentCode", "必填：请选择协办部门", "is required: choose the co-handling department");
        }
        else if (!await db.Departments.AnyAsync(d => d.Code == code && d.Active, ct))
        {
            v.Add("departmentCode", $"没有代码为 {code} 的在用部门", $"no active department has the code '{code}'");
        }
        else
        {
            await RefuseAsCoHandlerAsync(v, c, code, ct);
            if (v.IsValid && await db.Set<CasePart>().CountAsync(p => p.CaseId == c.Id, ct) >= CasePart.MaxPerCase)
            {
                v.Add("departmentCode", $"协办部门最多 {CasePart.MaxPerCase} 个", $"at most {CasePart.MaxPerCase} co-handling departments");
            }
        }

        if (!v.IsValid)
        {
            return Fail(new ServiceError.Invalid(v));
        }

        var now = clock.GetUtcNow();
        RecordRequest(input.RequestId, c, AddPartAction, fingerprint, now);
        var part = new CasePart { CaseId = c.Id, DepartmentCode = code!, Task = string.IsNullOrEmpty(task) ? null : task };
        db.Set<CasePart>().Add(part);
        // Saved before its workflow starts: the child is correlated with the part's id.
        await db.SaveChangesAsync(ct);
        CaseTimeline.Add(db, c, now, CaseEventKinds.PartAdded, officer, string.IsNullOrEmpty(note) ? null : note,
            new { department = part.DepartmentCode, task = part.Task }, part);

        var parent = await db.Set<WorkflowInstanceRecord>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == leadInstance, ct);
        var context = await routing.CreateAsync(db, c, part, ct);
        context.Set(CaseEffectHandler.ActorKey, officer);
        var instance = await workflows.StartAsync(db, DispatchParts.DefaultWorkflow, new Dictionary<string, object?> { ["partId"] = part.Id },
            PartCorrelation.Of(c.Id, part.Id), context, ct, parent: parent);
        if (instance.Status == WorkflowStatus.Faulted)
        {
            await tx.RollbackAsync(ct);
            var fault = FaultOf(instance);
            log.LogError("The co-handler workflow {DefinitionId} v{Version} faulted dispatching an added part of case {Case}; nothing was added: {Fault}",
                instance.DefinitionId, instance.DefinitionVersion, c.Number, fault);
            db.DiscardChanges();
            return Fail(new ServiceError.Conflict(new(
                $"流程 {instance.DefinitionId} 第 {instance.DefinitionVersion} 版无法派单，协办部门未增加，请联系管理员（{fault}）",
                $"the workflow {instance.DefinitionId} v{instance.DefinitionVersion} could not dispatch the part, so nothing was added; ask an admin ({fault})")));
        }

        // The lead's handler hears of it in the case's thread: it resolves once this part is in too.
        await mailer.SendAsync(db, c, CaseMailKind.PartAdded, [Audiences.Handler],
            new CaseMailer.Extras(string.IsNullOrEmpty(note) ? null : note, AboutPart: part, Actor: officer), ct);
        return await CommitAsync(tx, c, ct);
    }

    /// <summary>How an added co-handler is recorded against its request id.</summary>
    private const string AddPartAction = "add-part";
}
