using Liaison.Server.Data;
using Liaison.Server.Mail;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Storage;

/// <summary>Insert-only rows appended to the DbContext (AppendOnlyRows): written at SaveChanges, as EF would write them, or not at all.</summary>
public sealed class AppendOnlyRowsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 30, 15, TimeSpan.FromHours(8));
    private LiaisonApp _app = null!;

    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(AppendOnlyRowsTests), withSmtp: false);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static OutboxMessage Mail(int i) => new()
    {
        Id = Guid.CreateVersion7(At),
        MessageId = $"append-{i}@liaison.anyue",
        ToAddress = $"to{i}@anyue.example",
        ToName = i % 2 == 0 ? null : $"收件人 {i}",
        Subject = $"【测试】{i}",
        TextBody = $"正文 {i}",
        HtmlBody = i % 3 == 0 ? null : $"<p>{i}</p>",
        Kind = "test",
        Status = i % 5 == 0 ? OutboxStatus.Failed : OutboxStatus.Pending,
        Attempts = i % 4,
        CreatedAt = At,
        NextAttemptAt = At.AddMinutes(i),
        LastSmtpStatus = i % 5 == 0 ? 550 : null,
    };

    [Fact]
    public async Task Rows_of_any_count_are_stored_as_EF_stores_them()
    {
        // 85 rows: statements of 64, 16, 4 and 1 rows.
        var appended = Enumerable.Range(1, 85).Select(Mail).ToList();
        await _app.WithDbAsync(async db =>
        {
            appended.ForEach(db.Append);
            var written = await db.SaveChangesAsync();
            Assert.Equal(85, written);
            Assert.Empty(db.ChangeTracker.Entries());
            return 0;
        });

        var stored = await _app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "test").ToDictionaryAsync(m => m.Id));
        Assert.Equal(85, stored.Count);
        foreach (var a in appended)
        {
            var s = stored[a.Id];
            Assert.Equal((a.MessageId, a.ToAddress, a.ToName, a.Subject, a.TextBody, a.HtmlBody, a.Status, a.Attempts, a.LastSmtpStatus),
                (s.MessageId, s.ToAddress, s.ToName, s.Subject, s.TextBody, s.HtmlBody, s.Status, s.Attempts, s.LastSmtpStatus));
            Assert.Equal(a.CreatedAt, s.CreatedAt); // the same instant, +08:00 written as UTC
            Assert.Equal(a.NextAttemptAt, s.NextAttemptAt);
        }

        // Enums by name, as EF's conversion stores them.
        var failed = await _app.WithDbAsync(db => db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM mail_outbox WHERE kind = 'test' AND status = 'Failed'").SingleAsync());
        Assert.Equal(17, failed);
    }

    [Fact]
    public async Task A_large_mail_body_is_stored_compressed_with_lz4()
    {
        // A digest's HTML: large and repetitive, so PostgreSQL compresses it (lz4 by the column's setting, not pglz).
        var mail = Mail(1000);
        mail.HtmlBody = string.Concat(Enumerable.Range(1, 400).Select(n => $"<p style=\"margin:0 0 8px;color:#374151;\">事项 AYKF-2026-{n:D6}</p>"));
        await _app.WithDbAsync(async db =>
        {
            db.Append(mail);
            return await db.SaveChangesAsync();
        });

        var method = await _app.WithDbAsync(db => db.Database
            .SqlQuery<string>($"SELECT pg_column_compression(html_body) AS \"Value\" FROM mail_outbox WHERE id = {mail.Id}").SingleAsync());
        Assert.Equal("lz4", method);
        Assert.Equal(mail.HtmlBody, await _app.WithDbAsync(db => db.Outbox.Where(m => m.Id == mail.Id).Select(m => m.HtmlBody).SingleAsync()));
    }

    [Fact]
    public async Task Rows_appended_in_a_rolled_back_transaction_are_not_written_later()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            db.Append(Mail(1));
            await db.SaveChangesAsync();
            db.Append(Mail(2));
            await tx.RollbackAsync();
        }

        db.DiscardChanges();
        Assert.Equal(0, await db.SaveChangesAsync());
        Assert.False(await db.Outbox.AnyAsync(m => m.Kind == "test"));
    }
}
