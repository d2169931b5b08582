using System.Collections.Concurrent;
using System.Management.Automation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Monitoring;
using Serilog;
using Serilog.Formatting.Json;

namespace MimecastJournaling.Commands;

/// <summary>Start-JournalListener's logs, metrics and per-transaction -Verbose lines.</summary>
public sealed partial class StartJournalListenerCommand
{
    /// <summary>Where the structured log goes: Console (one line each), Journald (the console in systemd's format, read by journald under a unit), EventLog (Windows).</summary>
    [Parameter]
    [ValidateSet("Console", "Journald", "EventLog")]
    public string[]? LogTarget { get; set; }

    /// <summary>A file for the structured log, one JSON object a line, a new file each day (14 kept).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogPath { get; set; }

    /// <summary>Serves /metrics (Prometheus), /health and /ready under this HTTP prefix, for example http://127.0.0.1:9425/.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsPrefix { get; set; }

    // Transaction lines for -Verbose, written by the -Wait loop (PowerShell accepts output only from the pipeline thread).
    private readonly ConcurrentQueue<SmtpTransactionRecord> _verboseLines = new();
    private const int MaxQueuedVerboseLines = 10_000;
    private long _droppedVerboseLines;

    /// <summary>Starts the logs, metrics and alerts of a listener about to start; they end with it. A failure is terminating.</summary>
    private List<IAsyncDisposable> AttachObservers(JournalListener listener, Engine.Storage.IJournalStore store)
    {
        var owned = new List<IAsyncDisposable>();
        try
        {
            // Alerts follow Set-JournalAlert in the store from round to round, so they are always attached.
            var alerts = AlertDispatcher.Attach(listener, store);
            owned.Add(alerts);
            if (LogTarget is { Length: > 0 } || LogPath is not null)
            {
                var factory = CreateLoggerFactory(LogTarget ?? [], LogPath is null ? null : GetUnresolvedProviderPathFromPSPath(LogPath));
                var logger = factory.CreateLogger(ListenerLog.Category);
                var attached = ListenerLog.Attach(listener, logger);
                alerts.DeliveryFailed += message => logger.LogWarning(1300, "{Text}", message);
                alerts.AlertSent += alert => logger.LogInformation(1301, "Alert sent: {Title}", alert.Title);
                owned.Add(new DisposeAsync(() =>
                {
                    attached.Dispose();
                    factory.Dispose();
                }));
            }
            if (MetricsPrefix is not null)
            {
                owned.Add(ListenerMonitorEndpoint.Start(listener, MetricsPrefix));
            }
            if (Wait && IsVerbose())
            {
                listener.TransactionCompleted += QueueVerboseLine;
            }
        }
        catch (Exception e)
        {
            DisposeAll(owned);
            ThrowTerminating(e as JournalConfigurationException ?? new JournalConfigurationException("ListenerLogUnavailable", JournalErrorKind.InvalidArgument,
                $"Cannot start the listener's log: {e.Message}", LogPath, e));
        }
        listener.Stopped += () => DisposeAll(owned);
        return owned;
    }

    private static void DisposeAll(List<IAsyncDisposable> owned)
    {
        foreach (var o in owned)
        {
            try
            {
                o.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // Stopping: nothing more to do about a log or an HTTP port.
            }
        }
        owned.Clear();
    }

    private bool IsVerbose() =>
        MyInvocation.BoundParameters.TryGetValue("Verbose", out var verbose)
            ? verbose is SwitchParameter { IsPresent: true } or true
            : GetVariableValue("VerbosePreference") is ActionPreference.Continue or ActionPreference.Inquire;

    private void QueueVerboseLine(SmtpTransactionRecord record)
    {
        if (_verboseLines.Count >= MaxQueuedVerboseLines)
        {
            Interlocked.Increment(ref _droppedVerboseLines);
            return;
        }
        _verboseLines.Enqueue(record);
    }

    /// <summary>The -Wait loop: waits for the stop (Ctrl+C or SIGTERM) and writes the queued transaction lines meanwhile.</summary>
    private void WaitWritingTransactions(CancellationToken stop)
    {
        while (!stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250)))
        {
            WriteQueuedTransactions();
        }
    }

    private void WriteQueuedTransactions()
    {
        if (Interlocked.Exchange(ref _droppedVerboseLines, 0) is > 0 and var dropped)
        {
            WriteVerbose($"({dropped} transaction lines were not shown: too many at once.)");
        }
        while (_verboseLines.TryDequeue(out var record))
        {
            WriteVerbose($"{record.Time.ToLocalTime():HH:mm:ss} SMTP {record}");
        }
    }

    /// <summary>
    /// The log's destinations (Microsoft.Extensions.Logging): the console, the console in systemd's
    /// format (priority prefixes that journald reads from a unit's standard output), the Windows event
    /// log (source MimecastJournaling), and a daily JSON-lines file (Serilog's file sink).
    /// </summary>
    internal static ILoggerFactory CreateLoggerFactory(IReadOnlyCollection<string> targets, string? path)
    {
        if (targets.Contains("EventLog", StringComparer.OrdinalIgnoreCase) && !OperatingSystem.IsWindows())
        {
            throw new JournalConfigurationException("EventLogUnavailable", JournalErrorKind.InvalidArgument,
                "The Windows event log exists on Windows only. On Linux use -LogTarget Journald (under systemd) or -LogPath.", "EventLog");
        }
        Serilog.Core.Logger? file = null;
        if (path is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }
            file = new LoggerConfiguration()
                .MinimumLevel.Information()
                .WriteTo.File(new JsonFormatter(renderMessage: true), path, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14, flushToDiskInterval: TimeSpan.FromSeconds(1))
                .CreateLogger();
        }
        return LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(LogLevel.Information);
            foreach (var target in targets.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                switch (target.ToUpperInvariant())
                {
                    case "CONSOLE":
                        builder.AddSimpleConsole(o =>
                        {
                            o.SingleLine = true;
                            o.UseUtcTimestamp = true;
                            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ ";
                        });
                        break;
                    case "JOURNALD":
                        // journald stores a unit's standard output; "<6>" style prefixes give each line its priority.
                        builder.AddConsole(o => o.FormatterName = ConsoleFormatterNames.Systemd);
                        break;
                    case "EVENTLOG":
                        if (OperatingSystem.IsWindows())
                        {
                            AddWindowsEventLog(builder);
                        }
                        break;
                }
            }
            if (file is not null)
            {
                builder.AddSerilog(file, dispose: true);
            }
        });
    }

    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
    private static void AddWindowsEventLog(ILoggingBuilder builder) =>
        builder.AddEventLog(new Microsoft.Extensions.Logging.EventLog.EventLogSettings { SourceName = "MimecastJournaling", LogName = "Application" });

    private sealed class DisposeAsync(Action dispose) : IAsyncDisposable
    {
        ValueTask IAsyncDisposable.DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
