using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Liaison.Cases.Common;

namespace Liaison.Cases.Calendar;

/// <summary>A statutory holiday as the State Council notice names it, with every day off it covers (weekend days included).</summary>
public sealed record Holiday(string Name, string NameZh, IReadOnlyList<DateOnly> Days);

/// <summary>
/// One year's working-day rules from the State Council notice (国务院办公厅关于部分节假日安排的通知):
/// days off for statutory holidays and the weekend days worked in exchange (调休上班).
/// Every other day follows the Monday–Friday rule. Immutable and always valid once built.
/// </summary>
/// <remarks>
/// JSON shape (what <see cref="Parse"/> reads and <see cref="ToJson"/> writes):
/// <code>
/// { "year": 2026, "version": "cn-2026-v1", "source": "国务院办公厅关于2026年部分节假日安排的通知",
///   "holidays": [ { "name": "Spring Festival", "nameZh": "春节", "days": ["2026-02-15", …] } ],
///   "workdays": ["2026-02-14", …] }
/// </code>
/// </remarks>
public sealed class YearSchedule
{
    /// <summary>
    /// The years Liaison's calendar works in, one range for everything dated: a year's schedule, a deadline's start,
    /// a report's period. Far from DateOnly's ends, so the arithmetic near them never overflows.
    /// </summary>
    public const int MinYear = 2000;

    /// <inheritdoc cref="MinYear"/>
    public const int MaxYear = 2099;
    private const string DateFormat = "yyyy-MM-dd";

    private readonly HashSet<DateOnly> _daysOff;
    private readonly HashSet<DateOnly> _workdays;

    private YearSchedule(int year, string version, string source, IReadOnlyList<Holiday> holidays, IReadOnlyList<DateOnly> workdays)
    {
        Year = year;
        Version = version;
        Source = source;
        Holidays = holidays;
        Workdays = workdays;
        _daysOff = holidays.SelectMany(h => h.Days).ToHashSet();
        _workdays = workdays.ToHashSet();
    }

    public int Year { get; }

    /// <summary>Identifies this edition of the year's rules (e.g. <c>cn-2026-v1</c>); stored on every deadline computed with it.</summary>
    public string Version { get; }

    /// <summary>The notice the rules come from, so an admin can check them against it.</summary>
    public string Source { get; }

    public IReadOnlyList<Holiday> Holidays { get; }

    /// <summary>Weekend days that are worked (调休上班).</summary>
    public IReadOnlyList<DateOnly> Workdays { get; }

    public bool IsWorkingDay(DateOnly date)
    {
        if (date.Year != Year)
        {
            throw new ArgumentOutOfRangeException(nameof(date), date, $"The {Version} schedule covers {Year} only.");
        }

        if (_workdays.Contains(date)) return true;
        if (_daysOff.Contains(date)) return false;
        return !IsWeekend(date);
    }

    /// <summary>The holiday a day belongs to, for explaining a deadline ("skipped 春节").</summary>
    public Holiday? HolidayOn(DateOnly date) =>
        _daysOff.Contains(date) ? Holidays.First(h => h.Days.Contains(date)) : null;

    /// <summary>Builds a schedule from values, applying the same rules as <see cref="Parse"/>.</summary>
    /// <exception cref="InvalidYearScheduleException">Listing every problem found.</exception>
    public static YearSchedule Create(int year, string version, string source, IEnumerable<Holiday> holidays, IEnumerable<DateOnly> workdays)
    {
        var errors = new List<string>();
        var holidayList = holidays.ToList();
        var workdayList = workdays.ToList();
        ValidateHeader(year, version, source, errors);
        for (var i = 0; i < holidayList.Count; i++)
        {
            ValidateHolidayNames(holidayList[i].Name, holidayList[i].NameZh, $"holidays[{i}]", errors);
            if (holidayList[i].Days is null or { Count: 0 })
            {
                errors.Add($"holidays[{i}].days: 至少需要一天 / must list at least one day");
            }
        }

        if (year is >= MinYear and <= MaxYear)
        {
            ValidateDates(
                year,
                holidayList.Select((h, i) => (h.Days ?? []).Select((d, j) => (d, $"holidays[{i}].days[{j}]"))).SelectMany(x => x).ToList(),
                workdayList.Select((d, j) => (d, $"workdays[{j}]")).ToList(),
                errors);
        }

        if (errors.Count > 0) throw new InvalidYearScheduleException(errors);

        return new YearSchedule(
            year,
            version.Trim(),
            source.Trim(),
            holidayList.Select(h => h with { Name = h.Name.Trim(), NameZh = h.NameZh.Trim(), Days = h.Days.Order().ToArray() }).ToArray(),
            workdayList.Order().ToArray());
    }

    /// <exception cref="InvalidYearScheduleException">Listing every problem found, each prefixed with where it is.</exception>
    public static YearSchedule Parse(string json) =>
        TryParse(json, out var schedule, out var errors) ? schedule : throw new InvalidYearScheduleException(errors);

    /// <summary>Reads a schedule as an admin uploads it; on failure <paramref name="errors"/> lists every problem, each in Chinese and English.</summary>
    /// <param name="year">
    /// The year the schedule is sent for, when the sender names it elsewhere (the API's address): the JSON may then
    /// leave out <c>year</c>. Whether a year it does give is this one is the sender's to check.
    /// </param>
    public static bool TryParse(string? json, [NotNullWhen(true)] out YearSchedule? schedule, out IReadOnlyList<string> errors, int? year = null)
    {
        var found = new List<string>();
        var parsed = TryParse(json, year, out schedule, found);
        // A paste gone wrong (a list of every day, twice) can hold thousands of problems: the first ones say what to fix.
        errors = found.Count > MaxErrorsListed
            ? [.. found.Take(MaxErrorsListed), $"另有 {found.Count - MaxErrorsListed} 个问题未列出 / {English.Count(found.Count - MaxErrorsListed, "more problem", "more problems")} not listed"]
            : found;
        return parsed;
    }

    /// <summary>The most problems a refused schedule lists; a line says how many more there are.</summary>
    public const int MaxErrorsListed = 50;

    private static bool TryParse(string? json, int? addressYear, [NotNullWhen(true)] out YearSchedule? schedule, List<string> found)
    {
        schedule = null;
        if (string.IsNullOrWhiteSpace(json))
        {
            found.Add("日程内容为空 / the schedule is empty");
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            // Where, in both languages; the parser's own words (with ": " in them) would split the message wrongly.
            var (line, position) = ((e.LineNumber ?? 0) + 1, (e.BytePositionInLine ?? 0) + 1);
            found.Add($"不是有效的 JSON（第 {line} 行第 {position} 个字节附近） / not valid JSON (near line {line}, byte {position})");
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                found.Add("根节点应为对象 / the schedule must be a JSON object");
                return false;
            }

            RejectUnknown(root, "", found, "year", "version", "source", "holidays", "workdays");
            var year = addressYear is { } given && (!root.TryGetProperty("year", out var stated) || stated.ValueKind == JsonValueKind.Null)
                ? given
                : ReadYear(root, found);
            if (year is not null) ValidateYear(year.Value, found);
            var version = ReadString(root, "version", "", found);
            if (version is not null) ValidateVersion(version, year, found);
            var source = ReadString(root, "source", "", found);
            if (source is not null) ValidateSource(source, found);

            var holidays = new List<Holiday>();
            var holidayDays = new List<(DateOnly, string)>();
            if (Required(root, "holidays", JsonValueKind.Array, "", found) is { } holidaysElement)
            {
                var i = 0;
                foreach (var element in holidaysElement.EnumerateArray())
                {
                    var path = $"holidays[{i++}]";
                    if (element.ValueKind != JsonValueKind.Object)
                    {
                        found.Add($"{path}: 应为对象 / must be an object {{name, nameZh, days}}");
                        continue;
                    }

                    RejectUnknown(element, path + ".", found, "name", "nameZh", "days");
                    var name = ReadString(element, "name", path + ".", found);
                    var nameZh = ReadString(element, "nameZh", path + ".", found);
                    if (name is not null && nameZh is not null) ValidateHolidayNames(name, nameZh, path, found);
                    var days = ReadDates(element, "days", path + ".", found);
                    if (days is { Count: 0 }) found.Add($"{path}.days: 至少需要一天 / must list at least one day");
                    if (name is not null && nameZh is not null && days is not null)
                    {
                        holidays.Add(new Holiday(name, nameZh, days.Select(d => d.Date).ToArray()));
                    }

                    if (days is not null) holidayDays.AddRange(days);
                }
            }

            var workdays = ReadDates(root, "workdays", "", found);
            if (year is >= MinYear and <= MaxYear)
            {
                ValidateDates(year.Value, holidayDays, workdays ?? [], found);
            }

            if (found.Count > 0) return false;

            schedule = Create(year!.Value, version!, source!, holidays, workdays!.Select(d => d.Date));
            return true;
        }
    }

    /// <summary>The JSON an admin would upload; what the host stores.</summary>
    public string ToJson()
    {
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, options))
        {
            writer.WriteStartObject();
            writer.WriteNumber("year", Year);
            writer.WriteString("version", Version);
            writer.WriteString("source", Source);
            writer.WriteStartArray("holidays");
            foreach (var holiday in Holidays)
            {
                writer.WriteStartObject();
                writer.WriteString("name", holiday.Name);
                writer.WriteString("nameZh", holiday.NameZh);
                WriteDates(writer, "days", holiday.Days);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            WriteDates(writer, "workdays", Workdays);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public override string ToString() => Version;

    internal static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    private static void WriteDates(Utf8JsonWriter writer, string name, IEnumerable<DateOnly> dates)
    {
        writer.WriteStartArray(name);
        foreach (var date in dates) writer.WriteStringValue(date.ToString(DateFormat, CultureInfo.InvariantCulture));
        writer.WriteEndArray();
    }

    private static void ValidateHeader(int year, string? version, string? source, List<string> errors)
    {
        ValidateYear(year, errors);
        ValidateVersion(version, year, errors);
        ValidateSource(source, errors);
    }

    private static void ValidateYear(int year, List<string> errors)
    {
        if (year is < MinYear or > MaxYear)
        {
            errors.Add($"year: {year} 超出支持范围 {MinYear}–{MaxYear} / {year} is outside the supported range {MinYear}–{MaxYear}");
        }
    }

    private static void ValidateVersion(string? version, int? year, List<string> errors)
    {
        // Versions of several years are joined with '+' on each deadline, so only plain characters are allowed.
        var v = (version ?? "").Trim();
        if (v.Length is 0 or > 64 || !v.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            // A version pasted wrong can be a whole document: the message quotes its start, enough to recognise it.
            var (zh, en) = v.Length > 64
                ? ($"“{Start(v)}”（{v.Length} 个字符）", $"'{Start(v)}' ({v.Length} characters)")
                : ($"“{v}”", $"'{v}'");
            errors.Add($"version: {zh} 应为1–64位字母、数字、-、_ 或 . / {en} must be 1–64 letters, digits, '-', '_' or '.' (e.g. cn-{year ?? 2027}-v1)");
        }
    }

    /// <summary>The first characters of a long value, for a message quoting it; a character is never cut in half.</summary>
    private static string Start(string value, int length = 20) =>
        value.Length <= length ? value : value[..(char.IsHighSurrogate(value[length - 1]) ? length - 1 : length)] + "…";

    private static void ValidateSource(string? source, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            errors.Add("source: 请注明依据的通知 / must name the notice the schedule comes from");
        }
    }

    private static void ValidateHolidayNames(string name, string nameZh, string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(name)) errors.Add($"{path}.name: 不能为空 / must not be empty");
        if (string.IsNullOrWhiteSpace(nameZh)) errors.Add($"{path}.nameZh: 不能为空 / must not be empty");
    }

    private static void ValidateDates(int year, IReadOnlyList<(DateOnly Date, string Path)> daysOff, IReadOnlyList<(DateOnly Date, string Path)> workdays, List<string> errors)
    {
        var firstSeenOff = new Dictionary<DateOnly, string>();
        foreach (var (date, path) in daysOff)
        {
            var text = Format(date);
            if (date.Year != year)
            {
                errors.Add($"{path}: {text} 不在 {year} 年内 / {text} is not in {year}");
            }
            else if (!firstSeenOff.TryAdd(date, path))
            {
                errors.Add($"{path}: {text} 与 {firstSeenOff[date]} 重复 / {text} repeats {firstSeenOff[date]}");
            }
        }

        var firstSeenWork = new Dictionary<DateOnly, string>();
        foreach (var (date, path) in workdays)
        {
            var text = Format(date);
            if (date.Year != year)
            {
                errors.Add($"{path}: {text} 不在 {year} 年内 / {text} is not in {year}");
            }
            else if (!firstSeenWork.TryAdd(date, path))
            {
                errors.Add($"{path}: {text} 与 {firstSeenWork[date]} 重复 / {text} repeats {firstSeenWork[date]}");
            }
            else if (firstSeenOff.TryGetValue(date, out var offPath))
            {
                errors.Add($"{path}: {text} 同时是假日（{offPath}）和调休上班日 / {text} is both a holiday ({offPath}) and a working day");
            }
            else if (!IsWeekend(date))
            {
                // An adjusted working day on a weekday changes nothing, so it is almost certainly a typo.
                errors.Add($"{path}: {text} 是{ZhWeekday(date)}，本来就是工作日；调休上班日应为周六或周日 / {text} is a {date.DayOfWeek}, already a working day; adjusted working days fall on a Saturday or Sunday");
            }
        }
    }

    private static int? ReadYear(JsonElement root, List<string> errors)
    {
        if (Required(root, "year", JsonValueKind.Number, "", errors) is not { } element) return null;
        if (element.TryGetInt32(out var year)) return year;
        errors.Add($"year: {element.GetRawText()} 应为整数 / {element.GetRawText()} must be a whole number");
        return null;
    }

    private static string? ReadString(JsonElement owner, string name, string prefix, List<string> errors) =>
        Required(owner, name, JsonValueKind.String, prefix, errors)?.GetString();

    private static List<(DateOnly Date, string Path)>? ReadDates(JsonElement owner, string name, string prefix, List<string> errors)
    {
        if (Required(owner, name, JsonValueKind.Array, prefix, errors) is not { } array) return null;
        var dates = new List<(DateOnly, string)>();
        var j = 0;
        foreach (var element in array.EnumerateArray())
        {
            var path = $"{prefix}{name}[{j++}]";
            if (element.ValueKind == JsonValueKind.String &&
                DateOnly.TryParseExact(element.GetString(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                dates.Add((date, path));
            }
            else
            {
                errors.Add($"{path}: {element.GetRawText()} 不是有效日期（应为 yyyy-MM-dd） / {element.GetRawText()} is not a valid date (yyyy-MM-dd)");
            }
        }

        return dates;
    }

    private static JsonElement? Required(JsonElement owner, string name, JsonValueKind kind, string prefix, List<string> errors)
    {
        if (!owner.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            errors.Add($"{prefix}{name}: 缺少此项 / is required");
            return null;
        }

        if (element.ValueKind != kind)
        {
            var expected = kind switch
            {
                JsonValueKind.Array => "数组 / must be an array",
                JsonValueKind.Number => "数字 / must be a number",
                _ => "字符串 / must be a string",
            };
            errors.Add($"{prefix}{name}: 应为{expected}");
            return null;
        }

        return element;
    }

    // A misspelt key ("workday") would otherwise silently drop that data.
    private static void RejectUnknown(JsonElement owner, string prefix, List<string> errors, params string[] known)
    {
        foreach (var property in owner.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add($"{prefix}{property.Name}: 未知字段（可用：{string.Join("、", known)}） / unknown field (expected {string.Join(", ", known)})");
            }
        }
    }

    private static string Format(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static string ZhWeekday(DateOnly date) => "周" + "日一二三四五六"[(int)date.DayOfWeek];
}

/// <summary>A year schedule was refused; <see cref="Errors"/> says every reason, ready to show to an admin.</summary>
public sealed class InvalidYearScheduleException(IReadOnlyList<string> errors)
    : FormatException("Invalid year schedule: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
