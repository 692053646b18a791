using System.Collections;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Hosting;

/// <summary>
/// Personal links carry their token in the path (<c>/l/{token}</c> for liaisons, <c>/e/{token}</c> for enterprises) and
/// the database keeps only hashes, so a log line with a path must not be the weakest place. The framework writes paths
/// into messages ("Request starting … GET /l/…", routing's debug lines) and into every request's scope
/// (<c>RequestPath</c>); every logger of the process goes through <see cref="RedactingLoggerFactory"/>, which replaces
/// the token in messages, structured values and scopes with <c>***</c> before any provider sees them.
/// </summary>
public static partial class LogRedaction
{
    public const string Mask = "***";

    /// <summary>Every logger of the host redacts link tokens, whatever the providers and levels configured.</summary>
    public static IServiceCollection AddLogRedaction(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(),
            sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>()))));
        return services;
    }

    /// <summary>
    /// <paramref name="text"/> with every personal link's token masked (<c>/l/***</c>, <c>/e/***</c>), and every shared
    /// link's signature (<c>sig=***</c>, the league-table mail's CSV link).
    /// </summary>
    public static string Redact(string text)
    {
        if (text.Contains("/l/", StringComparison.Ordinal) || text.Contains("/e/", StringComparison.Ordinal))
        {
            text = LinkToken().Replace(text, m => m.Groups[1].Value + Mask);
        }

        return text.Contains("sig=", StringComparison.Ordinal) ? Signature().Replace(text, m => m.Groups[1].Value + Mask) : text;
    }

    internal static object? Redact(object? value) => value is string s ? Redact(s) : value;

    // The tokens are 43 URL-safe base64 characters; anything token-like of 16 or more is masked, so a token cut short by
    // a reader (or a wrong one pasted) is masked too.
    [GeneratedRegex("(/[le]/)[A-Za-z0-9_-]{16,}")]
    private static partial Regex LinkToken();

    [GeneratedRegex("([?&]sig=)[A-Za-z0-9_%-]+")]
    private static partial Regex Signature();
}

/// <summary>Hands out loggers that redact (<see cref="LogRedaction"/>); otherwise the framework's own factory.</summary>
public sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
            state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? inner.BeginScope(new RedactedState(pairs, LogRedaction.Redact(state.ToString() ?? "")))
                : state is string s ? inner.BeginScope(LogRedaction.Redact(s)) : inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var message = LogRedaction.Redact(formatter(state, exception));
            var redacted = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? new RedactedState(pairs, message)
                : new RedactedState([], message);
            inner.Log(logLevel, eventId, redacted, exception, static (s, _) => s.Message);
        }
    }

    /// <summary>A log state or scope with its string values redacted; its text is the redacted message.</summary>
    private sealed class RedactedState(IEnumerable<KeyValuePair<string, object?>> pairs, string message) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> _pairs = pairs.Select(p => new KeyValuePair<string, object?>(p.Key, LogRedaction.Redact(p.Value))).ToList();

        public string Message { get; } = message;

        public KeyValuePair<string, object?> this[int index] => _pairs[index];

        public int Count => _pairs.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _pairs.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}
