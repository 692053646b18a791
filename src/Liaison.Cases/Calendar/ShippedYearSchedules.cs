using System.Reflection;

namespace Liaison.Cases.Calendar;

/// <summary>
/// The year schedules Liaison ships (Calendar/Data/cn-*.json, embedded in the assembly).
/// Years an admin adds or corrects live in the database and override these; see <see cref="WorkingCalendar.Create"/>.
/// </summary>
public static class ShippedYearSchedules
{
    private const string ResourcePrefix = "Liaison.Cases.Calendar.Data.";

    private static readonly Lazy<IReadOnlyList<YearSchedule>> Loaded = new(Load);

    public static IReadOnlyList<YearSchedule> All => Loaded.Value;

    private static IReadOnlyList<YearSchedule> Load()
    {
        var assembly = typeof(ShippedYearSchedules).Assembly;
        var schedules = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => Read(assembly, n))
            .OrderBy(s => s.Year)
            .ToArray();

        // A build that lost its data would silently fall back to weekends-only; fail loudly instead.
        if (schedules.Length == 0)
        {
            throw new InvalidOperationException($"No year schedules are embedded under {ResourcePrefix}; check the EmbeddedResource item in Liaison.Cases.csproj.");
        }

        return schedules;
    }

    private static YearSchedule Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        try
        {
            return YearSchedule.Parse(reader.ReadToEnd());
        }
        catch (InvalidYearScheduleException e)
        {
            throw new InvalidOperationException($"Shipped year schedule {name} is invalid: {e.Message}", e);
        }
    }
}
