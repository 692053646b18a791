using Liaison.Cases.Calendar;
using Liaison.Cases.Digests;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Digests;

/// <summary>
/// The league table's scored timeline entries counted per local day (<see cref="LeagueDay"/>), so a period of a year adds
/// up a few thousand rows instead of scanning every entry of the year. Days before <see cref="LeagueRollupState.RolledBefore"/>
/// are counted here; <see cref="LeagueTableQuery"/> scans the entries of the days after it as before.
/// </summary>
/// <remarks>
/// A row keeps everything the league table asks of an entry except the instants, which it reduces to local days: the
/// department, lead or co-handling part, kind, on time, the local day its round started (a lead's resolution, for the
/// working days to resolve) and the local day of the next entry of the same kind superseding it (a dispatch or a
/// resolution; periods start and end at local midnights, so the day decides as the instant did). Rolling up and
/// superseding serialize on the state row, so every entry is counted exactly once, in its current bucket.
/// </remarks>
public static class LeagueRollup
{
    /// <summary>Rolls up every whole local day before today not yet rolled up; safe to run twice and on several nodes.</summary>
    /// <returns>How many days were added.</returns>
    public static async Task<int> RollAsync(LiaisonDbContext db, WorkingCalendar calendar, DateTimeOffset now, CancellationToken ct)
    {
        var zone = calendar.TimeZone.Id;
        var today = calendar.LocalDate(now);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rolledBefore = await db.Database.SqlQuery<DateOnly?>($"""
            SELECT rolled_before AS "Value" FROM league_rollup_state WHERE id = 1 FOR UPDATE
            """).SingleAsync(ct);
        if (rolledBefore >= today)
        {
            return 0;
        }

        // From the first entry ever when nothing is rolled up yet.
        var from = rolledBefore is { } d ? DigestSchedule.At(calendar, d, TimeOnly.MinValue).ToUniversalTime() : DateTimeOffset.MinValue.ToUniversalTime();
        var to = DigestSchedule.At(calendar, today, TimeOnly.MinValue).ToUniversalTime();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO league_days (day, department_code, part, kind, on_time, round_day, next_day, count)
            SELECT (at AT TIME ZONE {zone})::date, department_code, part_id IS NOT NULL, kind, on_time,
                CASE WHEN kind = 'resolve' AND part_id IS NULL THEN (round_started_at AT TIME ZONE {zone})::date END,
                CASE WHEN kind IN ('dispatched', 'resolve') THEN (next_same_at AT TIME ZONE {zone})::date END,
                count(*)
            FROM case_events
            WHERE department_code IS NOT NULL AND at >= {from} AND at < {to}
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            ON CONFLICT (day, department_code, part, kind, on_time, round_day, next_day)
            DO UPDATE SET count = league_days.count + excluded.count
            """, ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE league_rollup_state SET rolled_before = {today} WHERE id = 1", ct);
        await tx.CommitAsync(ct);
        return rolledBefore is { } r ? today.DayNumber - r.DayNumber : 1;
    }

    /// <summary>
    /// Earlier entries a new dispatch or resolution just superseded (<see cref="Cases.CaseTimeline.SupersedeEarlierAsync"/>),
    /// in the caller's transaction: those already rolled up move from "not superseded" to the new entry's day.
    /// </summary>
    public static async Task MoveSupersededAsync(LiaisonDbContext db, IReadOnlyList<SupersededEntry> entries, DateTimeOffset by, string zone, CancellationToken ct)
    {
        // Shares the state row with other writers but waits for a roll-up in progress (FOR UPDATE), so an entry is either
        // rolled up before this (and moved here) or after it (and rolled up with its new day).
        var rolledBefore = await db.Database.SqlQuery<DateOnly?>($"""
            SELECT rolled_before AS "Value" FROM league_rollup_state WHERE id = 1 FOR SHARE
            """).SingleAsync(ct);
        if (rolledBefore is not { } before)
        {
            return;
        }

        var byUtc = by.ToUniversalTime();
        foreach (var e in entries)
        {
            var at = e.At.ToUniversalTime();
            var roundStartedAt = e.RoundStartedAt?.ToUniversalTime();
            var moved = await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE league_days SET count = count - 1
                WHERE day = (({at})::timestamptz AT TIME ZONE {zone})::date AND day < {before}
                    AND department_code = {e.DepartmentCode} AND part = {e.Part} AND kind = {e.Kind}
                    AND on_time IS NOT DISTINCT FROM {e.OnTime}
                    AND round_day IS NOT DISTINCT FROM (CASE WHEN {e.Kind} = 'resolve' AND NOT {e.Part}
                        THEN (({roundStartedAt})::timestamptz AT TIME ZONE {zone})::date END)
                    AND next_day IS NULL
                """, ct);
            if (moved == 0)
            {
                continue;
            }

            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO league_days (day, department_code, part, kind, on_time, round_day, next_day, count)
                VALUES ((({at})::timestamptz AT TIME ZONE {zone})::date, {e.DepartmentCode}, {e.Part}, {e.Kind}, {e.OnTime},
                    CASE WHEN {e.Kind} = 'resolve' AND NOT {e.Part} THEN (({roundStartedAt})::timestamptz AT TIME ZONE {zone})::date END,
                    (({byUtc})::timestamptz AT TIME ZONE {zone})::date, 1)
                ON CONFLICT (day, department_code, part, kind, on_time, round_day, next_day)
                DO UPDATE SET count = league_days.count + 1
                """, ct);
        }
    }

    /// <summary>The first local day not rolled up yet, or null when nothing is.</summary>
    public static Task<DateOnly?> RolledBeforeAsync(LiaisonDbContext db, CancellationToken ct) =>
        db.Database.SqlQuery<DateOnly?>($"""SELECT rolled_before AS "Value" FROM league_rollup_state WHERE id = 1""").SingleAsync(ct);
}

/// <summary>A scored entry an UPDATE … RETURNING reports as superseded (snake_case columns).</summary>
public sealed record SupersededEntry(DateTimeOffset At, string DepartmentCode, bool Part, string Kind, bool? OnTime, DateTimeOffset? RoundStartedAt);

/// <summary>How many scored entries of one local day share every attribute the league table reads.</summary>
public sealed class LeagueDay
{
    public long Id { get; set; }

    public DateOnly Day { get; set; }

    public required string DepartmentCode { get; set; }

    /// <summary>A co-handler's part (its entries name a part), not the lead.</summary>
    public bool Part { get; set; }

    public required string Kind { get; set; }

    public bool? OnTime { get; set; }

    /// <summary>A lead's resolution: the local day its round was dispatched.</summary>
    public DateOnly? RoundDay { get; set; }

    /// <summary>A dispatch or resolution superseded by a later one of the same case, department and role: that one's local day.</summary>
    public DateOnly? NextDay { get; set; }

    public int Count { get; set; }
}

/// <summary>The one row saying how far <see cref="LeagueDay"/> reaches.</summary>
public sealed class LeagueRollupState
{
    public int Id { get; set; }

    /// <summary>Every scored entry of a local day before this one is counted in <see cref="LeagueDay"/>; null: none is.</summary>
    public DateOnly? RolledBefore { get; set; }
}

internal sealed class LeagueDayConfiguration : IEntityTypeConfiguration<LeagueDay>
{
    public void Configure(EntityTypeBuilder<LeagueDay> e)
    {
        e.ToTable("league_days");
        e.Property(x => x.DepartmentCode).HasMaxLength(32);
        e.Property(x => x.Kind).HasMaxLength(48);
        // One row per bucket (nulls equal, so ON CONFLICT finds it); its leading day serves the periods' range scans.
        e.HasIndex(x => new { x.Day, x.DepartmentCode, x.Part, x.Kind, x.OnTime, x.RoundDay, x.NextDay }).IsUnique().AreNullsDistinct(false);
    }
}

internal sealed class LeagueRollupStateConfiguration : IEntityTypeConfiguration<LeagueRollupState>
{
    public void Configure(EntityTypeBuilder<LeagueRollupState> e)
    {
        e.ToTable("league_rollup_state");
        e.Property(x => x.Id).ValueGeneratedNever();
        e.HasData(new LeagueRollupState { Id = 1 });
    }
}
