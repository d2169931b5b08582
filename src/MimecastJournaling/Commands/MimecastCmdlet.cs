using System.Collections.Concurrent;
using System.Management.Automation;
using MimecastJournaling.Mimecast;

namespace MimecastJournaling.Commands;

/// <summary>The current Mimecast connection of the process (one at a time), set by Connect-MimecastJournaling.</summary>
internal static class MimecastSession
{
    private static readonly CurrentConnection<MimecastConnection> Slot = new();

    public static MimecastConnection? Current => Slot.Current;

    /// <summary>Makes <paramref name="connection"/> current and closes the previous one.</summary>
    public static void Replace(MimecastConnection? connection) => Slot.Replace(connection);

    /// <summary>The error for a cmdlet that needs Connect-MimecastJournaling first.</summary>
    public static ErrorRecord NotConnectedError() => new(
        new InvalidOperationException("Not connected to Mimecast. Run Connect-MimecastJournaling first, for example: Connect-MimecastJournaling -ClientId <API 2.0 client id> -ClientSecret (Read-Host -AsSecureString)."),
        "MimecastNotConnected", ErrorCategory.InvalidOperation, null);

    /// <summary>
    /// Runs Mimecast work off the pipeline thread; every step of every call (without secrets) is
    /// written with Write-Verbose on the pipeline thread as it happens (a 429 wait shows at once).
    /// </summary>
    public static T Run<T>(Cmdlet cmdlet, MimecastConnection connection, Func<MimecastConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var messages = new BlockingCollection<string>();
        connection.Log = e =>
        {
            try { messages.Add("Mimecast: " + e); }
            catch (InvalidOperationException) { /* the call is over */ }
        };
        try
        {
            var task = Task.Run(() => work(connection, cancellationToken), cancellationToken);
            _ = task.ContinueWith(_ => messages.CompleteAdding(), TaskScheduler.Default);
            foreach (var message in messages.GetConsumingEnumerable())
            {
                cmdlet.WriteVerbose(message);
            }
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            connection.Log = null;
        }
    }

    /// <summary>Mimecast's failure with the category that matches it, and what to do when it refused access.</summary>
    public static ErrorRecord ToErrorRecord(MimecastApiException e, object? target)
    {
        var (id, category) = e.Kind switch
        {
            MimecastErrorKind.AuthenticationFailed => ("MimecastAuthenticationFailed", ErrorCategory.AuthenticationError),
            MimecastErrorKind.AccessDenied => ("MimecastAccessDenied", ErrorCategory.PermissionDenied),
            MimecastErrorKind.NotFound => ("MimecastObjectNotFound", ErrorCategory.ObjectNotFound),
            MimecastErrorKind.Conflict => ("MimecastObjectConflict", ErrorCategory.ResourceExists),
            MimecastErrorKind.Throttled => ("MimecastThrottled", ErrorCategory.LimitsExceeded),
            MimecastErrorKind.InvalidArgument => ("MimecastInvalidArgument", ErrorCategory.InvalidArgument),
            MimecastErrorKind.InvalidResponse => ("MimecastInvalidResponse", ErrorCategory.InvalidResult),
            _ => ("MimecastRequestFailed", ErrorCategory.NotSpecified),
        };
        // A fresh exception: the original's inner exception (an HttpRequestException) stays out of the record.
        var record = new ErrorRecord(new MimecastApiException(e.Kind, e.Message)
        {
            StatusCode = e.StatusCode, ErrorCode = e.ErrorCode, Operation = e.Operation, Errors = e.Errors, RetryAfter = e.RetryAfter,
        }, id, category, target);
        record.CategoryInfo.Activity = e.Operation ?? "Mimecast";
        if (e.Kind == MimecastErrorKind.AccessDenied)
        {
            record.ErrorDetails = new ErrorDetails(e.Message)
            {
                RecommendedAction = "Give the Mimecast API 2.0 application's role these permissions: Services | Journaling | Read and Edit, Gateway | Policies | Edit (creating journal services), " +
                    "Directories | Internal | Register New Domain and Edit (the journal domain).",
            };
        }
        return record;
    }
}

/// <summary>
/// Base of the Mimecast cmdlets: the current connection, running calls while their steps go to
/// Write-Verbose, and one mapping from Mimecast failures and local checks to ErrorRecords.
/// </summary>
public abstract class MimecastCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The connection.</summary>
    protected MimecastConnection Connection => MimecastSession.Current ?? throw new PipelineStoppedException();

    /// <summary>Stops with a clear error when there is no connection.</summary>
    protected override void BeginProcessing()
    {
        if (MimecastSession.Current is null)
        {
            ThrowTerminatingError(MimecastSession.NotConnectedError());
        }
    }

    /// <summary>Runs Mimecast calls; each step goes to Write-Verbose.</summary>
    protected T Invoke<T>(Func<MimecastConnection, CancellationToken, Task<T>> work) =>
        MimecastSession.Run(this, Connection, work, _stopping.Token);

    /// <summary>Runs one unit of work; a refusal (a local check, or Mimecast's) becomes a non-terminating error and the pipeline goes on.</summary>
    protected void Try(Action action, object? target = null)
    {
        try
        {
            action();
        }
        catch (MimecastCheckException e)
        {
            WriteError(CheckError(e, target));
        }
        catch (MimecastApiException e)
        {
            WriteError(MimecastSession.ToErrorRecord(e, target));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>A local check's refusal: nothing was sent.</summary>
    internal static ErrorRecord CheckError(MimecastCheckException e, object? target) =>
        new(new ArgumentException(e.Message), "Mimecast" + e.ErrorId, ErrorCategory.InvalidArgument, target);

    /// <summary>Items whose name matches <paramref name="patterns"/> (wildcards allowed); a plain name that matches nothing is an error.</summary>
    protected IEnumerable<T> Match<T>(IReadOnlyList<T> items, Func<T, string> name, string[]? patterns, Func<string, ErrorRecord> notFound)
    {
        if (patterns is null || patterns.Length == 0) return items;
        var result = new List<T>();
        foreach (var pattern in patterns)
        {
            var matcher = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            var hits = items.Where(i => matcher.IsMatch(name(i))).ToArray();
            if (hits.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern)) WriteError(notFound(pattern));
            result.AddRange(hits.Where(h => !result.Contains(h)));
        }
        return result;
    }

    /// <summary>Ctrl+C cancels the call in flight (a 429 wait too).</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
