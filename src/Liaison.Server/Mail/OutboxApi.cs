using System.Linq.Expressions;
using System.Security.Claims;
using Liaison.Cases.Common;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Mail;

/// <summary>Admins see what mail is waiting or failed, retry refused mail, and may send a test mail through the real path.</summary>
public static class OutboxApi
{
    public static RouteGroupBuilder MapOutboxApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/admin/outbox").WithTags("Mail").RequirePolicy(Policies.Admin);
        api.MapGet("/", List);
        api.MapPost("/test", SendTest);
        api.MapPost("/{id:guid}/retry", Retry);
        api.MapPost("/retry-failed", RetryFailed);
        return api;
    }

    public static async Task<Results<Ok<List<OutboxItemDto>>, BadRequestProblem>> List(
        LiaisonDbContext db, string? status, string? to, [FromQuery(Name = "case")] string? caseNumber,
        [FromQuery(Name = Problems.PagingCursor)] Guid? before, CancellationToken ct)
    {
        var query = db.Outbox.AsNoTracking();
        OutboxStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!EnumNames.TryParse<OutboxStatus>(status, out var s))
            {
                return Problems.BadRequest("status 只能是 pending、sent 或 failed", "status must be pending, sent or failed");
            }

            filter = s;
            query = query.Where(m => m.Status == s);
        }

        if (!string.IsNullOrWhiteSpace(to))
        {
            query = ToRecipient(query, to);
        }

        if (!string.IsNullOrWhiteSpace(caseNumber))
        {
            // No case of that number has no mail (not the mail of no case).
            var caseId = await CaseIdAsync(db, caseNumber, ct);
            query = caseId is { } id ? query.Where(m => m.CaseId == id) : query.Where(m => false);
        }

        if (before is not null && filter is OutboxStatus.Pending or OutboxStatus.Failed)
        {
            // Those are listed in the order they were queued (created_at), which a mail's id follows only to the millisecond.
            return Problems.BadRequest("before 只用于已发送邮件或全部邮件（status=sent 或不填）", "before pages sent mail or all mail only (status=sent or none)");
        }

        return TypedResults.Ok(await Items(NewestFirst(Before(query, before), filter).Take(500)).ToListAsync(ct));
    }

    /// <summary>
    /// Mail to one address, letter case aside: the index on <c>lower(to_address)</c> (migration
    /// <c>OutboxRecipientIndex</c>) finds it in an outbox of millions.
    /// </summary>
    internal static IQueryable<OutboxMessage> ToRecipient(IQueryable<OutboxMessage> query, string address)
    {
        var lower = address.Trim().ToLowerInvariant();
        return query.Where(m => m.ToAddress.ToLower() == lower);
    }

    /// <summary>The id of the case of that number (letter case aside), or null when there is none.</summary>
    internal static async Task<long?> CaseIdAsync(LiaisonDbContext db, string number, CancellationToken ct)
    {
        var typed = number.Trim();
        var upper = typed.ToUpperInvariant();
        return await db.Cases.AsNoTracking().Where(c => c.Number == typed || c.Number == upper).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Mail older than the one of that id, for the next page: ids are UUIDv7 in creation order (see
    /// <see cref="NewestFirst"/>), so the page after a row starts below its id.
    /// </summary>
    internal static IQueryable<OutboxMessage> Before(IQueryable<OutboxMessage> query, Guid? before) =>
        before is { } id ? query.Where(m => m.Id.CompareTo(id) < 0) : query;

    /// <summary>
    /// Newest first, in an order an index keeps, so a large outbox is not sorted for a page. Pending and failed mail
    /// have partial indexes in <see cref="OutboxMessage.CreatedAt"/> order. All mail, or sent mail, is read from the
    /// primary key's end: the id is a UUIDv7 taken from the same clock reading as CreatedAt (<see cref="Outbox.Add"/>),
    /// so the key's order is the creation order to the millisecond.
    /// </summary>
    internal static IQueryable<OutboxMessage> NewestFirst(IQueryable<OutboxMessage> query, OutboxStatus? status) =>
        status is OutboxStatus.Pending or OutboxStatus.Failed
            ? query.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            : query.OrderByDescending(m => m.Id);

    /// <summary>
    /// The listed columns only. A mail's bodies (10–20 KB each, compressed out of line) are never shown in a list:
    /// reading whole rows made PostgreSQL fetch and decompress 500 bodies per page, and the server hold them.
    /// </summary>
    internal static IQueryable<OutboxItemDto> Items(IQueryable<OutboxMessage> query) =>
        query.Select(OutboxItemDto.Projection);

    public static async Task<Results<Accepted<OutboxItemDto>, ValidationProblem>> SendTest(
        TestMailRequest request, LiaisonDbContext db, Outbox outbox, CancellationToken ct)
    {
        var v = new Validation();
        var to = v.RequiredLine("to", request.To, 254);
        if (to.Length > 0 && !Liaison.Cases.Common.EmailAddress.IsValid(to))
        {
            v.Add("to", "邮箱地址格式不正确", "is not a valid email address");
        }

        if (!v.IsValid)
        {
            return Problems.Invalid(v);
        }

        var row = outbox.Add(db, new OutgoingMail(
            to, null, "Liaison 测试邮件 / test mail",
            "这是一封测试邮件。\nThis is a test mail.",
            HtmlBody: null,
            Kind: "test"));
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted($"/api/admin/outbox", OutboxItemDto.From(row));
    }

    /// <summary>A mail the SMTP server refused (5xx) goes back to the queue, due now, with the same Message-ID.</summary>
    public static async Task<Results<Ok<OutboxItemDto>, NotFoundProblem, ConflictProblem>> Retry(
        Guid id, ClaimsPrincipal user, LiaisonDbContext db, TimeProvider clock, OutboxPump pump, CancellationToken ct)
    {
        var (outcome, row) = await OutboxRetry.RetryAsync(db, clock, id, Actor.Of(user), ct);
        switch (outcome)
        {
            case OutboxRetry.Outcome.NotFound:
                return Problems.NotFound("没有这封邮件", "No such mail");
            case OutboxRetry.Outcome.NotFailed:
                return Problems.Conflict("只有发送失败的邮件可以重试", "Only a failed mail can be retried");
            default:
                pump.Nudge();
                return TypedResults.Ok(OutboxItemDto.From(row!));
        }
    }

    /// <summary>Every failed mail goes back to the queue.</summary>
    public static async Task<Ok<RetriedMail>> RetryFailed(ClaimsPrincipal user, LiaisonDbContext db, TimeProvider clock, OutboxPump pump, CancellationToken ct)
    {
        var retried = await OutboxRetry.RetryAllFailedAsync(db, clock, Actor.Of(user), ct);
        if (retried > 0)
        {
            pump.Nudge();
        }

        return TypedResults.Ok(new RetriedMail(retried));
    }
}

public sealed record RetriedMail(int Retried);

public sealed record TestMailRequest(string? To);

/// <param name="DeliveredVia">
/// Where mail marked sent went: <c>smtp</c>, or <c>dev-mailbox</c> (<see cref="DevMailboxTransport"/>: kept in this
/// server's dev mailbox, never sent); null for mail not sent.
/// </param>
public sealed record OutboxItemDto(
    Guid Id, string MessageId, string Kind, string To, string Subject, OutboxStatus Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset? SentAt, int? LastSmtpStatus, string? LastError, long? CaseId, string? DeliveredVia)
{
    /// <summary>One mapping for rows in memory and for queries, which read only these columns.</summary>
    internal static readonly Expression<Func<OutboxMessage, OutboxItemDto>> Projection = m => new OutboxItemDto(
        m.Id, m.MessageId, m.Kind, m.ToAddress, m.Subject, m.Status, m.Attempts, m.CreatedAt, m.SentAt, m.LastSmtpStatus, m.LastError, m.CaseId,
        m.DeliveredVia);

    /// <summary>Mail "sent" to the dev mailbox: it never left this server.</summary>
    public bool InDevMailbox => Status == OutboxStatus.Sent && DeliveredVia == DevMailboxTransport.TransportName;

    private static readonly Func<OutboxMessage, OutboxItemDto> FromRow = Projection.Compile();

    public static OutboxItemDto From(OutboxMessage m) => FromRow(m);
}
