using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Liaison.Testing;

/// <summary>
/// A real SMTP server on a loopback port that records every message it accepts. Tests can make it answer the next
/// messages with a temporary (4xx) or permanent (5xx) error.
/// </summary>
public sealed class SmtpListener : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<MimeMessage> _received = new();
    private readonly ConcurrentQueue<int> _scriptedFailures = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _running;

    public SmtpListener()
    {
        Port = FreePorts.Next();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    public IReadOnlyList<MimeMessage> Received => _received.ToList();

    /// <summary>How many DATA commands reached the message store, accepted or not.</summary>
    public int Attempts;

    /// <summary>Runs after a message is accepted and before the 250 reply: the sender waits for it.</summary>
    public Func<MimeMessage, Task>? OnAccepted { get; set; }

    /// <summary>The next message is answered with <paramref name="code"/> (e.g. 451 or 550) instead of 250.</summary>
    public void FailNext(int code, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _scriptedFailures.Enqueue(code);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages were accepted, or fails after a generous time.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (_received.Count < count)
        {
            await _arrived.WaitAsync(cts.Token);
        }

        return Received;
    }

    public void Clear() => _received.Clear();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
    }


    private sealed class Store(SmtpListener owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
        {
            Interlocked.Increment(ref owner.Attempts);
            if (owner._scriptedFailures.TryDequeue(out var code))
            {
                return new SmtpResponse((SmtpReplyCode)code, code >= 500 ? "Mailbox unavailable (test)" : "Try again later (test)");
            }

            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, ct);
            owner._received.Enqueue(message);
            owner._arrived.Release();
            if (owner.OnAccepted is { } hook)
            {
                await hook(message);
            }

            return SmtpResponse.Ok;
        }
    }
}
