namespace Liaison.Bench;

/// <summary>
/// A benchmark's report: each line goes to the console and into the text that bench/run.sh files under
/// bench/results (the path in <c>LIAISON_BENCH_OUT</c>). Notes the load average when created, since a 2-core machine's
/// figures are only as good as it is quiet.
/// </summary>
public sealed class BenchReport
{
    private readonly System.Text.StringBuilder _text = new();

    public string LoadBefore { get; } = LoadAverage();

    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    public void Line(string s = "")
    {
        Console.WriteLine(s);
        _text.AppendLine(s);
    }

    public async Task SaveAsync()
    {
        var outFile = Environment.GetEnvironmentVariable("LIAISON_BENCH_OUT");
        if (!string.IsNullOrEmpty(outFile))
        {
            await File.WriteAllTextAsync(outFile, _text.ToString());
        }
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
