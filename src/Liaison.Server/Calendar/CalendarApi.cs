using System.Security.Claims;
using System.Text.Json;
using Liaison.Cases.Calendar;
using Liaison.Cases.Common;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Calendar;

public static class CalendarApi
{
    public static RouteGroupBuilder MapCalendarApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/calendar").WithTags("Calendar").RequirePolicy(Policies.Officer);
        api.MapGet("/due", Due);
        api.MapGet("/years", Years);
        api.MapGet("/years/{year:int}", Year);
        api.MapGet("/years/{year:int}/recompute", Recompute);
        api.MapPut("/years/{year:int}", PutYear).RequirePolicy(Policies.Admin).WithDescription(PutYearDescription);
        return api;
    }

    /// <summary>The OpenAPI description of <c>PUT /api/calendar/years/{year}</c>, whose body is read as the schedule's JSON.</summary>
    internal const string PutYearDescription =
        "Adds or replaces the year's schedule. Body: `{ \"year\": 2027, \"version\": \"cn-2027-v1\", \"source\": \"…\", "
        + "\"holidays\": [ { \"name\": \"New Year's Day\", \"nameZh\": \"元旦\", \"days\": [\"2027-01-01\"] } ], \"workdays\": [\"2027-02-06\"] }`. "
        + "`year` is optional: the address gives it; one given must be the address's year, else 400 naming `year`. `version` is 1–64 letters, "
        + "digits, '-', '_' or '.', and no other year's. 202 once stored; open cases' deadlines are then recomputed in the background "
        + "(see the answer's Location). A changed schedule under the version the year already has is 409.";

    public static async Task<Results<Ok<DueDto>, BadRequestProblem>> Due(string? from, int? workingDays, CalendarService calendars, CancellationToken ct)
    {
        if (!calendars.TryParseLocal(from, out var start))
        {
            return CalendarService.OffsetLostItsPlus(from)
                ? Problems.BadRequest(
                    "from 的时差无法识别：地址中的“+”会被读作空格。请给出不带时差的本地时间（例如 2026-12-08T10:00），或将 + 写作 %2B（2026-12-08T10:00%2B02:00）",
                    "from's offset could not be read: a '+' in an address is read as a space. Give a local time without an offset (e.g. 2026-12-08T10:00), or write the + as %2B (2026-12-08T10:00%2B02:00)")
                : Problems.BadRequest(
                    $"from 必须是 {YearSchedule.MinYear}–{YearSchedule.MaxYear} 年间的日期时间，例如 2026-02-13T10:00",
                    $"from must be a date-time in {YearSchedule.MinYear}–{YearSchedule.MaxYear} such as 2026-02-13T10:00");
        }

        if (workingDays is not (>= 1 and <= WorkingCalendar.MaxWorkingDays))
        {
            return Problems.BadRequest($"workingDays 必须在 1 到 {WorkingCalendar.MaxWorkingDays} 之间", $"workingDays must be between 1 and {WorkingCalendar.MaxWorkingDays}");
        }

        var deadline = (await calendars.GetAsync(ct)).AddWorkingDays(start, workingDays.Value);
        return TypedResults.Ok(DueDto.From(deadline));
    }

    public static async Task<Ok<List<YearDto>>> Years(CalendarService calendars, LiaisonDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await CalendarYearStore.ListAsync(calendars, db, ct));

    public static async Task<Results<ContentHttpResult, NotFoundProblem>> Year(int year, CalendarService calendars, CancellationToken ct)
    {
        var schedule = (await calendars.GetAsync(ct)).ScheduleFor(year);
        return schedule is null
            ? Problems.NotFound($"{year} 年的节假日安排尚未加载", $"no schedule is loaded for {year}")
            : TypedResults.Text(schedule.ToJson(), "application/json");
    }

    /// <summary>Where the recomputation of deadlines after the year's last save stands.</summary>
    public static async Task<Results<Ok<RecomputeDto>, NotFoundProblem>> Recompute(int year, LiaisonDbContext db, CancellationToken ct) =>
        await CalendarYearStore.RecomputeStateAsync(db, year, ct) is { } state
            ? TypedResults.Ok(state)
            : Problems.NotFound($"{year} 年的安排没有经管理员保存过", $"no admin has stored a schedule for {year}");

    /// <summary>
    /// Adds or replaces a year's schedule (body: the schedule JSON, whose <c>year</c> may be left out: the address gives
    /// it): 202 once it is stored. Open cases whose deadlines
    /// are provisional or fall in that year or later are then recomputed in the background, a timeline entry for each
    /// deadline that moves; the answer's
    /// <c>Location</c> (<c>/api/calendar/years/{year}/recompute</c>) says how far that has come. A changed schedule under
    /// the version the year already has is refused (409): deadlines name the version they were computed with.
    /// </summary>
    public static async Task<Results<Accepted<RecomputeDto>, BadRequestProblem, ValidationProblem, ConflictProblem>> PutYear(
        int year, HttpRequest request, ClaimsPrincipal user, LiaisonDbContext db, CalendarService calendars,
        DeadlineRecomputePump recompute, TimeProvider clock, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(ct);
        // Before the schedule's own checks: a body for another year would fail them all ("2028-01-01 is not in 2029"),
        // which says nothing of the one mistake.
        if (YearOf(json) is { } bodyYear && bodyYear != year)
        {
            return OtherYear(year, bodyYear);
        }

        if (!YearSchedule.TryParse(json, out var schedule, out var errors, year))
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["schedule"] = errors.ToArray() });
        }

        if (schedule!.Year != year)
        {
            return OtherYear(year, schedule.Year);
        }

        var (state, problems, conflict) = await CalendarYearStore.SaveAsync(schedule, Actor.Of(user), db, calendars, recompute, clock, ct);
        if (conflict)
        {
            var message = Text.FromBilingual(problems[0]["version: ".Length..]);
            return new ConflictProblem(message);
        }

        return state is null
            ? Problems.Invalid(new Dictionary<string, string[]> { ["schedule"] = problems.ToArray() })
            : TypedResults.Accepted($"/api/calendar/years/{year}/recompute", state);
    }

    private static ValidationProblem OtherYear(int address, int body) => Problems.Invalid(new Dictionary<string, string[]>
    {
        ["year"] = [$"地址中的年份是 {address}，请求体中的 year 却是 {body}：两者应为同一年 / the address is for {address} but the body's year is {body}: they must be the same year"],
    });

    /// <summary>The body's <c>year</c> when it is a JSON object with a whole-number year; anything else is left to the schedule's checks.</summary>
    private static int? YearOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("year", out var year)
                && year.ValueKind == JsonValueKind.Number && year.TryGetInt32(out var value)
                ? value
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed record DueDto(DateTimeOffset Due, bool Provisional, DateTimeOffset Start, int WorkingDays, string CalendarVersion)
{
    public static DueDto From(Deadline d) => new(d.Due, d.Provisional, d.Start, d.WorkingDays, d.CalendarVersion);
}

/// <param name="Recompute">For a year an admin stored: the recomputation of deadlines its last save queued.</param>
public sealed record YearDto(int Year, string Version, string Source, string Origin, int Holidays, int Workdays, RecomputeDto? Recompute);
