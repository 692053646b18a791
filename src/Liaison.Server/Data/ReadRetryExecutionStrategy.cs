using Liaison.Server.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Liaison.Server.Data;

/// <summary>
/// Retries a read that met a transient PostgreSQL failure (a dropped pooled connection, a failover, a full server) on a
/// fresh connection, where a retry is safe: during a GET or HEAD request (<see cref="ReadOnlyRequests"/>), outside any
/// transaction, with nothing tracked waiting to be saved, so the operation is a query. Everything else runs once, as
/// without a strategy: a write whose commit may have happened is never repeated here (its client retries with its
/// requestId after the 503's Retry-After), and a transaction's statements are not replayed one by one. The first
/// retry is immediate, the second after about a second; a longer outage still answers 503.
/// </summary>
public sealed class ReadRetryExecutionStrategy(ExecutionStrategyDependencies dependencies)
    : ExecutionStrategy(dependencies, MaxRetries, TimeSpan.FromSeconds(1))
{
    public const int MaxRetries = 2;

    private DbContext Context => Dependencies.CurrentContext.Context;

    private bool MayRetry => ReadOnlyRequests.Current && Context.Database.CurrentTransaction is null && !Context.ChangeTracker.HasChanges();

    public override TResult Execute<TState, TResult>(
        TState state, Func<DbContext, TState, TResult> operation, Func<DbContext, TState, ExecutionResult<TResult>>? verifySucceeded) =>
        MayRetry ? base.Execute(state, operation, verifySucceeded) : operation(Context, state);

    public override Task<TResult> ExecuteAsync<TState, TResult>(
        TState state, Func<DbContext, TState, CancellationToken, Task<TResult>> operation,
        Func<DbContext, TState, CancellationToken, Task<ExecutionResult<TResult>>>? verifySucceeded, CancellationToken cancellationToken = default) =>
        MayRetry ? base.ExecuteAsync(state, operation, verifySucceeded, cancellationToken) : operation(Context, state, cancellationToken);

    protected override bool ShouldRetryOn(Exception exception) => DatabaseUnavailableExceptionHandler.IsTransient(exception);

    /// <summary>The pool's other idle connections most likely died the same way: drop them, so the retry gets a live one.</summary>
    protected override void OnRetry()
    {
        Dependencies.Logger.Logger.LogWarning("A read met a transient database failure: retry {Retry} of {MaxRetries} on a fresh connection", ExceptionsEncountered.Count, MaxRetries);
        if (Context.Database.GetDbConnection() is NpgsqlConnection connection)
        {
            NpgsqlConnection.ClearPool(connection);
        }
    }
}

/// <summary>Marks the requests whose database work is reads only (GET and HEAD), for <see cref="ReadRetryExecutionStrategy"/>.</summary>
public static class ReadOnlyRequests
{
    private static readonly AsyncLocal<bool> Flag = new();

    public static bool Current => Flag.Value;

    public static IApplicationBuilder UseReadOnlyRequests(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            await next(http);
            return;
        }

        Flag.Value = true;
        try
        {
            await next(http);
        }
        finally
        {
            Flag.Value = false;
        }
    });
}
