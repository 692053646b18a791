using System.Globalization;
using Liaison.Testing;

namespace Liaison.Bench.Million;

/// <summary>
/// The server's largest resident set per step of a run (VmRSS, with its anonymous, file-backed and shared parts at
/// that moment), sampled from <c>/proc/&lt;pid&gt;/status</c> every 200 ms: which step needs the memory.
/// </summary>
public sealed class RssSteps : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly List<string> _steps = [];
    private readonly Lock _lock = new();
    private long[] _max = new long[4];

    public RssSteps(int pid)
    {
        _pid = pid;
        _sampling = SampleAsync();
    }

    /// <summary>Ends the current step under <paramref name="name"/>: its largest VmRSS and the parts at that moment.</summary>
    public void Step(string name)
    {
        lock (_lock)
        {
            var m = _max;
            _steps.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {m[0] / 1024.0:F0} ({m[1] / 1024.0:F0} anon, {m[2] / 1024.0:F0} file, {m[3] / 1024.0:F0} shmem)"));
            _max = new long[4];
        }
    }

    public override string ToString()
    {
        lock (_lock) return string.Join("; ", _steps);
    }

    private async Task SampleAsync()
    {
        var status = $"/proc/{_pid}/status";
        while (!_stop.IsCancellationRequested && File.Exists(status))
        {
            try
            {
                var now = new long[4];
                string[] fields = ["VmRSS:", "RssAnon:", "RssFile:", "RssShmem:"];
                foreach (var line in File.ReadLines(status))
                {
                    for (var i = 0; i < fields.Length; i++)
                    {
                        if (ServerProcess.StatusKb(line, fields[i]) is { } kb) now[i] = kb;
                    }
                }

                lock (_lock)
                {
                    if (now[0] > _max[0]) _max = now;
                }

                await Task.Delay(200, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
    }
}
