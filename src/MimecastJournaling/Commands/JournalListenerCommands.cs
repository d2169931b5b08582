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

/// <summary>
/// A running (or stopped) journal listener as the cmdlets show it: one of this session's (with an
/// Id for Stop-JournalListener), or one another session or host recorded in the store (Id 0).
/// </summary>
public sealed record JournalListenerInfo
{
    /// <summary>This session's number for the listener; 0 for a listener of another session.</summary>
    public int Id { get; init; }
    /// <summary>The listener's key in the store's record of running listeners.</summary>
    public Guid ListenerId { get; init; }
    public bool IsRunning { get; init; }
    /// <summary>Whether this session runs it (Stop-JournalListener can stop only those).</summary>
    public bool InThisSession { get; init; }
    /// <summary>The host it runs on.</summary>
    public string Node { get; init; } = string.Empty;
    public int ProcessId { get; init; }
    /// <summary>When its record in the store was last refreshed.</summary>
    public DateTimeOffset? LastHeartbeat { get; init; }
    /// <summary>A listener of another session whose heartbeat is overdue (killed, host down, or store unreachable).</summary>
    public bool IsStale { get; init; }
    public IReadOnlyList<string> Endpoints { get; init; } = Array.Empty<string>();
    public string ServerName { get; init; } = string.Empty;
    /// <summary>Where the store is (a path, or postgresql://user@host:port/db: never a password).</summary>
    public string Store { get; init; } = string.Empty;
    public DateTimeOffset Started { get; init; }
    public string? CertificateSubject { get; init; }
    public string? CertificateThumbprint { get; init; }
    public DateTimeOffset? CertificateExpires { get; init; }
    /// <summary>Where the certificate is read from (renewed files are picked up): "files …/fullchain.pem and …/privkey.pem".</summary>
    public string? CertificateSource { get; init; }
    /// <summary>Valid, Expiring (within 30 days) or Expired.</summary>
    public string? CertificateStatus { get; init; }
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

    /// <param name="Runspace">The runspace that started it: Remove-Module there stops it.</param>
    internal sealed record Entry(int Id, JournalListener Listener, string Store, string ServerName, string NodeName, DateTimeOffset Started, X509Certificate2? Certificate, Guid? Runspace);

    public static Entry Add(JournalListener listener, string store, string serverName, string nodeName, X509Certificate2? certificate)
    {
        lock (Gate)
        {
            var entry = new Entry(++_nextId, listener, store, serverName, nodeName, DateTimeOffset.Now, certificate,
                System.Management.Automation.Runspaces.Runspace.DefaultRunspace?.InstanceId);
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

    /// <summary>The running listener of this process bound to <paramref name="endpoint"/>'s port on an overlapping address.</summary>
    public static Entry? Holding(ListenerEndpoint endpoint) =>
        All().FirstOrDefault(e => e.Listener.IsRunning && e.Listener.BoundEndpoints.Any(b => b.Port == endpoint.Port && Overlap(b.Address, endpoint.Address)));

    private static bool Overlap(IPAddress a, IPAddress b) =>
        a.Equals(b) || IsAny(a) || IsAny(b);

    private static bool IsAny(IPAddress a) => a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any);

    /// <summary>Stops the listeners <paramref name="runspace"/> started (Remove-Module), each within <paramref name="grace"/>.</summary>
    public static void StopStartedBy(Guid? runspace, TimeSpan grace)
    {
        foreach (var entry in All().Where(e => e.Runspace == runspace))
        {
            try
            {
                entry.Listener.StopAsync(grace).GetAwaiter().GetResult();
            }
            finally
            {
                Remove(entry.Id);
            }
        }
    }

    public static JournalListenerInfo Describe(Entry e)
    {
        var counters = e.Listener.Counters.Snapshot();
        return new JournalListenerInfo
        {
            Id = e.Id,
            ListenerId = e.Listener.Id,
            InThisSession = true,
            Node = e.Listener.Describe().Node,
            ProcessId = Environment.ProcessId,
            IsRunning = e.Listener.IsRunning,
            Endpoints = e.Listener.BoundEndpoints.Select(b => b.ToString()).ToArray(),
            ServerName = e.ServerName,
            Store = e.Store,
            Started = e.Started,
            CertificateSubject = (e.Listener.CurrentCertificate ?? e.Certificate)?.Subject,
            CertificateThumbprint = (e.Listener.CurrentCertificate ?? e.Certificate)?.Thumbprint,
            CertificateExpires = (e.Listener.CurrentCertificate ?? e.Certificate) is { } c ? new DateTimeOffset(c.NotAfter) : null,
            CertificateSource = e.Listener.CertificateSource?.Description,
            CertificateStatus = (e.Listener.CurrentCertificate ?? e.Certificate) is { } s ? CertificateExpiryStatus.Of(s, DateTimeOffset.UtcNow).State.ToString() : null,
            ConnectionsOpen = counters.ConnectionsOpen,
            Received = counters.Received,
            Accepted = counters.Accepted,
            Refused = counters.Refused.ToDictionary(r => r.Key.ToString(), r => r.Value),
        };
    }

    /// <summary>A listener another session recorded in the store.</summary>
    public static JournalListenerInfo Describe(ListenerRecord r, string store, DateTimeOffset now)
    {
        var stale = r.IsStale(now);
        return new JournalListenerInfo
        {
            ListenerId = r.Id,
            IsRunning = !stale,
            IsStale = stale,
            Node = r.Node,
            ProcessId = r.ProcessId,
            LastHeartbeat = r.LastHeartbeat.ToLocalTime(),
            Endpoints = r.Endpoints,
            ServerName = r.ServerName,
            Store = store,
            Started = r.Started.ToLocalTime(),
            ConnectionsOpen = r.ConnectionsOpen,
            Received = r.Received,
            Accepted = r.Accepted,
            Refused = r.Refused,
        };
    }
}

[Cmdlet(VerbsLifecycle.Start, "JournalListener", SupportsShouldProcess = true, DefaultParameterSetName = NoCertificateSet)]
[OutputType(typeof(JournalListenerInfo))]
public sealed partial class StartJournalListenerCommand : CancellableJournalCmdlet
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

    /// <summary>This host's name among the listeners of a shared store, recorded with every report (default: the host name).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateLength(1, 128)]
    public string? NodeName { get; set; }

    /// <summary>With a PostgreSQL store: how long this node holds the reports it is archiving before another node may take them over (seconds).</summary>
    [Parameter]
    [ValidateRange(5, 86_400)]
    public int SpoolLeaseSeconds { get; set; } = 120;

    /// <summary>How often, in seconds, the listener refreshes its record in the store; 3 missed make it stale.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int HeartbeatSeconds { get; set; } = 5;
    /// <summary>Sessions served at once from one address (421 4.7.0 beyond).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxConnectionsPerSource { get; set; } = 20;

    /// <summary>Run in the foreground until Ctrl+C or a stop signal (services, runbooks).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    protected override void EndProcessing()
    {
        var certificateSource = LoadCertificateSource();
        var certificate = certificateSource?.Current;
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
        var backend = OpenBackend();
        if (certificate is null && Configuration.GetDefinitions().Any(d => d.Encrypted && !d.Disabled))
        {
            WriteWarning("No certificate was given, so STARTTLS is not offered: definitions with Encrypted (TLS required) will refuse every report with 530. Give -Certificate or -CertificatePath.");
        }
        var options = new ListenerOptions
        {
            Endpoints = endpoints,
            CertificateSource = certificateSource,
            ServerName = ServerName ?? Dns.GetHostName(),
            MaxMessageSize = MaxMessageSize,
            MaxConnections = MaxConnections,
            NodeName = NodeName ?? Dns.GetHostName(),
            SpoolLease = TimeSpan.FromSeconds(SpoolLeaseSeconds),
            HeartbeatInterval = TimeSpan.FromSeconds(HeartbeatSeconds),
            MaxConnectionsPerSource = MaxConnectionsPerSource,
        };
        if (!ShouldProcess(string.Join(", ", endpoints), "Start the journal listener"))
        {
            return;
        }
        var listener = backend.CreateListener(options);
        // Before the start, so the first transactions are logged and counted too.
        var observers = AttachObservers(listener, backend.Store);
        try
        {
            listener.StartAsync().GetAwaiter().GetResult();
        }
        catch (JournalListenerStartException e) when (e.ErrorId == "ListenerBindFailed" && e.Endpoint is { } endpoint && ListenerRegistry.Holding(endpoint) is { } holder)
        {
            ThrowTerminating(new JournalListenerStartException(e.ErrorId, JournalErrorKind.AlreadyExists,
                $"Cannot listen on {endpoint}: journal listener {holder.Id} of this session listens on {string.Join(", ", holder.Listener.BoundEndpoints)}. " +
                $"Stop it first (Stop-JournalListener -Id {holder.Id}) or choose another -Port.", endpoint, e));
        }
        catch (JournalConfigurationException e)
        {
            DisposeAll(observers);
            ThrowTerminating(e);
        }
        var entry = ListenerRegistry.Add(listener, backend.Location, options.ServerName, options.NodeName, certificate);
        WarnAboutCertificate(listener);
        if (!Wait)
        {
            WriteObject(ListenerRegistry.Describe(entry));
            return;
        }
        try
        {
            WriteObject(ListenerRegistry.Describe(entry));
            RunUntilStopped(entry);
        }
        finally
        {
            // Ctrl+C, SIGTERM, or an error writing output: the listener never outlives -Wait.
            StopListener(entry);
        }
    }

    /// <summary>Blocks until Ctrl+C (the pipeline stops) or SIGTERM (systemd, docker stop).</summary>
    private void RunUntilStopped(ListenerRegistry.Entry entry)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        using var term = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        WriteVerbose($"Listening on {string.Join(", ", entry.Listener.BoundEndpoints)}; Ctrl+C stops.");
        WaitWritingTransactions(stop.Token);
        if (!Cancellation.IsCancellationRequested)
        {
            WriteVerbose("Stopping: letting sessions finish and storing what is queued.");
        }
    }

    /// <summary>Stops without writing anything: after Ctrl+C, PowerShell refuses output.</summary>
    private static void StopListener(ListenerRegistry.Entry entry)
    {
        try
        {
            entry.Listener.StopAsync().GetAwaiter().GetResult();
        }
        finally
        {
            ListenerRegistry.Remove(entry.Id);
        }
    }

}

/// <summary>Remove-Module stops the listeners its runspace started, so none outlives the module that shows it.</summary>
public sealed class ModuleCleanup : IModuleAssemblyCleanup
{
    /// <summary>How long sessions in progress may finish when the module is removed.</summary>
    internal static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    public void OnRemove(PSModuleInfo psModuleInfo) =>
        ListenerRegistry.StopStartedBy(System.Management.Automation.Runspaces.Runspace.DefaultRunspace?.InstanceId, Grace);
}

[Cmdlet(VerbsCommon.Get, "JournalListener")]
[OutputType(typeof(JournalListenerInfo))]
public sealed class GetJournalListenerCommand : JournalCmdlet
{
    /// <summary>This session's listeners by Id; without it, the store's listeners of other sessions and hosts are listed too.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public int[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        var local = ListenerRegistry.All();
        foreach (var entry in local.Where(e => Id is null || Id.Contains(e.Id)))
        {
            ListenerCertificateWarnings.Write(this, entry.Listener);
            WriteObject(ListenerRegistry.Describe(entry));
        }
        if (Id is not null)
        {
            return;
        }
        // Reads only: a store that does not exist yet has no listeners, and is not created here.
        bool exists;
        try
        {
            exists = JournalBackend.Exists(ResolveLocation(this, Store));
        }
        catch (JournalConfigurationException e)
        {
            ThrowTerminating(e);
            return;
        }
        if (!exists)
        {
            return;
        }
        var store = OpenBackend().Store;
        var now = DateTimeOffset.UtcNow;
        var mine = local.Select(e => e.Listener.Id).ToHashSet();
        foreach (var record in store.GetListeners().Where(r => !mine.Contains(r.Id)))
        {
            WriteObject(ListenerRegistry.Describe(record, store.Location, now));
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
