using Microsoft.Extensions.Logging;

namespace Glm4vSK.Cli.Hosting;

/// <summary>
/// Log lines on the command's error writer (stderr), one per entry: "warn: category: message (Exception: message)".
/// The engine logs its load warnings and failed requests here, so `glm4v serve` shows them next to its own output.
/// </summary>
internal sealed class ErrorWriterLoggerProvider(TextWriter error) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(error, categoryName);

    public void Dispose() { }

    sealed class Logger(TextWriter error, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string label = logLevel switch
            {
                LogLevel.Trace => "trce", LogLevel.Debug => "dbug", LogLevel.Information => "info",
                LogLevel.Warning => "warn", LogLevel.Error => "fail", _ => "crit",
            };
            string line = $"{label}: {category}: {formatter(state, exception)}";
            if (exception is not null) line += $" ({exception.GetType().Name}: {exception.Message})";
            lock (error) error.WriteLine(line);
        }
    }
}
