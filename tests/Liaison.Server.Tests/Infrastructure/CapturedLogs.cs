using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Liaison.Server.Tests.Infrastructure;

/// <summary>Every log entry the server writes (at the configured level and above), with its scopes, for tests to read.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<LogEntry> Entries => _entries.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    /// <param name="Text">The message, the exception and every scope, as one searchable string.</param>
    public sealed record LogEntry(LogLevel Level, string Category, string Message, string Text);

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var text = new System.Text.StringBuilder(message).Append(' ').Append(exception);
            owner._scopes.ForEachScope((scope, sb) => sb.Append(" | ").Append(scope is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : scope), text);
            owner._entries.Enqueue(new LogEntry(logLevel, category, message, text.ToString()));
        }
    }
}
