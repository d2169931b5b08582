using System.Collections.Concurrent;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.Commands;

/// <summary>
/// Signs in to Exchange Online (MSAL: client secret, certificate, device code, managed identity; or a
/// token the caller has); the connection is the process's current one until Disconnect-O365Journaling.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "O365Journaling", SupportsShouldProcess = true, DefaultParameterSetName = AccessTokenSet)]
public sealed class ConnectO365JournalingCommand : PSCmdlet, IDisposable
{
    private const string AccessTokenSet = "AccessToken";
    private const string ClientSecretSet = "ClientSecret";
    private const string CertificateFileSet = "CertificateFile";
    private const string CertificateSet = "Certificate";
    private const string CertificateThumbprintSet = "CertificateThumbprint";
    private const string DeviceCodeSet = "DeviceCode";
    private const string ManagedIdentitySet = "ManagedIdentity";

    private readonly CancellationTokenSource _stopping = new();

    [Parameter(Mandatory = true, Position = 0)]
    [ValidatePattern(@"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+)$")]
    public string TenantId { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
    public SecureString AccessToken { get; set; } = null!;

    /// <summary>A Microsoft Graph token for the Graph cmdlets (the -AccessToken is Exchange's only).</summary>
    [Parameter(ParameterSetName = AccessTokenSet)]
    public SecureString? GraphAccessToken { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    [ValidateNotNullOrEmpty]
    [Alias("ApplicationId", "AppId")]
    public string ClientId { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
    public SecureString ClientSecret { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
    [ValidateNotNullOrEmpty]
    public string CertificatePath { get; set; } = string.Empty;

    [Parameter(ParameterSetName = CertificateFileSet)]
    public SecureString? CertificatePassword { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [ValidateNotNull]
    public X509Certificate2 Certificate { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
    [ValidatePattern("^[0-9a-fA-F: ]{40,59}$")]
    public string CertificateThumbprint { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    public SwitchParameter DeviceCode { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ManagedIdentitySet)]
    public SwitchParameter ManagedIdentity { get; set; }

    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [ValidateNotNullOrEmpty]
    public string? ManagedIdentityClientId { get; set; }

    [Parameter]
    public ExchangeCloud Environment { get; set; } = ExchangeCloud.Global;

    [Parameter]
    [ValidateNotNull]
    public Uri? ExchangeEndpoint { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri? AuthorityHost { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri? GraphEndpoint { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var (name, uri) in new[] { (nameof(ExchangeEndpoint), ExchangeEndpoint), (nameof(GraphEndpoint), GraphEndpoint) })
        {
            if (uri is not null && (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))))
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-{name} must be an absolute https URL (http only for a loopback address): {uri}"),
                    "O365InvalidEndpoint", ErrorCategory.InvalidArgument, uri));
            }
        }
        if (AuthorityHost is { } authority && (!authority.IsAbsoluteUri || authority.Scheme != Uri.UriSchemeHttps))
        {
            // MSAL signs in at https authorities only.
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-AuthorityHost must be an absolute https URL (MSAL signs in over https only): {authority}"),
                "O365InvalidEndpoint", ErrorCategory.InvalidArgument, authority));
        }
        var how = ParameterSetName switch
        {
            ClientSecretSet => $"app-only as {ClientId} with a client secret",
            CertificateFileSet => $"app-only as {ClientId} with the certificate in {CertificatePath}",
            CertificateSet => $"app-only as {ClientId} with certificate {Certificate.Thumbprint}",
            CertificateThumbprintSet => $"app-only as {ClientId} with certificate {CertificateThumbprint}",
            DeviceCodeSet => $"as a user with a device code (app {ClientId})",
            ManagedIdentitySet => ManagedIdentityClientId is null ? "as the system-assigned managed identity" : $"as the managed identity {ManagedIdentityClientId}",
            _ => "with the given access token",
        };
        if (!ShouldProcess(TenantId, $"Connect to Exchange Online ({Environment}) {how}"))
        {
            return;
        }
        var prompts = new BlockingCollection<string>();
        var request = new ExchangeOnlineConnectionRequest(TenantId, Environment)
        {
            ExchangeEndpoint = ExchangeEndpoint,
            AuthorityHost = AuthorityHost,
            AccessToken = ParameterSetName == AccessTokenSet ? Plain(AccessToken) : null,
            ClientId = ParameterSetName is ManagedIdentitySet or AccessTokenSet ? null : ClientId,
            ClientSecret = ParameterSetName == ClientSecretSet ? Plain(ClientSecret) : null,
            CertificatePath = ParameterSetName == CertificateFileSet ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(CertificatePath) : null,
            CertificatePassword = ParameterSetName == CertificateFileSet && CertificatePassword is not null ? Plain(CertificatePassword) : null,
            Certificate = ParameterSetName == CertificateSet ? Certificate : null,
            CertificateThumbprint = ParameterSetName == CertificateThumbprintSet ? CertificateThumbprint : null,
            DeviceCode = ParameterSetName == DeviceCodeSet,
            DeviceCodePrompt = ParameterSetName == DeviceCodeSet ? p => TryAdd(prompts, p.Message) : null,
            ManagedIdentity = ParameterSetName == ManagedIdentitySet,
            ManagedIdentityClientId = ParameterSetName == ManagedIdentitySet ? ManagedIdentityClientId : null,
            GraphEndpoint = GraphEndpoint,
            GraphAccessToken = ParameterSetName == AccessTokenSet && GraphAccessToken is not null ? Plain(GraphAccessToken) : null,
        };
        if (ParameterSetName == AccessTokenSet && string.IsNullOrWhiteSpace(request.AccessToken))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-AccessToken is empty."), "O365EmptyAccessToken", ErrorCategory.InvalidArgument, null));
        }
        if (GraphAccessToken is not null && string.IsNullOrWhiteSpace(request.GraphAccessToken))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-GraphAccessToken is empty."), "O365EmptyGraphAccessToken", ErrorCategory.InvalidArgument, null));
        }
        ExchangeOnlineConnection connection;
        try
        {
            WriteVerbose($"Connecting to Exchange Online for {TenantId} ({Environment}) {how}.");
            // The sign-in runs on a worker; a device code is shown from this thread (Write-Host
            // style: the host and the information stream, never the pipeline).
            var task = Task.Run(() => ExchangeOnlineConnection.ConnectAsync(request, cancellationToken: _stopping.Token));
            _ = task.ContinueWith(_ => prompts.CompleteAdding(), TaskScheduler.Default);
            foreach (var message in prompts.GetConsumingEnumerable())
            {
                WriteInformation(new HostInformationMessage { Message = message }, new[] { "PSHOST", "DeviceCode" });
            }
            connection = task.GetAwaiter().GetResult();
        }
        catch (AccessTokenException e)
        {
            ThrowTerminatingError(SignInError(e));
            return;
        }
        catch (HttpRequestException e)
        {
            ThrowTerminatingError(O365Cmdlet.UnreachableError(e, TenantId));
            return;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            prompts.Dispose();
        }
        O365Session.Replace(connection);
        var info = connection.Info;
        WriteVerbose($"Connected to {info.ExchangeEndpoint} for {info.TenantId}"
            + (info.UserPrincipalName is { } upn ? $" as {upn}" : "")
            + (info.TokenExpiresOn is { } exp ? $"; the token expires {exp:u}." : "."));
    }

    private static void TryAdd(BlockingCollection<string> prompts, string message)
    {
        try { prompts.Add(message); }
        catch (InvalidOperationException) { /* the sign-in is over, or the cmdlet is gone (ObjectDisposedException) */ }
    }

    private ErrorRecord SignInError(AccessTokenException e)
    {
        var (id, category) = e.Reason switch
        {
            AccessTokenFailure.CertificateNotFound => ("O365CertificateNotFound", ErrorCategory.ObjectNotFound),
            AccessTokenFailure.CertificateWithoutPrivateKey => ("O365CertificateWithoutPrivateKey", ErrorCategory.InvalidArgument),
            AccessTokenFailure.CertificateUnreadable => ("O365CertificateUnreadable", ErrorCategory.InvalidData),
            AccessTokenFailure.DeviceCodeDeclined => ("O365DeviceCodeDeclined", ErrorCategory.AuthenticationError),
            AccessTokenFailure.DeviceCodeExpired => ("O365DeviceCodeExpired", ErrorCategory.OperationTimeout),
            AccessTokenFailure.ManagedIdentityUnavailable => ("O365ManagedIdentityUnavailable", ErrorCategory.AuthenticationError),
            AccessTokenFailure.Unreachable => ("O365SignInUnreachable", ErrorCategory.ConnectionError),
            _ => ("O365SignInFailed", ErrorCategory.AuthenticationError),
        };
        // The inner MSAL exception stays out of the record: its type lives in the module's private
        // load context, and its response body is not for the screen.
        return new ErrorRecord(new AccessTokenException(e.Reason, e.Message) { ErrorCode = e.ErrorCode }, id, category, TenantId);
    }

    private static string Plain(SecureString value) => new NetworkCredential(string.Empty, value).Password;

    /// <summary>Ctrl+C stops a sign-in in progress (a device code wait).</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Closes the current Exchange Online connection.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "O365Journaling", SupportsShouldProcess = true)]
public sealed class DisconnectO365JournalingCommand : PSCmdlet
{
    protected override void ProcessRecord()
    {
        if (O365Session.Current is not { } current)
        {
            WriteVerbose("Not connected to Exchange Online; nothing to do.");
            return;
        }
        if (ShouldProcess(current.Info.TenantId, "Disconnect from Exchange Online"))
        {
            O365Session.Replace(null);
        }
    }
}

/// <summary>Shows the current Exchange Online connection (never the token).</summary>
[Cmdlet(VerbsCommon.Get, "O365JournalingConnection")]
[OutputType(typeof(O365JournalingConnection))]
public sealed class GetO365JournalingConnectionCommand : PSCmdlet
{
    protected override void ProcessRecord()
    {
        if (O365Session.Current is { } current)
        {
            WriteObject(current.Info);
        }
        else
        {
            WriteVerbose("Not connected to Exchange Online. Run Connect-O365Journaling.");
        }
    }
}
