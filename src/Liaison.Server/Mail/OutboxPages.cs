using System.Security.Claims;
using Liaison.Server.Admin;
using Liaison.Server.Audit;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Mail;

/// <summary>
/// The admin's outbox page: mail that is waiting or was refused, with a retry button for refused mail; or
/// (<c>?show=sent</c>) the newest mail sent, to answer "did it go out, and when?".
/// </summary>
public static class OutboxPages
{
    public static IEndpointRouteBuilder MapOutboxPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapAdminPageGroup("admin/outbox");
        pages.MapGet("/", Index);
        pages.MapPost("/{id:guid}/retry", Retry);
        pages.MapPost("/retry-failed", RetryFailed);
        return app;
    }

    private const int Shown = 200;

    private static async Task<IResult> Index(LiaisonDbContext db, IMailTransport transport, int? retried, string? show, CancellationToken ct)
    {
        if (string.Equals(show, "sent", StringComparison.OrdinalIgnoreCase))
        {
            return Pages.PageResults.Page<OutboxAdminPage>(new OutboxAdminModel(await Newest(OutboxStatus.Sent, Shown), retried, Held: !transport.Sends, Sent: true));
        }

        // Refused mail first, then waiting mail, each newest first from its own partial index: one query over "not
        // sent" would sort every unsent row, and read the whole outbox to find them.
        var rows = await Newest(OutboxStatus.Failed, Shown);
        rows.AddRange(await Newest(OutboxStatus.Pending, Shown - rows.Count));
        return Pages.PageResults.Page<OutboxAdminPage>(new OutboxAdminModel(rows, retried, Held: !transport.Sends));

        Task<List<OutboxItemDto>> Newest(OutboxStatus status, int count) =>
            OutboxApi.Items(OutboxApi.NewestFirst(db.Outbox.AsNoTracking().Where(m => m.Status == status), status).Take(count)).ToListAsync(ct);
    }

    private static async Task<IResult> Retry(Guid id, ClaimsPrincipal user, LiaisonDbContext db, TimeProvider clock, OutboxPump pump, CancellationToken ct)
    {
        var (outcome, _) = await OutboxRetry.RetryAsync(db, clock, id, Actor.Of(user), ct);
        if (outcome == OutboxRetry.Outcome.Queued)
        {
            pump.Nudge();
        }

        return Results.Redirect($"/admin/outbox?retried={(outcome == OutboxRetry.Outcome.Queued ? 1 : 0)}");
    }

    private static async Task<IResult> RetryFailed(ClaimsPrincipal user, LiaisonDbContext db, TimeProvider clock, OutboxPump pump, CancellationToken ct)
    {
        var retried = await OutboxRetry.RetryAllFailedAsync(db, clock, Actor.Of(user), ct);
        if (retried > 0)
        {
            pump.Nudge();
        }

        return Results.Redirect($"/admin/outbox?retried={retried}");
    }
}

/// <param name="Held">No SMTP host outside Development: the waiting mail is held, not sent (<see cref="HeldMailTransport"/>).</param>
/// <param name="Sent">The list is of mail sent (the newest), not of mail waiting or refused.</param>
public sealed record OutboxAdminModel(IReadOnlyList<OutboxItemDto> Mails, int? Retried, bool Held = false, bool Sent = false);
