using System.Collections.Concurrent;
using System.Management.Automation;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.Commands;

/// <summary>The current Exchange Online connection of the process (one at a time), set by Connect-O365Journaling.</summary>
internal static class O365Session
{
    private static readonly object Gate = new();
    private static ExchangeOnlineConnection? _current;

    public static ExchangeOnlineConnection? Current
    {
        get { lock (Gate) return _current; }
    }

    /// <summary>Makes <paramref name="connection"/> current and closes the previous one.</summary>
    public static void Replace(ExchangeOnlineConnection? connection)
    {
        ExchangeOnlineConnection? old;
        lock (Gate)
        {
            old = _current;
            _current = connection;
        }
        old?.Dispose();
    }
}

/// <summary>
/// Base of the Exchange Online cmdlets: the current connection, running a call while its steps go
/// to Write-Verbose, and one mapping from Exchange failures to ErrorRecords.
/// </summary>
public abstract class O365Cmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The connection; a terminating error when Connect-O365Journaling has not run.</summary>
    protected ExchangeOnlineConnection Connection => O365Session.Current ?? throw new PipelineStoppedException();

    /// <summary>Stops with a clear error when there is no connection.</summary>
    protected override void BeginProcessing()
    {
        if (O365Session.Current is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException("Not connected to Exchange Online. Run Connect-O365Journaling first, for example: Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ClientId <application id> -ClientSecret (Read-Host -AsSecureString)."),
                "O365NotConnected", ErrorCategory.InvalidOperation, null));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Ctrl+C cancels the call in flight.</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Runs Exchange calls; each Exchange cmdlet invoked (with its parameters), retry and redirect is written with Write-Verbose.</summary>
    protected T Invoke<T>(Func<ExchangeJournalingCommands, CancellationToken, Task<T>> work)
    {
        var connection = Connection;
        using var messages = new BlockingCollection<string>();
        connection.Log = e =>
        {
            if (e.Kind is ExchangeCommandEventKind.Invoking or ExchangeCommandEventKind.Retrying or ExchangeCommandEventKind.Redirected
                or ExchangeCommandEventKind.Reauthenticating or ExchangeCommandEventKind.Failed)
            {
                try { messages.Add("Exchange: " + e); }
                catch (InvalidOperationException) { /* the call is over */ }
            }
        };
        try
        {
            var task = Task.Run(() => work(connection.Commands, _stopping.Token));
            _ = task.ContinueWith(_ => messages.CompleteAdding(), TaskScheduler.Default);
            foreach (var message in messages.GetConsumingEnumerable())
            {
                WriteVerbose(message);
            }
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            connection.Log = null;
        }
    }

    /// <summary>Runs one unit of work; an Exchange failure becomes a non-terminating error and the pipeline goes on.</summary>
    protected void Try(Action action, object? target = null)
    {
        try
        {
            action();
        }
        catch (ExchangeCommandException e)
        {
            WriteError(ToErrorRecord(e, target));
        }
        catch (HttpRequestException e)
        {
            WriteError(new ErrorRecord(e, "O365ConnectionFailed", ErrorCategory.ConnectionError, target));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Exchange's own text, with the category that matches what went wrong.</summary>
    internal static ErrorRecord ToErrorRecord(ExchangeCommandException e, object? target)
    {
        var (id, category) = e.Category switch
        {
            ExchangeErrorCategory.NotFound => ("ExchangeObjectNotFound", ErrorCategory.ObjectNotFound),
            ExchangeErrorCategory.AlreadyExists => ("ExchangeObjectAlreadyExists", ErrorCategory.ResourceExists),
            ExchangeErrorCategory.AccessDenied => ("ExchangeAccessDenied", ErrorCategory.PermissionDenied),
            ExchangeErrorCategory.Throttled => ("ExchangeThrottled", ErrorCategory.LimitsExceeded),
            ExchangeErrorCategory.InvalidArgument => ("ExchangeInvalidArgument", ErrorCategory.InvalidArgument),
            _ => ("ExchangeCommandFailed", ErrorCategory.NotSpecified),
        };
        var record = new ErrorRecord(e, id, category, target);
        record.CategoryInfo.Activity = e.CmdletName;
        if (e.Category == ExchangeErrorCategory.AccessDenied)
        {
            record.ErrorDetails = new ErrorDetails(e.Message)
            {
                RecommendedAction = "Give the signed-in app or user an Exchange role that allows " + e.CmdletName + " (for app-only sign-in: Exchange.ManageAsApp and, for example, Exchange Recipient Administrator).",
            };
        }
        return record;
    }
}
