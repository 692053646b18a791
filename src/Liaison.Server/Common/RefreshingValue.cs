namespace Liaison.Server.Common;

/// <summary>
/// A value read from the database and kept for a while: read again at most every <paramref name="refreshAfter"/> (so
/// instances sharing a database converge) and at once after <see cref="Invalidate"/> (a local change). One read at a
/// time; callers meanwhile wait for it.
/// </summary>
public sealed class RefreshingValue<T>(TimeProvider clock, TimeSpan refreshAfter, Func<CancellationToken, Task<T>> load) where T : class
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private T? _value;
    private DateTimeOffset _loadedAt;

    public async Task<T> GetAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (_value is { } cached && now - _loadedAt < refreshAfter)
        {
            return cached;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_value is { } again && now - _loadedAt < refreshAfter)
            {
                return again;
            }

            _value = await load(ct);
            _loadedAt = now;
            return _value;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _value = null;
}
