using System.Management.Automation;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.Commands;

/// <summary>
/// The tenant's verified mail domains, default first: Microsoft Graph, or Exchange's
/// Get-AcceptedDomain when Graph is not allowed (said in Verbose).
/// </summary>
[Cmdlet(VerbsCommon.Get, "O365AcceptedDomain")]
[OutputType(typeof(O365AcceptedDomain))]
public sealed class GetO365AcceptedDomainCommand : O365Cmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "Domain")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? DomainName { get; set; }

    private IReadOnlyList<O365AcceptedDomain>? _domains;

    protected override void ProcessRecord() => Try(() =>
    {
        _domains ??= Invoke((connection, post, ct) => TenantDomains.GetAsync(connection.Graph, connection.Commands, post, ct));
        if (DomainName is not { Length: > 0 } patterns)
        {
            WriteObject(_domains, enumerateCollection: true);
            return;
        }
        foreach (var pattern in patterns)
        {
            var matcher = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            var matches = _domains.Where(d => matcher.IsMatch(d.DomainName)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"'{pattern}' is not a verified mail domain of the tenant. Get-O365AcceptedDomain lists them."),
                    "O365AcceptedDomainNotFound", ErrorCategory.ObjectNotFound, pattern));
            }
            WriteObject(matches, enumerateCollection: true);
        }
    });
}

/// <summary>
/// Registers the tenant's verified mail domains and imports every user's SMTP addresses into the
/// internal directory from Microsoft Graph; later runs read only the changes (Graph's delta link,
/// kept in the store). Addresses added by hand are never changed or removed.
/// </summary>
[Cmdlet(VerbsData.Sync, "JournalDirectory", SupportsShouldProcess = true)]
[OutputType(typeof(DirectorySyncResult))]
public sealed class SyncJournalDirectoryCommand : CancellableJournalCmdlet
{
    private const string Activity = "Sync-JournalDirectory";

    /// <summary>Read every user (not only the changes) and remove synced addresses that are gone.</summary>
    [Parameter]
    public SwitchParameter Full { get; set; }

    protected override void BeginProcessing()
    {
        if (O365Session.Current is null)
        {
            ThrowTerminatingError(O365Cmdlet.NotConnectedError());
        }
    }

    protected override void EndProcessing()
    {
        var connection = O365Session.Current ?? throw new PipelineStoppedException();
        var info = connection.Info;
        if (connection.Graph is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException("Sync-JournalDirectory reads users from Microsoft Graph, and this session has no Graph token. " +
                    "Connect with -GraphAccessToken <token for Microsoft Graph> next to -AccessToken, or sign in app-only (the app needs User.Read.All and Domain.Read.All)."),
                "GraphNotAvailable", ErrorCategory.InvalidOperation, info.TenantId));
            return;
        }
        var endpoint = connection.Environment.GraphBase.ToString();
        string? link = null;
        var reason = string.Empty;
        Run(() => link = Configuration.GetDirectoryDeltaLink(info.TenantId, endpoint, Full.IsPresent, out reason));
        WriteVerbose(reason);

        var read = Run(() => O365Pump.Run(this, connection, (c, post, ct) => ReadAsync(c, link, post, ct), Cancellation));
        var plan = Run(() => Configuration.PlanDirectorySync(read.Domains.Select(d => d.DomainName), read.Users, read.Delta, info.TenantId, endpoint, read.DeltaLink));
        WriteVerbose(plan.Describe() + ".");
        foreach (var skip in plan.Skipped.Take(20))
        {
            WriteVerbose($"Not imported: {skip.Address} (user {skip.UserId}): {skip.Reason}.");
        }
        if (plan.Skipped.Count > 20)
        {
            WriteVerbose($"… and {plan.Skipped.Count - 20} more skipped addresses (the result's SkippedAddresses lists them all).");
        }
        if (!ShouldProcess($"Internal directory in {Configuration.Store.Location} (from tenant {info.TenantId})", plan.Describe()))
        {
            return;
        }
        var progress = new ProgressRecord(2, Activity, "Updating the internal directory");
        var result = Run(() => Configuration.ApplyDirectorySync(plan, (done, total) =>
        {
            progress.StatusDescription = $"Updating the internal directory: {done} of {total} changes";
            progress.PercentComplete = total == 0 ? 100 : (int)(done * 100L / total);
            WriteProgress(progress);
        }));
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        WriteObject(result);
    }

    private sealed record DirectoryRead(IReadOnlyList<O365AcceptedDomain> Domains, List<DirectoryUser> Users, bool Delta, string? DeltaLink);

    /// <summary>The tenant's mail domains, then every page of /users/delta (a full round again when the delta link has expired).</summary>
    private static async Task<DirectoryRead> ReadAsync(ExchangeOnlineConnection connection, string? deltaLink, Action<object> post, CancellationToken ct)
    {
        var domains = await TenantDomains.GetAsync(connection.Graph, connection.Commands, post, ct).ConfigureAwait(false);
        post($"The tenant's verified mail domains: {string.Join(", ", domains.Select(d => d.DomainName))}.");
        var graph = connection.Graph!;
        var users = new List<DirectoryUser>();
        var delta = deltaLink is not null;
        var link = deltaLink;
        var pages = 0;
        var progress = new ProgressRecord(1, Activity, "Reading users from Microsoft Graph");
        while (true)
        {
            GraphUserPage page;
            try
            {
                page = await graph.GetUserChangesAsync(link, ct).ConfigureAwait(false);
            }
            catch (GraphDirectoryException e) when (e.Kind == GraphErrorKind.DeltaExpired && delta)
            {
                post($"Microsoft Graph no longer knows the last sync's delta link ({e.Message}): reading every user.");
                (delta, link, pages) = (false, null, 0);
                users.Clear();
                continue;
            }
            pages++;
            users.AddRange(page.Users.Select(u => new DirectoryUser(u.Id)
            {
                Removed = u.Removed,
                UserPrincipalName = u.UserPrincipalName,
                DisplayName = u.DisplayName,
                MailPresent = u.MailPresent,
                Mail = u.Mail,
                ProxyAddresses = u.ProxyAddresses,
            }));
            progress.StatusDescription = $"Reading {(delta ? "changed users" : "users")} from Microsoft Graph: page {pages}, {users.Count} so far";
            post(progress);
            if (page.NextLink is { } next)
            {
                link = next;
                continue;
            }
            progress.RecordType = ProgressRecordType.Completed;
            post(progress);
            return new DirectoryRead(domains, users, delta, page.DeltaLink);
        }
    }

    /// <summary>One step; any failure stops the cmdlet with the matching ErrorRecord (a sync is one unit of work).</summary>
    private T Run<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (JournalConfigurationException e)
        {
            ThrowTerminating(e);
        }
        catch (Exception e) when (O365Cmdlet.ToErrorRecord(e, O365Session.Current?.Info.TenantId) is { } record)
        {
            ThrowTerminatingError(record);
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        throw new PipelineStoppedException(); // not reached: ThrowTerminatingError always throws
    }
}
