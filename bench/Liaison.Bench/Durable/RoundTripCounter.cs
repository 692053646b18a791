using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Liaison.Bench.Durable;

/// <summary>
/// Counts what EF sends to PostgreSQL during the traced pass of the durable benchmark: commands (each one round trip;
/// EF batches a SaveChanges into one) and commits, with the time spent waiting on each. The rest of a cycle is .NET.
/// </summary>
public sealed class RoundTripCounter : IDbCommandInterceptor, IDbTransactionInterceptor
{
    private long _commands;
    private long _commandTicks;
    private long _commits;
    private long _commitTicks;

    public long Commands => Interlocked.Read(ref _commands);

    public TimeSpan CommandTime => TimeSpan.FromTicks(Interlocked.Read(ref _commandTicks));

    public long Commits => Interlocked.Read(ref _commits);

    public TimeSpan CommitTime => TimeSpan.FromTicks(Interlocked.Read(ref _commitTicks));

    public void Reset() => (_commands, _commandTicks, _commits, _commitTicks) = (0, 0, 0, 0);

    private void Command(CommandExecutedEventData e)
    {
        Interlocked.Increment(ref _commands);
        Interlocked.Add(ref _commandTicks, e.Duration.Ticks);
    }

    public ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Command(eventData);
        return ValueTask.FromResult(result);
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Command(eventData);
        return ValueTask.FromResult(result);
    }

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Command(eventData);
        return ValueTask.FromResult(result);
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _commitTicks, eventData.Duration.Ticks);
        return Task.CompletedTask;
    }
}
