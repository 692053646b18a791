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
            var sent = await Newest(OutboxStatus.Sent, Shown);
            return Pages.PageResults.Page<OutboxAdminPage>(new OutboxAdminModel(sent, retried, Held: !transport.Sends, Sent: true, await CaseNumbersAsync(sent)));
        }

        // Refused mail first, then waiting mail, each newest first from its own partial index: one query over "not
        // sent" would sort every unsent row, and read the whole outbox to find them.
        var rows = await Newest(OutboxStatus.Failed, Shown);
        rows.AddRange(await Newest(OutboxStatus.Pending, Shown - rows.Count));
        return Pages.PageResults.Page<OutboxAdminPage>(new OutboxAdminModel(rows, retried, Held: !transport.Sends, CaseNumbers: await CaseNumbersAsync(rows)));

        Task<List<OutboxItemDto>> Newest(OutboxStatus status, int count) =>
            OutboxApi.Items(OutboxApi.NewestFirst(db.Outbox.AsNoTracking().Where(m => m.Status == status), status).Take(count)).ToListAsync(ct);

        // The cases the listed mail is about, by number: a refused mail's row links to its case.
        async Task<IReadOnlyDictionary<long, string>> CaseNumbersAsync(List<OutboxItemDto> mails)
        {
            var ids = mails.Select(m => m.CaseId).OfType<long>().Distinct().ToList();
            return ids.Count == 0 ? new Dictionary<long, string>()
                : await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Number, ct);
        }
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
/// <param name="CaseNumbers">The numbers of the cases the mail is about, by case id.</param>
public sealed record OutboxAdminModel(
    IReadOnlyList<OutboxItemDto> Mails, int? Retried, bool Held = false, bool Sent = false, IReadOnlyDictionary<long, string>? CaseNumbers = null)
{
    /// <summary>The SMTP answer as the server gave it: its code once (the relay's error text may already start with it).</summary>
    public static string? ErrorOf(OutboxItemDto m) => m.LastSmtpStatus is { } code && m.LastError?.StartsWith($"{code} ", StringComparison.Ordinal) != true
        ? $"{code} {m.LastError}".TrimEnd()
        : m.LastError;
}
