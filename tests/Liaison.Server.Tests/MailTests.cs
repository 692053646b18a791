using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Server.Mail;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests;

/// <summary>The outbox and its relay against a real SMTP listener; a fresh server and database per test.</summary>
public sealed class MailTests : IAsyncLifetime
{
    private LiaisonApp _app = null!;

    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(MailTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static OutgoingMail Mail(string to = "handler@anyue.example", string? threadRoot = null) =>
        new(to, "张三", "【派单】测试事项", "纯文本正文 https://liaison.test.example/l/abc", "<p>HTML 正文</p>", "dispatch", ThreadRootMessageId: threadRoot);

    [Fact]
    public async Task An_outbox_row_reaches_the_smtp_server_with_its_own_message_id_and_both_bodies()
    {
        var row = await _app.QueueMailAsync(Mail());

        var report = await _app.RelayMailAsync();
        var received = Assert.Single(await _app.Smtp!.WaitForAsync(1));

        Assert.Equal(1, report.Sent);
        Assert.Equal(row.MessageId, received.MessageId);
        Assert.Equal("handler@anyue.example", received.To.Mailboxes.Single().Address);
        Assert.Equal("【派单】测试事项", received.Subject);
        Assert.Contains("纯文本正文", received.TextBody);
        Assert.Contains("HTML 正文", received.HtmlBody);
        var stored = await _app.WithDbAsync(db => db.Outbox.SingleAsync(m => m.Id == row.Id));
        Assert.Equal(OutboxStatus.Sent, stored.Status);
        Assert.Equal("smtp", stored.DeliveredVia);
    }

    [Fact]
    public async Task A_sent_mail_keeps_its_text_but_not_its_personal_links_tokens()
    {
        const string token = "Q2FzZS1saW5rLXRva2VuLWZvci10aGUtdGVzdC0xMjM", enterpriseToken = "RW50ZXJwcmlzZS1saW5rLXRva2VuLWZvci10ZXN0LTQ1";
        var row = await _app.QueueMailAsync(new OutgoingMail("handler@anyue.example", "张三", "【派单】令牌测试",
            $"请签收 https://liaison.test.example/l/{token} 企业 https://liaison.test.example/e/{enterpriseToken}",
            $"<p><a href=\"https://liaison.test.example/l/{token}\">签收</a></p>", "dispatch"));

        await _app.RelayMailAsync();
        var received = Assert.Single(await _app.Smtp!.WaitForAsync(1));

        // The recipient gets the links; the outbox keeps what the mail said, the tokens masked (the database has only their hashes).
        Assert.Contains(token, received.TextBody);
        Assert.Contains(token, received.HtmlBody);
        var stored = await _app.WithDbAsync(db => db.Outbox.SingleAsync(m => m.Id == row.Id));
        Assert.Equal(OutboxStatus.Sent, stored.Status);
        Assert.Equal("请签收 https://liaison.test.example/l/*** 企业 https://liaison.test.example/e/***", stored.TextBody);
        Assert.Equal("<p><a href=\"https://liaison.test.example/l/***\">签收</a></p>", stored.HtmlBody);
    }

    [Fact]
    public async Task A_second_relay_run_sends_nothing_again()
    {
        await _app.QueueMailAsync(Mail());
        await _app.RelayMailAsync();
        await _app.Smtp!.WaitForAsync(1);

        var second = await _app.RelayMailAsync();

        Assert.Equal(0, second.Sent);
        Assert.Equal(1, _app.Smtp.Attempts);
    }

    [Fact]
    public async Task Concurrent_relays_send_each_mail_once()
    {
        for (var i = 0; i < 30; i++)
        {
            await _app.QueueMailAsync(Mail($"h{i}@anyue.example"));
        }

        var reports = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _app.RelayMailAsync()));
        await _app.Smtp!.WaitForAsync(30);

        Assert.Equal(30, reports.Sum(r => r.Sent));
        Assert.Equal(30, _app.Smtp.Received.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(30, _app.Smtp.Attempts);
    }

    [Fact]
    public async Task One_run_sends_more_mail_than_a_scan_takes_oldest_first_and_passes_over_a_mail_another_relay_holds()
    {
        var count = OutboxRelay.CandidatesPerScan * 2 + 5;
        var rows = await QueueInOrderAsync(count);

        // Another relay is in the middle of sending the third mail: it holds the row's lock.
        await using var other = await HoldAsync(rows[2]);

        var first = await _app.RelayMailAsync();
        await other.CloseAsync();
        var second = await _app.RelayMailAsync();
        var received = await _app.Smtp!.WaitForAsync(count);

        Assert.Equal(count - 1, first.Sent);
        // The held mail is the other relay's to send: this one does not report it due (its pump would run again at
        // once, and again, until the other commits).
        Assert.Null(first.NextDueAt);
        Assert.Equal(1, second.Sent);
        Assert.Equal(count, _app.Smtp.Attempts);
        Assert.Equal(rows.Where((_, i) => i != 2).Append(rows[2]).Select(r => r.MessageId), received.Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_claim_that_misses_goes_on_to_the_next_mail_in_the_same_transaction()
    {
        var rows = await QueueInOrderAsync(5);

        // Another relay is sending the second, third and fourth mails: it holds their rows.
        await using var other = await HoldAsync(rows[1], rows[2], rows[3]);

        using var transactions = new TransactionsStarted();
        var report = await _app.RelayMailAsync();

        Assert.Equal(2, report.Sent);
        Assert.Equal([rows[0].MessageId, rows[4].MessageId], (await _app.Smtp!.WaitForAsync(2)).Select(m => m.MessageId));
        // One transaction per mail sent (the three misses go by inside the fifth mail's), and the run's last, which finds
        // nothing more due. A transaction per miss made it six.
        Assert.Equal(3, transactions.Count);
    }

    /// <summary>Queues <paramref name="count"/> mails 10 ms apart, so the relay takes them in this order.</summary>
    private async Task<List<OutboxMessage>> QueueInOrderAsync(int count)
    {
        var rows = new List<OutboxMessage>();
        for (var i = 0; i < count; i++)
        {
            rows.Add(await _app.QueueMailAsync(Mail($"h{i}@anyue.example")));
            _app.Clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        return rows;
    }

    /// <summary>
    /// Another relay in the middle of sending these mails: a connection whose open transaction holds their rows'
    /// locks until it is closed (closing rolls the transaction back).
    /// </summary>
    private async Task<Npgsql.NpgsqlConnection> HoldAsync(params OutboxMessage[] rows)
    {
        var other = new Npgsql.NpgsqlConnection(_app.ConnectionString);
        await other.OpenAsync();
        var holding = await other.BeginTransactionAsync();
        await using var claim = new Npgsql.NpgsqlCommand("SELECT id FROM mail_outbox WHERE id = ANY($1) FOR UPDATE", other, holding);
        claim.Parameters.AddWithValue(rows.Select(r => r.Id).ToArray());
        await claim.ExecuteNonQueryAsync();
        return other;
    }

    /// <summary>Counts the EF transactions begun in the calling test's async flow (other tests run beside it).</summary>
    private sealed class TransactionsStarted : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private static readonly AsyncLocal<TransactionsStarted?> Flow = new();
        private readonly List<IDisposable> _subscriptions = [];
        private int _count;

        public TransactionsStarted()
        {
            Flow.Value = this;
            lock (_subscriptions)
            {
                _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
            }
        }

        public int Count => Volatile.Read(ref _count);

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name)
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(listener.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.TransactionStarted.Name && Flow.Value == this)
            {
                Interlocked.Increment(ref _count);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }
        }
    }

    [Fact]
    public async Task A_mail_committed_behind_a_runs_point_is_reported_due_now_and_the_next_run_sends_it()
    {
        // A transaction that queued its mail before the others and commits while the relay sends them.
        await using var late = _app.Services.CreateAsyncScope();
        var lateDb = late.ServiceProvider.GetRequiredService<Liaison.Server.Data.LiaisonDbContext>();
        await using var lateTx = await lateDb.Database.BeginTransactionAsync();
        var behind = late.ServiceProvider.GetRequiredService<Outbox>().Add(lateDb, Mail("late@anyue.example"));
        await lateDb.SaveChangesAsync();
        var ahead = new List<OutboxMessage>();
        foreach (var to in new[] { "a@anyue.example", "b@anyue.example" })
        {
            // Apart in time, so their order is the relay's (created_at, then a version-7 id, random within a millisecond).
            _app.Clock.Advance(TimeSpan.FromSeconds(1));
            ahead.Add(await _app.QueueMailAsync(Mail(to)));
        }

        var committed = 0;
        _app.Smtp!.OnAccepted = async _ =>
        {
            if (Interlocked.Exchange(ref committed, 1) == 0)
            {
                await lateTx.CommitAsync();
            }
        };

        var first = await _app.RelayMailAsync();
        var second = await _app.RelayMailAsync();
        var received = await _app.Smtp.WaitForAsync(3);

        // The run had scanned past the late mail's place before it was committed.
        Assert.Equal(2, first.Sent);
        Assert.True(first.NextDueAt <= _app.Clock.GetUtcNow(), $"next due {first.NextDueAt}, now {_app.Clock.GetUtcNow()}");
        Assert.Equal(1, second.Sent);
        Assert.Null(second.NextDueAt);
        Assert.Equal(ahead.Append(behind).Select(m => m.MessageId), received.Select(m => m.MessageId));
    }

    [Fact]
    public async Task The_minute_relay_job_leaves_the_mail_to_a_relay_already_running_in_its_process()
    {
        foreach (var to in new[] { "a@anyue.example", "b@anyue.example", "c@anyue.example" })
        {
            _app.Clock.Advance(TimeSpan.FromSeconds(1));
            await _app.QueueMailAsync(Mail(to));
        }

        // The first relay run is in the middle of sending its first mail when the minute job starts.
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.Smtp!.OnAccepted = async _ =>
        {
            sending.TrySetResult();
            await release.Task;
        };
        var pump = _app.Services.GetRequiredService<OutboxPump>();
        await using var runScope = _app.Services.CreateAsyncScope();
        var running = pump.RelayUnlessBusyAsync(runScope.ServiceProvider.GetRequiredService<OutboxRelay>(), CancellationToken.None);
        await sending.Task;

        await using var jobScope = _app.Services.CreateAsyncScope();
        await jobScope.ServiceProvider.GetRequiredService<OutboxRelayJob>().RunAsync(CancellationToken.None);
        var attemptsDuringJob = _app.Smtp.Attempts;
        _app.Smtp.OnAccepted = null;
        release.SetResult();
        var report = await running;
        await _app.Smtp.WaitForAsync(3);

        // Without the gate the job would have sent the two mails the run had not reached.
        Assert.Equal(1, attemptsDuringJob);
        Assert.Equal(3, report!.Sent);
        Assert.Equal(3, _app.Smtp.Attempts);
        // Once the run is over, the job relays again.
        await _app.QueueMailAsync(Mail("d@anyue.example"));
        await using var laterScope = _app.Services.CreateAsyncScope();
        await laterScope.ServiceProvider.GetRequiredService<OutboxRelayJob>().RunAsync(CancellationToken.None);
        await _app.Smtp.WaitForAsync(4);
        Assert.Equal(4, _app.Smtp.Attempts);
    }

    [Fact]
    public async Task Mail_of_a_thread_replies_to_the_first_one()
    {
        var first = await _app.QueueMailAsync(Mail());
        await _app.QueueMailAsync(Mail(threadRoot: first.MessageId));

        await _app.RelayMailAsync();
        var received = await _app.Smtp!.WaitForAsync(2);
        var reply = received.Single(m => m.MessageId != first.MessageId);

        Assert.Equal(first.MessageId, reply.InReplyTo);
        Assert.Equal([first.MessageId], reply.References.ToArray());
    }

    [Fact]
    public async Task A_temporary_4xx_is_retried_after_back_off_and_then_delivered_with_the_same_message_id()
    {
        _app.Smtp!.FailNext(451);
        var row = await _app.QueueMailAsync(Mail());

        var first = await _app.RelayMailAsync();
        var afterFirst = await _app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == row.Id));
        var tooEarly = await _app.RelayMailAsync();
        _app.Clock.Advance(OutboxRelay.BackOff(1) + TimeSpan.FromSeconds(1));
        var later = await _app.RelayMailAsync();
        var received = Assert.Single(await _app.Smtp.WaitForAsync(1));

        Assert.Equal(1, first.Retrying);
        Assert.Equal(OutboxStatus.Pending, afterFirst.Status);
        Assert.Equal(451, afterFirst.LastSmtpStatus);
        Assert.True(afterFirst.NextAttemptAt > _app.Clock.GetUtcNow() - OutboxRelay.BackOff(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, tooEarly.Sent + tooEarly.Retrying);
        Assert.Equal(1, later.Sent);
        Assert.Equal(row.MessageId, received.MessageId);
        Assert.Equal(2, (await _app.WithDbAsync(db => db.Outbox.SingleAsync(m => m.Id == row.Id))).Attempts);
    }

    [Fact]
    public async Task A_permanent_5xx_marks_the_mail_failed_and_admins_see_it()
    {
        _app.Smtp!.FailNext(550);
        var row = await _app.QueueMailAsync(Mail("gone@anyue.example"));

        var report = await _app.RelayMailAsync();
        _app.Clock.Advance(TimeSpan.FromHours(2));
        var again = await _app.RelayMailAsync();
        var admin = await _app.AsAdminAsync();
        var failed = await admin.GetFromJsonAsync<JsonElement[]>("/api/admin/outbox?status=failed");
        var officer = await _app.AsOfficerAsync();

        Assert.Equal(1, report.Failed);
        Assert.Equal(0, again.Sent + again.Retrying + again.Failed);
        Assert.Empty(_app.Smtp.Received);
        var item = Assert.Single(failed!);
        Assert.Equal(row.MessageId, item.GetProperty("messageId").GetString());
        Assert.Equal(550, item.GetProperty("lastSmtpStatus").GetInt32());
        Assert.Equal("failed", item.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/api/admin/outbox")).StatusCode);
        // The failure is logged, but never the recipient: an enterprise contact's email is private.
        Assert.Contains(_app.Logs.Entries, e => e.Message.Contains("rejected permanently"));
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Text.Contains("gone@anyue.example"));
    }

    [Fact]
    public async Task A_case_mail_refused_for_good_is_on_the_cases_timeline_for_its_officer()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        _app.Smtp!.FailNext(550);

        await _app.RelayMailAsync();

        var failed = await _app.WithDbAsync(db => db.Outbox.SingleAsync(m => m.Status == OutboxStatus.Failed));
        var timeline = (await Cases.CaseTestKit.GetCaseAsync(officer, number)).GetProperty("timeline").EnumerateArray().ToList();
        var entry = Assert.Single(timeline, e => e.GetProperty("kind").GetString() == "mail-failed");
        Assert.Equal($"{failed.Kind} → {failed.ToName}", entry.GetProperty("note").GetString());
        Assert.Equal("system", entry.GetProperty("actor").GetString());
        Assert.DoesNotContain(failed.ToAddress, entry.ToString());
    }

    [Theory]
    [InlineData("5.1.1 <zhao@gas.example>: Recipient address rejected", "5.1.1 <<email>>: Recipient address rejected")]
    [InlineData("mailbox unavailable", "mailbox unavailable")]
    public void Smtp_replies_lose_their_addresses_before_they_are_logged(string reply, string logged) =>
        Assert.Equal(logged, OutboxRelay.RedactEmails(reply));

    [Fact]
    public async Task Bad_status_filter_is_400()
    {
        var admin = await _app.AsAdminAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/admin/outbox?status=lost")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/admin/outbox?status=7")).StatusCode);
    }

    [Fact]
    public async Task The_outbox_lists_newest_first_and_the_admin_page_shows_refused_mail_before_waiting_mail()
    {
        async Task<OutboxMessage> QueueAsync(string to)
        {
            _app.Clock.Advance(TimeSpan.FromMinutes(1));
            return await _app.QueueMailAsync(Mail(to));
        }

        var sent = await QueueAsync("sent@anyue.example");
        await _app.RelayMailAsync();
        _app.Smtp!.FailNext(550);
        var refused = await QueueAsync("refused@anyue.example");
        await _app.RelayMailAsync();
        var older = await QueueAsync("older@anyue.example");
        var newer = await QueueAsync("newer@anyue.example");
        var admin = await _app.AsAdminAsync();
        async Task<string[]> ListAsync(string query) =>
            [.. (await admin.GetFromJsonAsync<JsonElement[]>($"/api/admin/outbox{query}"))!.Select(m => m.GetProperty("messageId").GetString()!)];
        var browser = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var page = await browser.GetStringAsync("/admin/outbox");
        int At(OutboxMessage m) => page.IndexOf($"data-mail=\"{m.Id}\"", StringComparison.Ordinal);

        Assert.Equal([newer.MessageId, older.MessageId, refused.MessageId, sent.MessageId], await ListAsync(""));
        Assert.Equal([newer.MessageId, older.MessageId], await ListAsync("?status=pending"));
        Assert.Equal([refused.MessageId], await ListAsync("?status=FAILED"));
        Assert.Equal([sent.MessageId], await ListAsync("?status=sent"));
        Assert.True(At(refused) >= 0 && At(refused) < At(newer) && At(newer) < At(older), "refused mail, then waiting mail newest first");
        Assert.Equal(-1, At(sent));
        // The sent mail has its own list, with when it went out.
        var sentPage = await browser.GetStringAsync("/admin/outbox?show=sent");
        Assert.Contains($"data-mail=\"{sent.Id}\"", sentPage);
        Assert.DoesNotContain($"data-mail=\"{refused.Id}\"", sentPage);
        Assert.Contains("已发送 " + TimeZoneInfo.ConvertTime((await _app.WithDbAsync(db => db.Outbox.SingleAsync(m => m.Id == sent.Id))).SentAt!.Value,
            TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd HH:mm:ss"), sentPage);
        Assert.DoesNotContain("开发邮箱", sentPage);
        Assert.Contains("href=\"/admin/outbox?show=sent\"", page);
    }

    [Fact]
    public async Task Sent_mail_is_found_by_its_recipient_or_its_case_and_pages_back_to_the_oldest()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        var caseId = await _app.WithDbAsync(db => db.Cases.Where(c => c.Number == number).Select(c => c.Id).SingleAsync());
        var toLiaison = new List<OutboxMessage>();
        for (var i = 0; i < OutboxPages.SentPage + 1; i++)
        {
            _app.Clock.Advance(TimeSpan.FromSeconds(1));
            toLiaison.Add(await _app.QueueMailAsync(Mail("Liaison.Zhang@anyue.example")));
        }

        var other = await _app.QueueMailAsync(Mail("other@anyue.example"));
        await _app.WithDbAsync(db => db.Outbox.ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Sent).SetProperty(m => m.SentAt, m => m.CreatedAt)));
        var caseMail = await _app.WithDbAsync(db => db.Outbox.Where(m => m.CaseId == caseId).Select(m => m.Id).ToListAsync());
        var browser = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        static List<string> Listed(string page) => [.. System.Text.RegularExpressions.Regex.Matches(page, "data-mail=\"([^\"]+)\"").Select(m => m.Groups[1].Value)];

        // By address, letter case aside: the newest page, then the older one, which ends the list.
        var first = await browser.GetStringAsync("/admin/outbox?show=sent&q=" + Uri.EscapeDataString(" liaison.zhang@ANYUE.example "));
        Assert.Equal(toLiaison.AsEnumerable().Reverse().Take(OutboxPages.SentPage).Select(m => m.Id.ToString()), Listed(first));
        Assert.Contains("发给 liaison.zhang@ANYUE.example 的邮件", first);
        var older = System.Text.RegularExpressions.Regex.Match(first, "<a href=\"([^\"]+)\" data-older>").Groups[1].Value.Replace("&amp;", "&");
        Assert.Contains($"before={toLiaison[1].Id}", older);
        var second = await browser.GetStringAsync(older);
        Assert.Equal([toLiaison[0].Id.ToString()], Listed(second));
        Assert.DoesNotContain("data-older", second);
        Assert.Contains("最新的邮件", second);
        // By case number: that case's mail only.
        var byCase = await browser.GetStringAsync($"/admin/outbox?show=sent&q={number.ToLowerInvariant()}");
        Assert.NotEmpty(caseMail);
        Assert.Equal(caseMail.Select(id => id.ToString()).Order(), Listed(byCase).Order());
        // A number no case has says so, and lists nothing (not the mail of no case).
        var unknown = await browser.GetStringAsync("/admin/outbox?show=sent&q=AYKF-1999-000001");
        Assert.Empty(Listed(unknown));
        Assert.Contains("没有找到“AYKF-1999-000001”：请输入完整的邮箱地址，或事项编号", unknown);
        // The sent tab has no column for errors or retries: sent mail has neither.
        Assert.DoesNotContain("最后错误", first);
        // The API filters the same way.
        var admin = await _app.AsAdminAsync();
        var api = await admin.GetFromJsonAsync<JsonElement[]>($"/api/admin/outbox?to=OTHER@anyue.example");
        Assert.Equal([other.Id.ToString()], api!.Select(m => m.GetProperty("id").GetString()));
        var apiCase = await admin.GetFromJsonAsync<JsonElement[]>($"/api/admin/outbox?case={number}");
        Assert.Equal(caseMail.Count, apiCase!.Length);
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement[]>("/api/admin/outbox?case=AYKF-1999-000001"))!);
        var apiOlder = await admin.GetFromJsonAsync<JsonElement[]>($"/api/admin/outbox?to=liaison.zhang@anyue.example&before={toLiaison[1].Id}");
        Assert.Equal([toLiaison[0].Id.ToString()], apiOlder!.Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task The_outbox_list_reads_no_mail_bodies()
    {
        var queued = await _app.QueueMailAsync(Mail());
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Liaison.Server.Data.LiaisonDbContext>();
        using var counter = EfCommandCounter.Start();

        var listed = await OutboxApi.List(db, "pending", null, null, null, default);

        var row = Assert.Single(Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.Ok<List<OutboxItemDto>>>(listed.Result).Value!);
        Assert.Equal((queued.MessageId, "handler@anyue.example", "【派单】测试事项"), (row.MessageId, row.To, row.Subject));
        var sql = Assert.Single(counter.CommandTexts);
        Assert.DoesNotContain("html_body", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("text_body", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mail_rolled_back_with_its_transaction_is_never_sent()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Data.LiaisonDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            scope.ServiceProvider.GetRequiredService<Outbox>().Add(db, Mail());
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        }

        var report = await _app.RelayMailAsync();

        Assert.Equal(0, report.Sent);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Outbox.CountAsync()));
    }
}

/// <summary>When the SMTP server cannot be reached at all, mail waits and is retried.</summary>
public sealed class MailConnectionTests
{
    [Fact]
    public async Task An_unreachable_smtp_server_defers_the_mail()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(MailConnectionTests), withSmtp: false, configure: s =>
        {
            s["Smtp:Host"] = "127.0.0.1";
            s["Smtp:Port"] = "1"; // nothing listens on port 1
        });
        var row = await app.QueueMailAsync(new OutgoingMail("x@anyue.example", null, "s", "t", null, "test"));

        var report = await app.RelayMailAsync();
        var stored = await app.WithDbAsync(db => db.Outbox.SingleAsync(m => m.Id == row.Id));

        Assert.Equal(1, report.Retrying);
        Assert.Equal(OutboxStatus.Pending, stored.Status);
        Assert.Equal(1, stored.Attempts);
        Assert.NotNull(stored.LastError);
    }

    [Fact]
    public async Task A_server_that_refuses_the_relay_at_its_greeting_defers_the_mail_with_its_reply()
    {
        // A server that answers every connection 554 (a relay it does not accept) and hangs up.
        using var refusing = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        refusing.Start();
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await refusing.AcceptTcpClientAsync(stop.Token);
                var stream = client.GetStream();
                await stream.WriteAsync("554 5.7.1 relay access denied\r\n"u8.ToArray(), stop.Token);
                await stream.FlushAsync(stop.Token);
            }
        });
        await using var app = await LiaisonApp.StartAsync(nameof(MailConnectionTests) + "554", withSmtp: false, configure: s =>
        {
            s["Smtp:Host"] = "127.0.0.1";
            s["Smtp:Port"] = ((System.Net.IPEndPoint)refusing.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        var row = await app.QueueMailAsync(new OutgoingMail("x@anyue.example", null, "s", "t", null, "test"));

        var report = await app.RelayMailAsync();
        var stored = await app.WithDbAsync(db => db.Outbox.SingleAsync(m => m.Id == row.Id));
        await stop.CancelAsync();

        Assert.Equal(1, report.Retrying);
        Assert.Equal(OutboxStatus.Pending, stored.Status);
        Assert.Equal(554, stored.LastSmtpStatus);
        Assert.Contains("relay access denied", stored.LastError);
        Assert.True(stored.NextAttemptAt > app.Clock.GetUtcNow());
    }

    [Fact]
    public async Task A_sender_that_is_no_address_stops_the_start()
    {
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            LiaisonApp.StartAsync(nameof(MailConnectionTests) + "From", withSmtp: false, configure: s => s["Smtp:From"] = "安岳经开区 liaison"));

        Assert.Contains("Smtp:From", error.ToString());
    }

    [Fact]
    public async Task A_mail_whose_address_cannot_be_written_fails_with_the_reason_and_the_next_is_sent()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(MailConnectionTests) + "Parse");
        var bad = await app.QueueMailAsync(new OutgoingMail("zhang@@anyue..example", null, "s", "t", null, "test"));
        var good = await app.QueueMailAsync(new OutgoingMail("li@anyue.example", null, "s", "t", null, "test"));

        var report = await app.RelayMailAsync();

        var stored = await app.WithDbAsync(db => db.Outbox.SingleAsync(m => m.Id == bad.Id));
        Assert.Equal(OutboxStatus.Failed, stored.Status);
        Assert.Contains("An address cannot be parsed", stored.LastError);
        Assert.Equal(OutboxStatus.Sent, (await app.WithDbAsync(db => db.Outbox.SingleAsync(m => m.Id == good.Id))).Status);
        Assert.Equal((1, 1), (report.Sent, report.Failed));
    }
}

/// <summary>With no SMTP host, mail lands in the dev mailbox, readable in the browser in Development.</summary>
public sealed class DevMailboxTests
{
    [Fact]
    public async Task Mail_goes_to_the_dev_mailbox_and_shows_in_the_browser()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(DevMailboxTests), withSmtp: false, environment: "Development");
        var row = await app.QueueMailAsync(new OutgoingMail("handler@anyue.example", "张三", "【派单】开发邮箱测试", "请点击 https://x/l/RGV2LW1haWxib3gtdG9rZW4ta2VwdC1mb3ItdGhlLXRlc3Q", "<p>请点击</p>", "dispatch"));

        var report = await app.RelayMailAsync();
        var inbox = await app.Anonymous().GetStringAsync("/dev/mailbox");
        var message = await app.Anonymous().GetStringAsync($"/dev/mailbox/{row.Id}");
        var stored = await app.WithDbAsync(db => db.Outbox.SingleAsync(m => m.Id == row.Id));

        Assert.Equal(1, report.Sent);
        Assert.Equal("dev-mailbox", stored.DeliveredVia);
        Assert.Contains("【派单】开发邮箱测试", inbox);
        // The row is the mailbox here: its links keep their tokens once "sent".
        Assert.Contains("/l/RGV2LW1haWxib3gtdG9rZW4ta2VwdC1mb3ItdGhlLXRlc3Q", stored.TextBody);
        Assert.Contains("2026-03-02 09:00:00", inbox); // queued at 01:00 UTC, shown in the zone's time
        Assert.Contains("请点击 https://x/l/RGV2LW1haWxib3gtdG9rZW4ta2VwdC1mb3ItdGhlLXRlc3Q", message);
        // The mail's links also stand outside its frame, and inside the frame they open in a new, ordinary tab
        // (a sandboxed frame would block the link page's forms).
        Assert.Contains("<a href=\"https://x/l/RGV2LW1haWxib3gtdG9rZW4ta2VwdC1mb3ItdGhlLXRlc3Q\" data-mail-link>https://x/l/RGV2LW1haWxib3gtdG9rZW4ta2VwdC1mb3ItdGhlLXRlc3Q</a>", message);
        Assert.Contains("sandbox=\"allow-popups allow-popups-to-escape-sandbox\"", message);
        Assert.Contains("srcdoc=\"&lt;base target=&quot;_blank&quot;&gt;&lt;p&gt;请点击&lt;/p&gt;\"", message);
    }

    [Fact]
    public async Task The_admins_outbox_says_mail_is_in_the_dev_mailbox_not_sent()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(DevMailboxTests) + "Outbox", withSmtp: false, environment: "Development");
        var row = await app.QueueMailAsync(new OutgoingMail("handler@anyue.example", "张三", "【派单】开发邮箱", "请点击 https://x/l/abc", null, "dispatch"));
        await app.RelayMailAsync();
        var browser = await app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);

        var sent = await browser.GetStringAsync("/admin/outbox?show=sent");
        using var english = new HttpRequestMessage(HttpMethod.Get, "/admin/outbox?show=sent");
        english.Headers.Add("Cookie", "liaison.lang=en");
        var inEnglish = await (await browser.SendAsync(english)).Content.ReadAsStringAsync();

        var status = Regex.Match(sent, $"<tr data-mail=\"{row.Id}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("<td>已放入开发邮箱 2026-03-02 09:00:00</td>", status);
        Assert.DoesNotContain("已发送 ", status);
        Assert.Contains("<td>in the dev mailbox 2026-03-02 09:00:00</td>", inEnglish);
        Assert.Contains("data-note=\"dev-mailbox\"", sent);
        Assert.Contains("href=\"/dev/mailbox\"", sent);
        Assert.Contains("data-note=\"dev-mailbox\"", await browser.GetStringAsync("/admin/outbox"));
        var listed = await (await app.AsAdminAsync()).GetFromJsonAsync<JsonElement[]>("/api/admin/outbox?status=sent");
        Assert.Equal("dev-mailbox", Assert.Single(listed!).GetProperty("deliveredVia").GetString());
    }

    [Fact]
    public async Task Outside_development_without_an_smtp_host_mail_is_held_in_the_outbox_and_the_admin_is_told()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(DevMailboxTests) + "Prod", withSmtp: false);
        var row = await app.QueueMailAsync(new OutgoingMail("handler@anyue.example", "张三", "【派单】无邮件服务器", "请点击 https://x/l/abc", null, "dispatch"));

        var report = await app.RelayMailAsync();
        var stored = await app.WithDbAsync(db => db.Outbox.SingleAsync(m => m.Id == row.Id));

        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous().GetAsync("/dev/mailbox")).StatusCode);
        // Neither sent nor tried: it waits, as it was, for an SMTP host.
        Assert.Equal(0, report.Sent);
        Assert.Equal((OutboxStatus.Pending, 0, null, null), (stored.Status, stored.Attempts, stored.DeliveredVia, stored.LastError));
        var admin = await app.AsAdminAsync();
        var index = await admin.GetStringAsync("/admin");
        Assert.Contains("data-warning=\"mail-held\"", index);
        Assert.Contains("1 封保存在", index);
        using var english = new HttpRequestMessage(HttpMethod.Get, "/admin");
        english.Headers.Add("Cookie", "liaison.lang=en");
        var englishIndex = await (await admin.SendAsync(english)).Content.ReadAsStringAsync();
        Assert.Contains("so no mail is sent: 1 mail waits in", englishIndex);
        Assert.Contains(" and goes out once one is configured", englishIndex);
        var outbox = await admin.GetStringAsync("/admin/outbox");
        Assert.Contains("data-warning=\"mail-held\"", outbox);
        Assert.Contains("【派单】无邮件服务器", outbox);
        // The tests configure no zone leadership either.
        Assert.Contains("data-warning=\"leadership\"", index);
        Assert.Contains("leadership@anyue.example", index);
    }

    [Fact]
    public async Task A_server_that_sends_mail_with_its_leadership_configured_shows_neither_warning()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(DevMailboxTests) + "Configured", configure: s =>
        {
            s["Liaison:ZoneLeadership:0:Name"] = "园区领导小组办公室";
            s["Liaison:ZoneLeadership:0:Email"] = "office@zone.example";
        });
        await app.QueueMailAsync(new OutgoingMail("handler@anyue.example", "张三", "s", "t", null, "dispatch"));

        var admin = await app.AsAdminAsync();
        var index = await admin.GetStringAsync("/admin");

        Assert.DoesNotContain("data-warning=\"mail-held\"", index);
        Assert.DoesNotContain("data-warning=\"leadership\"", index);
        Assert.DoesNotContain("data-warning=\"mail-held\"", await admin.GetStringAsync("/admin/outbox"));
    }
}
