using Liaison.Server.Auth;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Mail;

/// <summary>Admins see what mail is waiting or failed, and may send a test mail through the real path.</summary>
public static class OutboxApi
{
    public static RouteGroupBuilder MapOutboxApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/admin/outbox").WithTags("Mail").RequirePolicy(Policies.Admin);
        api.MapGet("/", List);
        api.MapPost("/test", SendTest);
        return api;
    }

    public static async Task<Results<Ok<List<OutboxItemDto>>, BadRequestProblem>> List(LiaisonDbContext db, string? status, CancellationToken ct)
    {
        var query = db.Outbox.AsNoTracking();
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<OutboxStatus>(status, ignoreCase: true, out var s))
            {
                return Problems.BadRequest("status 只能是 pending、sent 或 failed", "status must be pending, sent or failed");
            }

            query = query.Where(m => m.Status == s);
        }

        var rows = await query.OrderByDescending(m => m.CreatedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(OutboxItemDto.From).ToList());
    }

    public static async Task<Results<Accepted<OutboxItemDto>, ValidationProblem>> SendTest(
        TestMailRequest request, LiaisonDbContext db, Outbox outbox, CancellationToken ct)
    {
        var v = new Validation();
        var to = v.Required("to", request.To, 254);
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
}

public sealed record TestMailRequest(string? To);

public sealed record OutboxItemDto(
    Guid Id, string MessageId, string Kind, string To, string Subject, OutboxStatus Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset? SentAt, int? LastSmtpStatus, string? LastError, long? CaseId)
{
    public static OutboxItemDto From(OutboxMessage m) => new(
        m.Id, m.MessageId, m.Kind, m.ToAddress, m.Subject, m.Status, m.Attempts, m.CreatedAt, m.SentAt, m.LastSmtpStatus, m.LastError, m.CaseId);
}
