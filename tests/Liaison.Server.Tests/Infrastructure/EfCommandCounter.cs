using System.Diagnostics;

namespace Liaison.Server.Tests.Infrastructure;

/// <summary>
/// Counts the SQL commands EF Core executes in the calling async flow (and the tasks it starts), from EF's
/// DiagnosticSource events: other tests running at once in this process are not counted. Commands run through a raw
/// NpgsqlCommand are not EF's and not counted.
/// </summary>
public sealed class EfCommandCounter : IDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private const string Executed = "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted";

    private static readonly AsyncLocal<EfCommandCounter?> Current = new();

    private readonly IDisposable _all;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly List<string> _texts = [];
    private int _count;

    private EfCommandCounter()
    {
        Current.Value = this;
        _all = DiagnosticListener.AllListeners.Subscribe(this);
    }

    /// <summary>Starts counting in this async flow; dispose to stop.</summary>
    public static EfCommandCounter Start() => new();

    public int Count => Volatile.Read(ref _count);

    /// <summary>The SQL of the commands counted, in the order they ran.</summary>
    public IReadOnlyList<string> CommandTexts
    {
        get
        {
            lock (_texts)
            {
                return [.. _texts];
            }
        }
    }

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "Microsoft.EntityFrameworkCore")
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(listener.Subscribe(this, name => name == Executed));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == Executed && Current.Value == this)
        {
            Interlocked.Increment(ref _count);
            if (value.Value is Microsoft.EntityFrameworkCore.Diagnostics.CommandExecutedEventData executed)
            {
                lock (_texts)
                {
                    _texts.Add(executed.Command.CommandText);
                }
            }
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        Current.Value = null;
        _all.Dispose();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }
}
