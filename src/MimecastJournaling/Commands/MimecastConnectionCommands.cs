using System.Management.Automation;
using System.Net;
using System.Security;
using MimecastJournaling.Mimecast;

namespace MimecastJournaling.Commands;

/// <summary>
/// Signs in to Mimecast API 2.0 with an API application's client id and secret (OAuth 2.0 client
/// credentials); the connection is the process's current one until Disconnect-MimecastJournaling.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "MimecastJournaling", SupportsShouldProcess = true)]
public sealed class ConnectMimecastJournalingCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string ClientId { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNull]
    public SecureString ClientSecret { get; set; } = null!;

    [Parameter]
    public MimecastRegion Region { get; set; } = MimecastRegion.Global;

    [Parameter]
    [ValidateNotNull]
    public Uri? BaseUri { get; set; }

    protected override void ProcessRecord()
    {
        if (BaseUri is { } uri && (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-BaseUri must be an absolute https URL (http only for a loopback address): {uri}"),
                "MimecastInvalidBaseUri", ErrorCategory.InvalidArgument, uri));
        }
        var secret = new NetworkCredential(string.Empty, ClientSecret).Password;
        if (string.IsNullOrWhiteSpace(secret))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-ClientSecret is empty. Give the API 2.0 application's client secret."), "MimecastEmptyClientSecret", ErrorCategory.InvalidArgument, null));
        }
        var host = BaseUri?.ToString() ?? new MimecastClientOptions().RegionBaseUris[Region].ToString();
        if (!ShouldProcess(host, $"Connect to Mimecast API 2.0 as client id {ClientId}"))
        {
            return;
        }
        MimecastConnection connection;
        try
        {
            var verbose = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var task = Task.Run(() => MimecastConnection.ConnectAsync(ClientId, secret, Region, BaseUri, o => o.CallLog = e => verbose.Enqueue("Mimecast: " + e), cancellationToken: _stopping.Token));
            try
            {
                connection = task.GetAwaiter().GetResult();
            }
            finally
            {
                while (verbose.TryDequeue(out var line)) WriteVerbose(line);
            }
            // From here on the connection's Log (set per cmdlet) receives the steps.
            connection.Client.Options.CallLog = e => connection.Log?.Invoke(e);
        }
        catch (MimecastApiException e)
        {
            ThrowTerminatingError(MimecastSession.ToErrorRecord(e, ClientId));
            return;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        MimecastSession.Replace(connection);
        var info = connection.Info;
        WriteVerbose($"Connected to {info.BaseUri} as client id {info.ClientId}; the token expires {info.TokenExpiresOn:u} and is renewed before that.");
    }

    /// <summary>Ctrl+C stops a sign-in in progress.</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Shows the current Mimecast connection (never the secret or the token).</summary>
[Cmdlet(VerbsCommon.Get, "MimecastJournalingConnection")]
[OutputType(typeof(MimecastJournalingConnection))]
public sealed class GetMimecastJournalingConnectionCommand : PSCmdlet
{
    protected override void ProcessRecord()
    {
        if (MimecastSession.Current is { } current)
        {
            WriteObject(current.Info);
        }
        else
        {
            WriteVerbose("Not connected to Mimecast. Run Connect-MimecastJournaling.");
        }
    }
}

/// <summary>Closes the current Mimecast connection.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "MimecastJournaling", SupportsShouldProcess = true)]
public sealed class DisconnectMimecastJournalingCommand : PSCmdlet
{
    protected override void ProcessRecord()
    {
        if (MimecastSession.Current is not { } current)
        {
            WriteVerbose("Not connected to Mimecast; nothing to do.");
            return;
        }
        if (ShouldProcess(current.Info.BaseUri.ToString(), "Disconnect from Mimecast"))
        {
            MimecastSession.Replace(null);
        }
    }
}
