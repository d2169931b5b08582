using System.Collections.Concurrent;
using System.Management.Automation;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.Commands;

/// <summary>The current Exchange Online connection of the process (one at a time), set by Connect-O365Journaling.</summary>
internal static class O365Session
{
    private static readonly CurrentConnection<ExchangeOnlineConnection> Slot = new();

    public static ExchangeOnlineConnection? Current => Slot.Current;

    /// <summary>Makes <paramref name="connection"/> current and closes the previous one.</summary>
    public static void Replace(ExchangeOnlineConnection? connection) => Slot.Replace(connection);
}

/// <summary>The one current connection of a kind in the process (Exchange Online, Mimecast).</summary>
internal sealed class CurrentConnection<T> where T : class, IDisposable
{
    private readonly object _gate = new();
    private T? _current;

    public T? Current
    {
        get { lock (_gate) return _current; }
    }

    /// <summary>Makes <paramref name="connection"/> current and closes the previous one.</summary>
    public void Replace(T? connection)
    {
        T? old;
        lock (_gate)
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
    private readonly PipelineStop _stopping = new();

    /// <summary>The connection; a terminating error when Connect-O365Journaling has not run.</summary>
    protected ExchangeOnlineConnection Connection => O365Session.Current ?? throw new PipelineStoppedException();

    /// <summary>Stops with a clear error when there is no connection.</summary>
    protected override void BeginProcessing()
    {
        if (O365Session.Current is null)
        {
            ThrowTerminatingError(NotConnectedError());
        }
    }

    /// <summary>The error for a cmdlet that needs Connect-O365Journaling first.</summary>
    internal static ErrorRecord NotConnectedError() => new(
        new InvalidOperationException("Not connected to Exchange Online. Run Connect-O365Journaling first, for example: Connect-O365Journaling -TenantId contoso.onmicrosoft.com -ClientId <application id> -ClientSecret (Read-Host -AsSecureString)."),
        "O365NotConnected", ErrorCategory.InvalidOperation, null);

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Ctrl+C cancels the call in flight.</summary>
    protected override void StopProcessing() => _stopping.Request();

    /// <summary>Runs Exchange calls; each Exchange cmdlet invoked (with its parameters), retry and redirect is written with Write-Verbose.</summary>
    protected T Invoke<T>(Func<ExchangeJournalingCommands, CancellationToken, Task<T>> work) =>
        O365Pump.Run(this, Connection, (connection, _, ct) => work(connection.Commands, ct), _stopping.Token);

    /// <summary>
    /// Runs work on the connection (Exchange and Graph); what it posts (text for Write-Verbose, a
    /// ProgressRecord) is written on the pipeline thread as it comes, with the Exchange call log.
    /// </summary>
    protected T Invoke<T>(Func<ExchangeOnlineConnection, Action<object>, CancellationToken, Task<T>> work) =>
        O365Pump.Run(this, Connection, work, _stopping.Token);

    /// <summary>Runs one unit of work; an Exchange failure becomes a non-terminating error and the pipeline goes on.</summary>
    protected void Try(Action action, object? target = null)
    {
        try
        {
            action();
        }
        catch (Exception e) when (ToErrorRecord(e, target) is { } record)
        {
            WriteError(record);
        }
        catch (OperationCanceledException) when (_stopping.IsRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>
    /// The one mapping of a Microsoft 365 failure (Exchange, Graph, sign-in, network) to its
    /// ErrorRecord; null for any other exception. Sync-JournalDirectory uses it too.
    /// </summary>
    internal static ErrorRecord? ToErrorRecord(Exception e, object? target) => e switch
    {
        ExchangeCommandException exchange => ToErrorRecord(exchange, target),
        HttpRequestException http => UnreachableError(http, target),
        GraphDirectoryException graph => ToErrorRecord(graph, target),
        AccessTokenException token => new ErrorRecord(token, "O365SignInFailed", ErrorCategory.AuthenticationError, target),
        _ => null,
    };

    /// <summary>
    /// Microsoft 365 could not be reached (no DNS answer, a refused or cut connection, a proxy in
    /// the way): the error says where to look rather than the socket's own words alone.
    /// </summary>
    internal static ErrorRecord UnreachableError(HttpRequestException e, object? target)
    {
        var record = new ErrorRecord(e, "O365ConnectionFailed", ErrorCategory.ConnectionError, target);
        record.ErrorDetails = new ErrorDetails($"Cannot reach Microsoft 365: {e.Message}. {NetworkAdvice}")
        {
            RecommendedAction = NetworkAdvice,
        };
        return record;
    }

    /// <summary>What to check when Microsoft 365 cannot be reached.</summary>
    internal const string NetworkAdvice =
        "Check DNS (does this host resolve the name?), the proxy (HTTPS_PROXY, or the system's proxy settings) and the firewall (outbound HTTPS, port 443, to Microsoft 365).";

    /// <summary>Graph's own text, with the category that matches what went wrong, and the permission to grant when it refused.</summary>
    internal static ErrorRecord ToErrorRecord(GraphDirectoryException e, object? target)
    {
        var (id, category) = e.Kind switch
        {
            GraphErrorKind.AccessDenied => ("GraphAccessDenied", ErrorCategory.PermissionDenied),
            GraphErrorKind.Unauthorized => ("GraphUnauthorized", ErrorCategory.AuthenticationError),
            GraphErrorKind.Throttled => ("GraphThrottled", ErrorCategory.LimitsExceeded),
            GraphErrorKind.NotFound => ("GraphObjectNotFound", ErrorCategory.ObjectNotFound),
            _ => ("GraphRequestFailed", ErrorCategory.NotSpecified),
        };
        var record = new ErrorRecord(e, id, category, target);
        record.CategoryInfo.Activity = "Microsoft Graph";
        if (e.Kind is GraphErrorKind.AccessDenied or GraphErrorKind.Unauthorized)
        {
            record.ErrorDetails = new ErrorDetails(e.Message)
            {
                RecommendedAction = "Give the app the Microsoft Graph application permissions User.Read.All and Domain.Read.All (admin consent), " +
                    "or connect with a -GraphAccessToken whose audience is Microsoft Graph and that carries them.",
            };
        }
        return record;
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

/// <summary>
/// Runs asynchronous Exchange/Graph work off the pipeline thread and writes, on the pipeline thread,
/// what it posts (text: Write-Verbose; a ProgressRecord: Write-Progress) and the Exchange call log.
/// </summary>
internal static class O365Pump
{
    public static T Run<T>(Cmdlet cmdlet, ExchangeOnlineConnection connection, Func<ExchangeOnlineConnection, Action<object>, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var messages = new BlockingCollection<object>();
        void Post(object message)
        {
            try { messages.Add(message); }
            catch (InvalidOperationException) { /* the call is over */ }
        }
        connection.Log = e =>
        {
            if (e.Kind is ExchangeCommandEventKind.Invoking or ExchangeCommandEventKind.Retrying or ExchangeCommandEventKind.Redirected
                or ExchangeCommandEventKind.Reauthenticating or ExchangeCommandEventKind.Failed)
            {
                Post("Exchange: " + e);
            }
        };
        try
        {
            var task = Task.Run(() => work(connection, Post, cancellationToken), cancellationToken);
            _ = task.ContinueWith(_ => messages.CompleteAdding(), TaskScheduler.Default);
            foreach (var message in messages.GetConsumingEnumerable())
            {
                if (message is ProgressRecord progress) cmdlet.WriteProgress(progress);
                else cmdlet.WriteVerbose(message.ToString() ?? string.Empty);
            }
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            connection.Log = null;
        }
    }
}
