using System.Security.Claims;
using Liaison.Cases.Common;
using Liaison.Server.Admin;
using Liaison.Server.Audit;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Liaison.Server.Pages;
using Microsoft.AspNetCore.Mvc;
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

    /// <summary>Sent mail per page: the tab pages back through all of it, older page by older page.</summary>
    internal const int SentPage = 100;

    private static async Task<IResult> Index(
        LiaisonDbContext db, IMailTransport transport, int? retried, string? show, string? q,
        [FromQuery(Name = Problems.PagingCursor)] Guid? before, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(show) && !string.Equals(show, "sent", StringComparison.OrdinalIgnoreCase))
        {
            // The tabs are "waiting or refused" (no show) and "sent": another value would quietly show the first.
            return PageResults.Message(new MessageModel(new Text("筛选条件无效", "Invalid filter"),
                    new Text($"show 只能是 sent（已发送），或不填（待发送和发送失败）：{show}", $"show must be sent, or left out for waiting and refused mail, not '{show}'"),
                    "/admin/outbox", new Text("清除筛选", "Clear the filters")),
                StatusCodes.Status400BadRequest);
        }

        var search = await OutboxSearch.OfAsync(db, q, ct);
        if (string.Equals(show, "sent", StringComparison.OrdinalIgnoreCase))
        {
            var sent = await Newest(OutboxStatus.Sent, SentPage + 1, before);
            var older = sent.Count > SentPage ? sent[SentPage - 1].Id : (Guid?)null;
            sent = sent.Take(SentPage).ToList();
            return PageResults.Page<OutboxAdminPage>(new OutboxAdminModel(sent, retried, Held: !transport.Sends, Sent: true, await CaseNumbersAsync(sent))
            {
                Search = search, Older = older, Paged = before is not null, DevMailbox = transport is DevMailboxTransport,
            });
        }

        // Refused mail first, then waiting mail, each newest first from its own partial index: one query over "not
        // sent" would sort every unsent row, and read the whole outbox to find them.
        var rows = await Newest(OutboxStatus.Failed, Shown, null);
        rows.AddRange(await Newest(OutboxStatus.Pending, Shown - rows.Count, null));
        return PageResults.Page<OutboxAdminPage>(new OutboxAdminModel(rows, retried, Held: !transport.Sends, CaseNumbers: await CaseNumbersAsync(rows))
        {
            Search = search, DevMailbox = transport is DevMailboxTransport,
        });

        Task<List<OutboxItemDto>> Newest(OutboxStatus status, int count, Guid? olderThan) =>
            OutboxApi.Items(OutboxApi.NewestFirst(OutboxApi.Before(search.Apply(db.Outbox.AsNoTracking().Where(m => m.Status == status)), olderThan), status)
                .Take(count)).ToListAsync(ct);

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
        if (outcome == OutboxRetry.Outcome.NotFound)
        {
            // As the API answers: no such mail, not "nothing to retry".
            return PageResults.Message(new MessageModel(MessageModel.NotFoundTitle,
                    new Text("没有这封邮件", "No such mail"), "/admin/outbox", new Text("返回发件箱", "Back to the outbox")),
                StatusCodes.Status404NotFound);
        }

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
    /// <summary>Development with no SMTP host: mail goes to the dev mailbox, never out (<see cref="DevMailboxTransport"/>).</summary>
    public bool DevMailbox { get; init; }

    /// <summary>What the admin looked for; <see cref="OutboxSearch.None"/> for all mail.</summary>
    public OutboxSearch Search { get; init; } = OutboxSearch.None;

    /// <summary>The last sent mail listed, when older mail follows: the next page starts below it.</summary>
    public Guid? Older { get; init; }

    /// <summary>This page of sent mail is not the newest.</summary>
    public bool Paged { get; init; }

    /// <summary>This tab's address with the search kept, optionally from below a mail.</summary>
    public string Url(bool sent, Guid? before = null)
    {
        var query = new List<string>();
        if (sent)
        {
            query.Add("show=sent");
        }

        if (Search.Query is { } q)
        {
            query.Add($"q={Uri.EscapeDataString(q)}");
        }

        if (before is { } id)
        {
            query.Add($"{Problems.PagingCursor}={id}");
        }

        return query.Count == 0 ? "/admin/outbox" : $"/admin/outbox?{string.Join('&', query)}";
    }

    /// <summary>The SMTP answer as the server gave it: its code once (the relay's error text may already start with it).</summary>
    public static string? ErrorOf(OutboxItemDto m) => m.LastSmtpStatus is { } code && m.LastError?.StartsWith($"{code} ", StringComparison.Ordinal) != true
        ? $"{code} {m.LastError}".TrimEnd()
        : m.LastError;
}

/// <summary>
/// The outbox page's search box: an address (it has an @) finds the mail to it, letter case aside; anything else is a
/// case number and finds the mail about that case. Both are exact, so an index answers them in an outbox of millions.
/// </summary>
/// <param name="Query">What was typed, trimmed; null for no search.</param>
/// <param name="CaseId">The case of that number; null when the query is an address, or no case has that number.</param>
public sealed record OutboxSearch(string? Query, bool IsAddress, long? CaseId)
{
    public const int MaxLength = 254;

    public static readonly OutboxSearch None = new(null, false, null);

    public static async Task<OutboxSearch> OfAsync(LiaisonDbContext db, string? q, CancellationToken ct)
    {
        var query = q?.Trim() is { Length: > 0 } t ? t[..Math.Min(t.Length, MaxLength)] : null;
        if (query is null)
        {
            return None;
        }

        return query.Contains('@')
            ? new OutboxSearch(query, IsAddress: true, null)
            : new OutboxSearch(query, IsAddress: false, await OutboxApi.CaseIdAsync(db, query, ct));
    }

    /// <summary>A case number no case has: the page says so rather than listing nothing silently.</summary>
    public bool UnknownCase => Query is not null && !IsAddress && CaseId is null;

    public IQueryable<OutboxMessage> Apply(IQueryable<OutboxMessage> mail) => Query switch
    {
        null => mail,
        _ when IsAddress => OutboxApi.ToRecipient(mail, Query),
        _ when CaseId is { } id => mail.Where(m => m.CaseId == id),
        _ => mail.Where(m => false),
    };
}
