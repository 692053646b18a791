using System.Threading.RateLimiting;
using Liaison.Server.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Liaison.Server.Http;

/// <summary>
/// Load shedding. At most <see cref="MaxConcurrent"/> requests are served at once, by default as many as the application
/// pool has connections, so an admitted request finds a connection instead of queueing for one; at most
/// <see cref="QueueLimit"/> more wait for a turn, oldest first, each for up to <see cref="QueueTimeout"/>. Beyond that a
/// request is answered 503 with <c>Retry-After</c> at once, before it touches the database, instead of after the pool's
/// 15 s timeout, with every waiting request held in memory meanwhile (bench/RESULTS.md, load shedding). The site's
/// static files (<c>wwwroot/site</c>) come earlier in the pipeline and are never limited; neither is <c>/health</c>,
/// which must answer an orchestrator truthfully while the server is busy. A request's body is read before it waits. A shed request did nothing: a case open retried with its <c>requestId</c> is safe.
/// </summary>
public sealed class RequestAdmission : IDisposable
{
    /// <summary>Seconds a shed client should wait: a busy moment usually passes within a second or two.</summary>
    public const int RetryAfterSeconds = 2;

    private readonly ConcurrencyLimiter _limiter;
    private readonly TimeProvider _clock;
    private readonly ILogger<RequestAdmission> _log;
    private long _shed;
    private long _bodiesArriving;
    private long _lastReport; // 0: nothing reported yet

    public RequestAdmission(int maxConcurrent, int queueLimit, TimeSpan queueTimeout, TimeProvider clock, ILogger<RequestAdmission> log,
        RequestBodyLimits? bodies = null)
    {
        Bodies = bodies ?? RequestBodyLimits.Default;
        if (maxConcurrent is < 1 or > MaxLimit || queueLimit is < 0 or > MaxLimit || queueTimeout < TimeSpan.Zero || queueTimeout > MaxQueueTimeout)
        {
            throw new InvalidOperationException(
                $"Liaison:Http: MaxConcurrentRequests must be 1 to {MaxLimit} (got {maxConcurrent}), RequestQueueLimit 0 to {MaxLimit} (got {queueLimit}), " +
                $"RequestQueueTimeout 0 to {MaxQueueTimeout} (got {queueTimeout})");
        }

        (MaxConcurrent, QueueLimit, QueueTimeout, _clock, _log) = (maxConcurrent, queueLimit, queueTimeout, clock, log);
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = maxConcurrent,
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>The largest limit accepted for either count: far beyond what one process serves.</summary>
    public const int MaxLimit = 100_000;

    /// <summary>The longest wait accepted in the queue.</summary>
    public static readonly TimeSpan MaxQueueTimeout = TimeSpan.FromMinutes(10);

    public int MaxConcurrent { get; }

    public int QueueLimit { get; }

    public TimeSpan QueueTimeout { get; }

    /// <summary>How large a request's body may be, and how long it may take to arrive.</summary>
    public RequestBodyLimits Bodies { get; }

    /// <summary>Requests whose body is being read now, each on the clock of <see cref="RequestBodyLimits.Timeout"/>.</summary>
    public long BodiesArriving => Interlocked.Read(ref _bodiesArriving);

    /// <summary>Requests being served and waiting now, and those shed since start.</summary>
    public (long Serving, long Waiting, long Shed) Statistics()
    {
        var s = _limiter.GetStatistics()!; // a ConcurrencyLimiter always has statistics
        return (MaxConcurrent - s.CurrentAvailablePermits, s.CurrentQueuedCount, Interlocked.Read(ref _shed));
    }

    /// <summary>The limits from <c>Liaison:Http</c>; the default concurrency is the application pool's size.</summary>
    public static RequestAdmission From(LiaisonOptions.HttpOptions options, int poolSize, TimeProvider clock, ILogger<RequestAdmission> log)
    {
        var max = options.MaxConcurrentRequests ?? poolSize;
        return new RequestAdmission(max, options.RequestQueueLimit ?? 4 * Math.Clamp(max, 0, MaxLimit / 4), options.RequestQueueTimeout, clock, log,
            new RequestBodyLimits(options.MaxRequestBodyBytes, options.MaxUploadBodyBytes, options.RequestBodyTimeout));
    }

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (http.Request.Path.StartsWithSegments("/health"))
        {
            await next(http);
            return;
        }

        // A request's body is read before it takes a turn, so a client that sends slowly holds none: with a turn held
        // from the first byte, a handful of slow uploads would have every other client shed. Past 30 KB the buffer is a
        // temporary file. All this comes before sign-in is known, so the body is bounded here, by its address (a stranger
        // could otherwise park 30 MB, Kestrel's limit, per connection on disk), and must arrive in time (Kestrel's
        // minimum data rate is an average: a fast start buys hours of trickle).
        if (http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            var limit = Bodies.For(http.Request.Path);
            if (http.Request.ContentLength > limit)
            {
                await Bodies.RefuseAsync(http, StatusCodes.Status413PayloadTooLarge, limit);
                return;
            }

            http.Request.EnableBuffering();
            using var slow = new CancellationTokenSource(Bodies.Timeout, _clock);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(slow.Token, http.RequestAborted);
            long length;
            Interlocked.Increment(ref _bodiesArriving);
            try
            {
                length = await RequestBodyLimits.DrainAsync(http.Request.Body, limit, either.Token);
            }
            catch (Exception) when (http.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (slow.IsCancellationRequested)
            {
                await Bodies.RefuseAsync(http, StatusCodes.Status408RequestTimeout, limit);
                return;
            }
            finally
            {
                Interlocked.Decrement(ref _bodiesArriving);
            }

            if (length > limit)
            {
                await Bodies.RefuseAsync(http, StatusCodes.Status413PayloadTooLarge, limit);
                return;
            }

            http.Request.Body.Position = 0;
        }

        using var lease = await AcquireAsync(http.RequestAborted);
        if (lease is not null)
        {
            await next(http);
        }
        else if (!http.RequestAborted.IsCancellationRequested)
        {
            Report();
            await ServiceUnavailable.WriteAsync(http, "busy.html",
                "系统繁忙，请稍后重试", "The server is busy; please try again in a moment", RetryAfterSeconds);
        }
    }

    /// <summary>A turn, at once or after waiting in the queue; null when the queue is full or the wait ran out.</summary>
    private async ValueTask<RateLimitLease?> AcquireAsync(CancellationToken aborted)
    {
        var lease = _limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            using var timeout = new CancellationTokenSource(QueueTimeout, _clock);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, aborted);
            try
            {
                lease = await _limiter.AcquireAsync(1, either.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return null;
    }

    /// <summary>Counts a shed request; logs the first and then at most one warning every 10 s, with the count so far.</summary>
    private void Report()
    {
        var total = Interlocked.Increment(ref _shed);
        var last = Interlocked.Read(ref _lastReport);
        var now = _clock.GetTimestamp();
        if ((last == 0 || _clock.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(10)) && Interlocked.CompareExchange(ref _lastReport, now, last) == last)
        {
            _log.LogWarning(
                "At capacity: {Shed} requests answered 503 so far ({Max} served at once, {Queue} waiting at most {Timeout} s; Liaison:Http)",
                total, MaxConcurrent, QueueLimit, QueueTimeout.TotalSeconds);
        }
    }

    public void Dispose() => _limiter.Dispose();
}
