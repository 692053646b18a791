using System.Diagnostics;
using System.Globalization;
using System.Text;
using Liaison.Server.Data;
using Liaison.Server.Mail;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Bench.Durable;

/// <summary>
/// Issue 9 item 5: the outbox relay to a real SMTP listener on loopback (SmtpServer, as the tests use). N mails are
/// queued, then <see cref="OutboxRelay.RelayDueAsync"/> sends them: one SMTP connection per batch (SmtpOptions.BatchSize),
/// each batch marked sent in its own transaction on a throwaway PostgreSQL with fsync on.
/// </summary>
/// <remarks>Run: <c>bench/run.sh mail [--mails 2000] [--batch 50] [--pipelining]</c>.</remarks>
public static class MailRelayBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mails = DurableCycleBench.IntArg(args, "--mails", 2000);
        var batch = DurableCycleBench.IntArg(args, "--batch", 50);
        // --pipelining: keep SMTP PIPELINING on (the product's default); the SmtpServer listener stalls ~40 ms a message with it.
        var pipelining = args.Contains("--pipelining");
        var report = new BenchReport();
        var Line = report.Line;

        var (loadBefore, started) = (report.LoadBefore, report.Started);
        await using var pg = await ThrowawayPostgres.StartAsync(durable: true, externalVariable: "LIAISON_BENCH_DB");
        var cs = await pg.CreateDatabaseAsync("liaison_mail");
        await using var smtp = new SmtpListener();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddDbContext<LiaisonDbContext>(o => o
            .UseNpgsql(cs, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention());
        services.Configure<SmtpOptions>(o =>
        {
            o.Host = "127.0.0.1";
            o.Port = smtp.Port;
            o.BatchSize = batch;
            o.Pipelining = pipelining;
        });
        services.AddSingleton<IMailTransport, SmtpMailTransport>();
        services.AddSingleton<Outbox>();
        services.AddScoped<OutboxRelay>();
        await using var provider = services.BuildServiceProvider();

        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
            await db.Database.MigrateAsync();
            var outbox = scope.ServiceProvider.GetRequiredService<Outbox>();
            for (var i = 0; i < mails; i++)
            {
                // A personal link in each body, as a dispatch has: the relay masks its token once the mail is sent.
                var link = $"https://liaison.bench.example/l/{Liaison.Server.Links.LinkTokens.NewToken()}";
                outbox.Add(db, new OutgoingMail($"handler{i % 29}@anyue.example", "联络人", $"【派单】事项 AYKF-2026-{i:D6}",
                    $"您有一件新的点对点事项，请在期限内签收。\n查看并签收：\n{link}\n",
                    $"<p>您有一件新的点对点事项，请在期限内签收。</p><p><a href=\"{link}\">查看并签收</a></p><p>{link}</p>", "dispatch"));
            }

            await db.SaveChangesAsync();
        }

        var clock = Stopwatch.StartNew();
        RelayReport sent;
        await using (var scope = provider.CreateAsyncScope())
        {
            sent = await scope.ServiceProvider.GetRequiredService<OutboxRelay>().RelayDueAsync();
        }

        clock.Stop();
        var received = (await smtp.WaitForAsync(mails, TimeSpan.FromMinutes(2))).Count;
        await using var check = provider.CreateAsyncScope();
        var rows = check.ServiceProvider.GetRequiredService<LiaisonDbContext>().Outbox;
        var once = await rows.CountAsync(m => m.Status == OutboxStatus.Sent && m.Attempts == 1);
        var ok = sent.Sent == mails && received == mails && once == mails;

        Line($"# Mail relay benchmark — {started:yyyy-MM-dd HH:mm} UTC");
        Line();
        Line($"PostgreSQL: {pg.Description}");
        Line($"Settings: {await pg.SettingsAsync()}");
        Line($"SMTP: SmtpServer 11 listener on 127.0.0.1:{smtp.Port} (in this process); batch size {batch} mails per connection and transaction; " +
             $"PIPELINING {(pipelining ? "on" : "off (Smtp:Pipelining=false)")}.");
        Line($"Load average (1/5/15 min) before: {loadBefore}; after: {BenchReport.LoadAverage()}");
        Line();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"| Mails | Elapsed | Throughput |\n|---:|---:|---:|\n| {mails} | {clock.Elapsed.TotalSeconds:F2} s | **{mails / clock.Elapsed.TotalSeconds:F0} mails/s** |"));
        Line();
        Line($"Check: {(ok ? "OK" : "MISMATCH")} — relay reported {sent.Sent} sent, {sent.Retrying} retrying, {sent.Failed} failed; " +
             $"the listener accepted {received}; {once} rows sent exactly once.");
        await report.SaveAsync();

        return ok ? 0 : 1;
    }
}
