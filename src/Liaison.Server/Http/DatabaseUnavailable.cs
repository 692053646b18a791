using Liaison.Cases.Common;
using System.Net.Sockets;
using Liaison.Server.Data;
using Liaison.Server.Pages;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Liaison.Server.Http;

/// <summary>
/// PostgreSQL away for a moment (restarting, failing over, out of connections) is not the caller's fault and not a bug:
/// the request answers 503 with <c>Retry-After</c>, a problem details for the API and a plain page for the pages.
/// Its transaction rolled back, so nothing was half done; a retried case open with its <c>requestId</c> is safe. A
/// request PostgreSQL stopped because it met another on the same rows (a deadlock, a serialization failure, a lock not
/// available) answers 409: the database is fine, and trying again goes through.
/// </summary>
public sealed class DatabaseUnavailableExceptionHandler(ILogger<DatabaseUnavailableExceptionHandler> log)
    : IExceptionHandler
{
    /// <summary>Seconds a client should wait before trying again: about what a restart or a failover takes.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (SqlState(exception) is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable)
        {
            // Two requests met on the same rows and PostgreSQL stopped this one: the database is fine, the transaction
            // rolled back, and the same request sent again goes through.
            log.LogInformation("Concurrent change ({SqlState}): {Error}; answered 409", SqlState(exception), Innermost(exception).Message);
            http.Response.Headers.CacheControl = "no-store";
            var message = new Text("与同时进行的另一项操作冲突，没有任何改动，请刷新后重试", "Another change happened at the same moment; nothing changed. Reload and try again");
            if (PageErrors.IsPage(http))
            {
                await PageResults.Message(new MessageModel(new Text("请重试", "Please try again"), message, "/", new Text("返回首页", "Home")),
                    StatusCodes.Status409Conflict).ExecuteAsync(http);
            }
            else
            {
                await new ConflictProblem(message).ExecuteAsync(http);
            }

            return true;
        }

        if (!IsTransient(exception))
        {
            return false;
        }

        log.LogWarning("PostgreSQL unavailable ({SqlState}): {Error}; answered 503", SqlState(exception) ?? "no SQLSTATE", Innermost(exception).Message);
        // The pool's idle connections died with the server: drop them, so the first requests after it returns get fresh ones.
        if (http.RequestServices.GetService<LiaisonDbContext>()?.Database.GetDbConnection() is NpgsqlConnection connection)
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await ServiceUnavailable.WriteAsync(http, "unavailable.html",
            "数据库暂时不可用，请稍后重试", "The database is unavailable for a moment; please try again shortly", RetryAfterSeconds);
        return true;
    }

    /// <summary>
    /// A failure that says nothing about the request: no connection (refused, reset, timed out, pool exhausted),
    /// class 08 (connection exception), 53300 (too many clients), 57P01–57P03 (shut down, crash, starting up),
    /// or whatever else Npgsql calls transient. Looked for in the whole chain: EF wraps Npgsql's exceptions.
    /// </summary>
    public static bool IsTransient(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                    || pg.SqlState is PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.AdminShutdown
                        or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow:
                    return true;
                case NpgsqlException { IsTransient: true }:
                    return true;
                case NpgsqlException { InnerException: SocketException or IOException or TimeoutException }:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsTransient):
                    return true;
            }
        }

        return false;
    }

    private static string? SqlState(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException pg)
            {
                return pg.SqlState;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception exception) => exception.InnerException is { } inner ? Innermost(inner) : exception;
}
