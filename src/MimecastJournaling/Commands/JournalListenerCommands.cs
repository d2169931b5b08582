using System.Management.Automation;
using System.Net;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Commands;

/// <summary>A running (or stopped) journal listener as the cmdlets show it.</summary>
public sealed record JournalListenerInfo
{
    public int Id { get; init; }
    public bool IsRunning { get; init; }
    public IReadOnlyList<string> Endpoints { get; init; } = Array.Empty<string>();
    public string ServerName { get; init; } = string.Empty;
    public string Store { get; init; } = string.Empty;
    public DateTimeOffset Started { get; init; }
    public string? CertificateSubject { get; init; }
    public string? CertificateThumbprint { get; init; }
    public DateTimeOffset? CertificateExpires { get; init; }
    public long ConnectionsOpen { get; init; }
    public long Received { get; init; }
    public long Accepted { get; init; }
    /// <summary>Refusals by reason (SourceNotAllowed, TlsRequired, AuthenticationFailed, …).</summary>
    public IReadOnlyDictionary<string, long> Refused { get; init; } = new Dictionary<string, long>();
}

/// <summary>The listeners this PowerShell process runs; they outlive the cmdlet that started them.</summary>
internal static class ListenerRegistry
{
    private static readonly object Gate = new();
    private static readonly Dictionary<int, Entry> Entries = new();
    private static int _nextId;

    internal sealed record Entry(int Id, JournalListener Listener, string Store, string ServerName, DateTimeOffset Started, X509Certificate2? Certificate);

    public static Entry Add(JournalListener listener, string store, string serverName, X509Certificate2? certificate)
    {
        lock (Gate)
        {
            var entry = new Entry(++_nextId, listener, store, serverName, DateTimeOffset.Now, certificate);
            Entries[entry.Id] = entry;
            return entry;
        }
    }

    public static void Remove(int id)
    {
        lock (Gate)
        {
            Entries.Remove(id);
        }
    }

    public static IReadOnlyList<Entry> All()
    {
        lock (Gate)
        {
            return Entries.Values.OrderBy(e => e.Id).ToList();
        }
    }

    public static JournalListenerInfo Describe(Entry e)
    {
        var counters = e.Listener.Counters.Snapshot();
        return new JournalListenerInfo
        {
            Id = e.Id,
            IsRunning = e.Listener.IsRunning,
            Endpoints = e.Listener.BoundEndpoints.Select(b => b.ToString()).ToArray(),
            ServerName = e.ServerName,
            Store = e.Store,
            Started = e.Started,
            CertificateSubject = e.Certificate?.Subject,
            CertificateThumbprint = e.Certificate?.Thumbprint,
            CertificateExpires = e.Certificate is null ? null : new DateTimeOffset(e.Certificate.NotAfter),
            ConnectionsOpen = counters.ConnectionsOpen,
            Received = counters.Received,
            Accepted = counters.Accepted,
            Refused = counters.Refused.ToDictionary(r => r.Key.ToString(), r => r.Value),
        };
    }
}

[Cmdlet(VerbsLifecycle.Start, "JournalListener", SupportsShouldProcess = true, DefaultParameterSetName = NoCertificateSet)]
[OutputType(typeof(JournalListenerInfo))]
public sealed class StartJournalListenerCommand : JournalCmdlet
{
    private const string NoCertificateSet = "NoCertificate";
    private const string CertificateSet = "Certificate";
    private const string CertificateFileSet = "CertificateFile";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>The SMTP port (STARTTLS is offered when a certificate is given). 0 picks a free port.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>An extra port that starts TLS at once (SMTPS, usually 465).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int ImplicitTlsPort { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    public X509Certificate2? Certificate { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
    public string? CertificatePath { get; set; }

    [Parameter(ParameterSetName = CertificateFileSet)]
    public SecureString? CertificatePassword { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ServerName { get; set; }

    /// <summary>Largest message accepted, in bytes (default 165 MB: a 150 MB report after transfer encoding).</summary>
    [Parameter]
    [ValidateRange(1024, int.MaxValue)]
    public int MaxMessageSize { get; set; } = 165 * 1024 * 1024;

    [Parameter]
    [ValidateRange(1, 100_000)]
    public int MaxConnections { get; set; } = 100;

    /// <summary>Sessions served at once from one address (421 4.7.0 beyond).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxConnectionsPerSource { get; set; } = 20;

    /// <summary>Run in the foreground until Ctrl+C or a stop signal (services, runbooks).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    private readonly ManualResetEventSlim _stop = new();

    protected override void EndProcessing()
    {
        var certificate = LoadCertificate();
        if (!IPAddress.TryParse(BindAddress, out var address))
        {
            ThrowTerminating(new JournalConfigurationException("InvalidBindAddress", JournalErrorKind.InvalidArgument,
                $"'{BindAddress}' is not an IP address. Use 0.0.0.0 (all IPv4), :: (all IPv6) or one address of this host.", BindAddress));
        }
        var endpoints = new List<ListenerEndpoint> { new(address!, Port) };
        if (MyInvocation.BoundParameters.ContainsKey(nameof(ImplicitTlsPort)))
        {
            endpoints.Add(new ListenerEndpoint(address!, ImplicitTlsPort, ImplicitTls: true));
        }
        var store = OpenStore();
        if (certificate is null && Configuration.GetDefinitions().Any(d => d.Encrypted && !d.Disabled))
        {
            WriteWarning("No certificate was given, so STARTTLS is not offered: definitions with Encrypted (TLS required) will refuse every report with 530. Give -Certificate or -CertificatePath.");
        }
        var options = new ListenerOptions
        {
            Endpoints = endpoints,
            Certificate = certificate,
            ServerName = ServerName ?? Dns.GetHostName(),
            MaxMessageSize = MaxMessageSize,
            MaxConnections = MaxConnections,
            MaxConnectionsPerSource = MaxConnectionsPerSource,
        };
        if (!ShouldProcess(string.Join(", ", endpoints), "Start the journal listener"))
        {
            return;
        }
        var listener = JournalListener.ForStore(store, options);
        try
        {
            listener.StartAsync().GetAwaiter().GetResult();
        }
        catch (JournalConfigurationException e)
        {
            ThrowTerminating(e);
        }
        var entry = ListenerRegistry.Add(listener, store.Location, options.ServerName, certificate);
        WriteObject(ListenerRegistry.Describe(entry));
        if (Wait)
        {
            RunUntilStopped(entry);
        }
    }

    private void RunUntilStopped(ListenerRegistry.Entry entry)
    {
        // SIGTERM (systemd, docker stop) stops as cleanly as Ctrl+C does.
        using var term = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            _stop.Set();
        });
        WriteVerbose($"Listening on {string.Join(", ", entry.Listener.BoundEndpoints)}; Ctrl+C stops.");
        _stop.Wait();
        WriteVerbose("Stopping: letting sessions finish and storing what is queued.");
        entry.Listener.StopAsync().GetAwaiter().GetResult();
        ListenerRegistry.Remove(entry.Id);
    }

    protected override void StopProcessing() => _stop.Set();

    private X509Certificate2? LoadCertificate()
    {
        X509Certificate2? certificate = Certificate;
        if (CertificatePath is not null)
        {
            var path = GetUnresolvedProviderPathFromPSPath(CertificatePath);
            try
            {
                certificate = CertificatePassword is null
                    ? X509CertificateLoader.LoadPkcs12FromFile(path, null)
                    : LoadWithPassword(path, CertificatePassword);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                // The message names the file, never the password.
                ThrowTerminating(new JournalConfigurationException("CertificateUnreadable", JournalErrorKind.InvalidArgument,
                    $"Cannot read the certificate '{path}': {e.Message} Give a PFX (PKCS#12) file with its private key, and its -CertificatePassword.", path, e));
            }
        }
        if (certificate is not null && !certificate.HasPrivateKey)
        {
            ThrowTerminating(new JournalConfigurationException("CertificateHasNoPrivateKey", JournalErrorKind.InvalidArgument,
                $"The certificate {certificate.Subject} has no private key, so it cannot serve TLS. Export it as a PFX with its private key.", certificate.Subject));
        }
        return certificate;
    }

    private static X509Certificate2 LoadWithPassword(string path, SecureString password)
    {
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(password);
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, Marshal.PtrToStringUni(pointer, password.Length));
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}

[Cmdlet(VerbsCommon.Get, "JournalListener")]
[OutputType(typeof(JournalListenerInfo))]
public sealed class GetJournalListenerCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public int[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var entry in ListenerRegistry.All().Where(e => Id is null || Id.Contains(e.Id)))
        {
            WriteObject(ListenerRegistry.Describe(entry));
        }
    }
}

[Cmdlet(VerbsLifecycle.Stop, "JournalListener", SupportsShouldProcess = true)]
[OutputType(typeof(JournalListenerInfo))]
public sealed class StopJournalListenerCommand : PSCmdlet
{
    /// <summary>Which listeners; all of this session's when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public int[]? Id { get; set; }

    /// <summary>How long sessions in progress may finish before they are cut (seconds).</summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public int TimeoutSeconds { get; set; } = 30;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var entries = ListenerRegistry.All().Where(e => Id is null || Id.Contains(e.Id)).ToList();
        foreach (var missing in (Id ?? []).Where(id => entries.All(e => e.Id != id)))
        {
            WriteError(JournalCmdlet.ToErrorRecord(new JournalConfigurationException("JournalListenerNotFound", JournalErrorKind.NotFound,
                $"No journal listener with Id {missing} runs in this session. Get-JournalListener lists them.", missing)));
        }
        foreach (var entry in entries)
        {
            if (!ShouldProcess(string.Join(", ", entry.Listener.BoundEndpoints), "Stop the journal listener"))
            {
                continue;
            }
            entry.Listener.StopAsync(TimeSpan.FromSeconds(TimeoutSeconds)).GetAwaiter().GetResult();
            ListenerRegistry.Remove(entry.Id);
            if (PassThru)
            {
                WriteObject(ListenerRegistry.Describe(entry));
            }
        }
    }
}
