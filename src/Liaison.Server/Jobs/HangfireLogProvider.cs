using HfLogLevel = Hangfire.Logging.LogLevel;

namespace Liaison.Server.Jobs;

/// <summary>
/// Hangfire keeps its log provider in a static. When several hosts live in one process (the integration tests) and one
/// is disposed, logging through its factory would throw; this provider drops such messages instead.
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory factory) : Hangfire.Logging.ILogProvider
{
    public Hangfire.Logging.ILog GetLogger(string name) => new ForwardingLog(factory, name);

    private sealed class ForwardingLog(ILoggerFactory factory, string name) : Hangfire.Logging.ILog
    {
        private ILogger? _logger;

        public bool Log(HfLogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                _logger ??= factory.CreateLogger(name);
                var level = logLevel switch
                {
                    HfLogLevel.Trace => LogLevel.Trace,
                    HfLogLevel.Debug => LogLevel.Debug,
                    HfLogLevel.Info => LogLevel.Information,
                    HfLogLevel.Warn => LogLevel.Warning,
                    HfLogLevel.Error => LogLevel.Error,
                    _ => LogLevel.Critical,
                };
                if (messageFunc is null)
                {
                    return _logger.IsEnabled(level);
                }

                _logger.Log(level, exception, "{Message}", messageFunc());
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
