using System.Management.Automation;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Commands;

/// <summary>
/// Base of every cmdlet that uses the configuration store: the -Store parameter, the engine's
/// configuration service, and one mapping from engine refusals to ErrorRecords.
/// </summary>
public abstract class JournalCmdlet : PSCmdlet
{
    private JournalConfiguration? _configuration;

    /// <summary>
    /// The store: a file path (SQLite) or a PostgreSQL connection string; default:
    /// $env:MIMECASTJOURNALING_STORE, then the per-user data folder.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    protected JournalConfiguration Configuration => _configuration ??= new JournalConfiguration(OpenBackend().Store, Actor);

    /// <summary>
    /// Retention policies, legal holds and erasure over the same store; with an object store set
    /// (Set-JournalObjectStore), removing an item removes its WORM object first, and a lock refuses.
    /// </summary>
    protected MimecastJournaling.Engine.Lifecycle.JournalLifecycle Lifecycle => _lifecycle ??= OpenLifecycle();

    private MimecastJournaling.Engine.Lifecycle.JournalLifecycle OpenLifecycle()
    {
        var backend = OpenBackend();
        return backend.OpenLifecycle(Actor, originalLock: backend.ObjectStoreLock);
    }

    private MimecastJournaling.Engine.Lifecycle.JournalLifecycle? _lifecycle;

    /// <summary>The archive in the same store.</summary>
    protected IJournalArchive Archive => OpenBackend().Archive;

    /// <summary>The backend of this cmdlet's -Store; one that cannot be opened ends the cmdlet (every later step would fail the same way).</summary>
    protected JournalBackend OpenBackend()
    {
        try
        {
            return OpenBackend(this, Store);
        }
        catch (JournalConfigurationException e) when (e.ErrorId is "StorePathIsFolder" or "StoreUnavailable")
        {
            ThrowTerminatingError(ToErrorRecord(e));
            throw;
        }
    }

    /// <summary>The backend of a -Store value (a PowerShell path is resolved against the current location; a connection string is taken as it is).</summary>
    internal static JournalBackend OpenBackend(PSCmdlet cmdlet, string? store) =>
        JournalBackend.Open(ResolveLocation(cmdlet, store));

    internal static string? ResolveLocation(PSCmdlet cmdlet, string? store) =>
        store is null || StoreLocation.IsConnectionString(store) ? store : cmdlet.GetUnresolvedProviderPathFromPSPath(store);

    /// <summary>Who makes a change, for the event log.</summary>
    internal static string Actor => OperatingSystem.IsWindows()
        ? $@"{Environment.UserDomainName}\{Environment.UserName}"
        : Environment.UserName;

    /// <summary>Runs one unit of work; an engine refusal becomes a non-terminating error and the pipeline goes on.</summary>
    protected void Try(Action action)
    {
        try
        {
            action();
        }
        catch (JournalConfigurationException e)
        {
            WriteError(ToErrorRecord(e));
        }
    }

    protected void ThrowTerminating(JournalConfigurationException e) => ThrowTerminatingError(ToErrorRecord(e));

    internal static ErrorRecord ToErrorRecord(JournalConfigurationException e)
    {
        var category = e.Kind switch
        {
            JournalErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            JournalErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            JournalErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
            JournalErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
            JournalErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
            JournalErrorKind.ConnectionError => ErrorCategory.ConnectionError,
            _ => ErrorCategory.NotSpecified,
        };
        return new ErrorRecord(e, e.ErrorId, category, e.Target);
    }

    /// <summary>Names matching <paramref name="patterns"/> (wildcards allowed); a plain name that matches nothing is an error.</summary>
    protected IEnumerable<T> Filter<T>(IEnumerable<T> items, Func<T, string> name, string[]? patterns, Func<string, JournalConfigurationException> notFound)
    {
        var all = items.ToList();
        if (patterns is null || patterns.Length == 0)
        {
            foreach (var item in all)
            {
                yield return item;
            }
            yield break;
        }
        var seen = new HashSet<T>();
        foreach (var pattern in patterns)
        {
            var wildcard = WildcardPattern.ContainsWildcardCharacters(pattern);
            var matcher = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            var matched = false;
            foreach (var item in all.Where(i => matcher.IsMatch(name(i))))
            {
                matched = true;
                if (seen.Add(item))
                {
                    yield return item;
                }
            }
            if (!matched && !wildcard)
            {
                WriteError(ToErrorRecord(notFound(pattern)));
            }
        }
    }
}
