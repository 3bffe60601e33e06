using Microsoft.Extensions.Logging;

namespace Glm4vSK.Connector.Tests.Support;

/// <summary>Every log record of every category, in order.</summary>
internal sealed class LogRecords : ILoggerProvider
{
    readonly List<(LogLevel Level, string Message)> _records = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Snapshot()
    {
        lock (_records) return [.. _records];
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    sealed class Logger(LogRecords owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._records) owner._records.Add((logLevel, formatter(state, exception)));
        }
    }
}
