using System.Management.Automation;
using System.Net;
using System.Runtime.InteropServices;
using System.Security;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Hosting;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Commands;

/// <summary>
/// Writes and enables a hardened systemd unit (Linux) or registers a Windows service that runs the
/// service host (MimecastJournaling.Host) over a store. -WhatIf shows the unit.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "JournalListenerService", SupportsShouldProcess = true)]
[OutputType(typeof(ListenerServiceInfo))]
public sealed class InstallJournalListenerServiceCommand : JournalCmdlet
{
    [Parameter(Position = 0)]
    [ValidatePattern(@"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")]
    public string Name { get; set; } = "mimecastjournaling";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string BindAddress { get; set; } = "0.0.0.0";

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 25;

    [Parameter]
    [ValidateRange(1, 65535)]
    public int ImplicitTlsPort { get; set; }

    /// <summary>A PFX with its private key, or a PEM certificate with -KeyPath; the service's group is given read access to it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM -CertificatePath (certbot's privkey.pem); the service's group is given read access to it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyPath { get; set; }

    /// <summary>Serves /metrics (Prometheus), /health and /ready under this HTTP prefix, for example http://127.0.0.1:9425/.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsPrefix { get; set; }

    /// <summary>Kept in a root-only file and handed to the service as a systemd credential (never in the unit).</summary>
    [Parameter]
    public SecureString? CertificatePassword { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ServerName { get; set; }

    [Parameter]
    [ValidateRange(1, 100_000)]
    public int MaxConnections { get; set; } = 100;

    [Parameter]
    [ValidateRange(1, 100_000)]
    public int MaxConnectionsPerSource { get; set; } = ListenerHostSettings.DefaultMaxConnectionsPerSource;

    /// <summary>The account the service runs as; created (a system user without login) when missing.</summary>
    [Parameter]
    [ValidatePattern(@"^[A-Za-z_][A-Za-z0-9_.\\-]{0,63}$")]
    public string User { get; set; } = ListenerServiceManager.DefaultUser;

    /// <summary>The dotnet program that runs the host; default: dotnet on PATH.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DotnetPath { get; set; }

    /// <summary>Enable the service without starting it now.</summary>
    [Parameter]
    public SwitchParameter NoStart { get; set; }

    protected override void EndProcessing() => Try(() =>
    {
        if (!IPAddress.TryParse(BindAddress, out var address))
        {
            throw new JournalConfigurationException("InvalidBindAddress", JournalErrorKind.InvalidArgument,
                $"'{BindAddress}' is not an IP address. Use 0.0.0.0 (all IPv4), :: (all IPv6) or one address of this host.", BindAddress);
        }
        var certificate = CertificatePath is null ? null : GetUnresolvedProviderPathFromPSPath(CertificatePath);
        if (certificate is not null && !File.Exists(certificate))
        {
            throw new JournalConfigurationException("CertificateNotFound", JournalErrorKind.NotFound,
                $"The certificate file '{certificate}' does not exist. Give the PFX (PKCS#12) file the service should use.", certificate);
        }
        var key = KeyPath is null ? null : GetUnresolvedProviderPathFromPSPath(KeyPath);
        if (key is not null && (certificate is null || !File.Exists(key)))
        {
            throw new JournalConfigurationException("CertificateNotFound", JournalErrorKind.NotFound,
                certificate is null
                    ? "-KeyPath is the private key of a PEM certificate: give the certificate with -CertificatePath too."
                    : $"The key file '{key}' does not exist. Give the PEM private key of the certificate (certbot's privkey.pem).", key);
        }
        if (MetricsPrefix is not null)
        {
            Engine.Monitoring.ListenerMonitorEndpoint.ValidatePrefix(MetricsPrefix);
        }
        var store = StoreLocation.Resolve(JournalCmdlet.ResolveLocation(this, Store));
        var settings = new ListenerHostSettings
        {
            Name = Name,
            Store = store,
            BindAddress = address!,
            Port = Port,
            ImplicitTlsPort = MyInvocation.BoundParameters.ContainsKey(nameof(ImplicitTlsPort)) ? ImplicitTlsPort : null,
            CertificatePath = certificate,
            KeyPath = key,
            MetricsPrefix = MetricsPrefix,
            ServerName = ServerName,
            MaxConnections = MaxConnections,
            MaxConnectionsPerSource = MaxConnectionsPerSource,
        };
        var dotnet = DotnetPath is null ? ListenerServiceManager.FindDotnet() : GetUnresolvedProviderPathFromPSPath(DotnetPath);
        var manager = new ListenerServiceManager();
        var request = new ListenerServiceRequest(settings, User, dotnet, ListenerServiceManager.FindHostAssembly(), Plain(CertificatePassword), !NoStart);
        if (!ShouldProcess(manager.TargetOf(Name), "Install and enable the journal listener service:" + Environment.NewLine + manager.Describe(request)))
        {
            return;
        }
        var warnings = new List<string>();
        var service = manager.Install(request, warnings);
        warnings.ForEach(WriteWarning);
        WriteObject(service);
    });

    private static string? Plain(SecureString? secret)
    {
        if (secret is null)
        {
            return null;
        }
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
        try
        {
            return Marshal.PtrToStringUni(pointer, secret.Length);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}

[Cmdlet(VerbsCommon.Get, "JournalListenerService")]
[OutputType(typeof(ListenerServiceInfo))]
public sealed class GetJournalListenerServiceCommand : JournalCmdlet
{
    /// <summary>Service names (wildcards allowed); all the module's services when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        foreach (var service in Filter(new ListenerServiceManager().List(), s => s.Name, Name, NotFound))
        {
            WriteObject(service);
        }
    });

    internal static JournalConfigurationException NotFound(string name) =>
        new("JournalListenerServiceNotFound", JournalErrorKind.NotFound,
            $"No journal listener service named '{name}' is installed. Get-JournalListenerService lists them.", name);
}

[Cmdlet(VerbsLifecycle.Uninstall, "JournalListenerService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class UninstallJournalListenerServiceCommand : JournalCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord() => Try(() =>
    {
        var manager = new ListenerServiceManager();
        foreach (var service in Filter(manager.List(), s => s.Name, Name, GetJournalListenerServiceCommand.NotFound))
        {
            if (ShouldProcess(service.Path, "Stop, disable and remove the journal listener service (the store and the user stay)"))
            {
                Try(() => manager.Uninstall(service));
            }
        }
    });
}
