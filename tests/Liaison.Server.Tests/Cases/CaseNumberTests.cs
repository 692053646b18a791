using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>Case numbers come from a sequence per prefix and year (CaseNumbers): unique, increasing, continuing the old counter.</summary>
public sealed class CaseNumberTests : IAsyncLifetime
{
    private LiaisonApp _app = null!;

    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(CaseNumberTests), withSmtp: false);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string Number(System.Text.Json.JsonElement opened) => opened.GetProperty("number").GetString()!;

    [Fact]
    public async Task Numbers_continue_the_former_counter_stay_unique_under_concurrency_and_restart_each_year()
    {
        // A database upgraded mid-year: the former counter row had reached 41.
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("INSERT INTO case_number_counters (prefix, year, last) VALUES ('AYKF', 2026, 41)"));
        var officer = await _app.AsOfficerAsync();

        Assert.Equal("AYKF-2026-000042", Number(await OpenAsync(officer)));

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => OpenAsync(officer)));
        var numbers = concurrent.Select(Number).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(43, 10).Select(n => $"AYKF-2026-{n:D6}"), numbers);

        _app.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 4, 2, 0, 0, TimeSpan.Zero)); // 10:00 in Anyue, a Monday
        Assert.Equal("AYKF-2027-000001", Number(await OpenAsync(officer)));
        Assert.Equal("AYKF-2027-000002", Number(await OpenAsync(officer)));
    }
}
