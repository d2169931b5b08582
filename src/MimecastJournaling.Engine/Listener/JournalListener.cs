using MimecastJournaling.Engine.Lifecycle;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;
using SmtpServer;
using SmtpServerHost = SmtpServer.SmtpServer;
using ServiceProvider = SmtpServer.ComponentModel.ServiceProvider;

using MimecastJournaling.Engine.Search;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The journal listener: an SMTP server (SmtpServer 11.1.0) that receives journal reports for
/// the journal definitions in the store, spools each durably before answering 250, and archives
/// the spool in the background through JournalIngest.
/// <list type="bullet">
/// <item>Connect: <see cref="ConnectionGate"/> (source address in any definition's range, connection limit).</item>
/// <item>AUTH: <see cref="JournalAuthenticator"/> (after TLS only, salted hash, short cache).</item>
/// <item>RCPT TO: <see cref="RecipientPolicy"/> (definition by service address, its range, TLS, AUTH, disabled, limits).</item>
/// <item>DATA: <see cref="SpoolingMessageStore"/> → <see cref="SpoolWriter"/> (group commit) → 250.</item>
/// <item>Afterwards: <see cref="SpoolProcessor"/> → JournalIngest → archive, exactly once.</item>
/// </list>
/// </summary>
public sealed partial class JournalListener : IAsyncDisposable
{
    public static readonly TimeSpan DefaultStopGrace = TimeSpan.FromSeconds(30);

    private readonly IJournalStore _store;
    private readonly IJournalArchive _archive;
    private readonly IMessageSpool _spool;
    private readonly ListenerOptions _options;
    private readonly TimeProvider _clock;
    private readonly List<TcpListener> _sockets = [];
    private CancellationTokenSource? _hardStop;
    private SmtpServerHost? _server;
    private Task? _serverTask;
    private SpoolWriter? _writer;
    private SpoolProcessor? _processor;
    private ListenerHeartbeat? _heartbeat;
    private ListenerWatch? _watch;
    private SearchIndexLoop? _indexLoop;
    private WormSyncLoop? _wormLoop;
    private readonly JournalIndexer? _indexer;
    private readonly MessageMemoryBudget _memoryBudget;
    private volatile bool _stopping;

    /// <remarks>Cmdlets get a listener from <see cref="JournalBackend.CreateListener"/>, which picks the backend's archive and spool.</remarks>
    /// <param name="indexer">Indexes archived items beside the archive (null: no indexing in this listener).</param>
    public JournalListener(IJournalStore store, IJournalArchive archive, IMessageSpool spool, ListenerOptions options, TimeProvider? clock = null,
        JournalIndexer? indexer = null)
    {
        _indexer = indexer;
        _memoryBudget = new MessageMemoryBudget(options.MessageMemoryBudget > 0 ? options.MessageMemoryBudget : MessageMemoryBudget.DefaultBytes);
        if (indexer is not null)
        {
            // The indexer reads originals whole: it takes turns with the spool processor.
            indexer.MemoryBudget = _memoryBudget;
        }
        _store = store;
        _archive = archive;
        _spool = spool;
        _options = options;
        _clock = clock ?? TimeProvider.System;
    }

    public ListenerCounters Counters { get; } = new();

    private DefinitionLookup? _definitions;

    /// <summary>The archive's lifecycle, for the daily retention run of the watch (null: no retention runs).</summary>
    public JournalLifecycle? Lifecycle { get; init; }

    /// <summary>This listener's key in the store's record of running listeners.</summary>
    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>When it started serving.</summary>
    public DateTimeOffset Started { get; private set; }

    /// <summary>The endpoints actually bound (port 0 in the options becomes the port the system chose).</summary>
    public IReadOnlyList<ListenerEndpoint> BoundEndpoints { get; private set; } = [];

    public bool IsRunning => _serverTask is { IsCompleted: false };

    /// <summary>
    /// Binds every endpoint and starts serving. Fails here: with a JournalListenerStartException for
    /// a port it cannot bind or a server that fails to start, with a JournalConfigurationException
    /// for a certificate without its private key or options that cannot work.
    /// Spool entries left by an earlier run are archived first thing.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_server is not null)
        {
            throw new JournalConfigurationException("ListenerAlreadyStarted", JournalErrorKind.InvalidOperation, "The journal listener is running already.");
        }
        ValidateOptions();
        // Large messages pass through native compression: keep its freed buffers out of the process.
        NativeHeap.KeepLargeBuffersMapped();
        var bound = BindAll();
        _stopping = false;
        try
        {
            StartServing(bound, cancellationToken);
        }
        catch
        {
            StopSockets();
            _ = _writer?.StopAsync();
            _server = null;
            _definitions?.Dispose();
            _definitions = null;
            throw;
        }
        return Task.CompletedTask;
    }

    private void StartServing(Dictionary<IPEndPoint, (TcpListener Socket, bool ImplicitTls)> bound, CancellationToken cancellationToken)
    {
        var definitions = _definitions = new DefinitionLookup(_store);
        var gate = new ConnectionGate(definitions, Counters, _options.MaxConnections, _options.MaxConnectionsPerSource);
        var health = new DefinitionHealth(_store, _options.FailuresBeforeError, _clock);
        var spoolLength = new SpoolLength();
        _processor = new SpoolProcessor(_spool, spoolLength, new JournalIngest(_store, _archive, _clock) { ParseTimeBudget = _options.ParseTimeBudget }, definitions, health, _options.RetryDelay, _clock,
            (definition, outcomes) =>
            {
                OnArchived(definition, outcomes);
                _indexLoop?.Wake();
            }, _memoryBudget);
        _writer = new SpoolWriter(_spool, spoolLength, _processor.Wake);

        var certificateSource = CertificateSourceOf(_options);
        _watch = new ListenerWatch(_store, _spool, certificateSource, _options.WatchInterval, _clock, OnWatched)
        {
            Retention = _options.RetentionInterval > TimeSpan.Zero ? Lifecycle : null,
            RetentionInterval = _options.RetentionInterval,
            Integrity = new ArchiveIntegrityWatch(_store, _archive, _options.IntegrityCheckInterval, _options.IntegrityCheckSample, _clock),
        };

        var services = new ServiceProvider();
        var temporary = _options.TemporaryDirectory ?? Path.Combine(Path.GetTempPath(), "MimecastJournaling-" + Environment.UserName);
        ReceivedMessage.DeleteLeftovers(temporary);
        void TlsFailed(IPAddress peer, Exception e)
        {
            try
            {
                foreach (var definition in definitions.AcceptingFrom(peer))
                {
                    health.DeliveryFailed(definition, $"The TLS handshake with {peer} failed: {e.GetBaseException().Message}");
                }
            }
            catch (Exception)
            {
                // Store trouble: the session ends either way.
            }
        }
        services.Add(new GuardedEndpointListenerFactory(bound, gate, _options.ServerName, new DataStreamingOptions(_options.MaxMessageSize, temporary, Counters, TlsFailed, OnTransactionCompleted)
        {
            CommandTimeout = _options.CommandTimeout,
            MinimumDataRate = _options.MinimumDataRate,
            DataRateGrace = _options.MinimumDataRateGrace,
            ServerName = _options.ServerName,
        }));
        services.Add(new JournalAuthenticator(definitions, _store, new VerifiedCredentialCache(_options.CredentialCacheDuration, _clock), Counters, health,
            new AuthenticationThrottle(_options.AuthenticationFailuresBeforeLockout, _options.AuthenticationLockout, _clock)));
        services.Add(new JournalMailboxFilter(new RecipientPolicy(definitions, health, _options.MaxRecipientsPerMessage), Counters));
        services.Add(new SpoolingMessageStore(_writer, spoolLength, definitions, Counters, _options.MaxSpoolLength, _clock, () => _stopping));

        var serverName = _options.ServerName;
        var builder = new SmtpServerOptionsBuilder()
            .ServerName(serverName)
            .CustomSmtpGreeting(_ => SmtpReplies.Greeting(serverName))
            .MaxMessageSize(_options.MaxMessageSize, MaxMessageSizeHandling.Strict)
            // The session's stream enforces the command timeout itself (with 421); the library's own
            // wait (which answers 221) is only a backstop behind it.
            .CommandWaitTimeout(_options.CommandTimeout + TimeSpan.FromMinutes(1))
            // The library's own count (refusals in a row, then a silent close) is never reached:
            // the session closes with 421 at its fifth bad command (ReplyContext), and RCPT
            // refusals do not count.
            .MaxRetryCount(1000);
        foreach (var (endpoint, (_, implicitTls)) in bound)
        {
            builder = builder.Endpoint(e =>
            {
                e.Endpoint(endpoint)
                    .IsSecure(implicitTls)
                    .AllowUnsecureAuthentication(false)
                    .AuthenticationRequired(false)
                    .SessionTimeout(_options.SessionTimeout)
                    .SupportedSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13);
                if (certificateSource is not null)
                {
                    e.Certificate(new SourceCertificateFactory(certificateSource));
                }
            });
        }

        _hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _server = new SmtpServerHost(builder.Build(), services);
        _server.SessionCreated += (_, e) => e.Context.ResponseException += (sender, x) =>
        {
            CountLibraryRefusal(sender, x);
            if ((int)x.Exception.Response.ReplyCode == 552)
            {
                SmtpTransactionTracker.Of(e.Context)?.Replied(x.Exception.Response, RefusalReason.TooLarge);
            }
        };
        _serverTask = _server.StartAsync(_hardStop.Token);
        if (_serverTask.IsFaulted)
        {
            var error = _serverTask.Exception!.GetBaseException();
            throw new JournalListenerStartException("ListenerStartFailed", JournalErrorKind.InvalidOperation,
                $"The journal listener could not start: {error.Message}", null, error);
        }
        // Archives what an earlier run left in the spool, then whatever arrives.
        _processor.Start();
        if (_indexer is not null)
        {
            _indexLoop = new SearchIndexLoop(_indexer, _options.RetryDelay);
            _indexLoop.Start();
        }
        if (Lifecycle is not null && _options.ObjectStoreSyncInterval > TimeSpan.Zero)
        {
            _wormLoop = new WormSyncLoop(_store, _archive, Lifecycle, _options.NodeName, _options.ObjectStoreSyncInterval);
            _wormLoop.Start();
        }
        Started = _clock.GetUtcNow();
        // A running listener marks silent definitions Down when their period runs out, so nobody has to read the status first.
        var inactivity = new JournalConfiguration(_store, JournalConfiguration.InactivityCheckActor, _clock);
        _heartbeat = new ListenerHeartbeat(_store, Describe, _options.HeartbeatInterval, _clock, () => inactivity.MarkInactiveDefinitions());
        _heartbeat.Start();
        _watch.Start();
    }

    /// <summary>This listener as the store records it, counters as of now.</summary>
    public ListenerRecord Describe()
    {
        var counters = Counters.Snapshot();
        return new ListenerRecord
        {
            Id = Id,
            Node = _options.NodeName,
            ProcessId = Environment.ProcessId,
            Endpoints = BoundEndpoints.Select(e => e.ToString()).ToArray(),
            ServerName = _options.ServerName,
            Started = Started,
            LastHeartbeat = _clock.GetUtcNow(),
            HeartbeatInterval = _options.HeartbeatInterval,
            ConnectionsOpen = counters.ConnectionsOpen,
            Received = counters.Received,
            Accepted = counters.Accepted,
            Refused = counters.Refused.ToDictionary(r => r.Key.ToString(), r => r.Value),
        };
    }

    /// <summary>
    /// Stops accepting, lets sessions finish for up to <paramref name="grace"/> (DATA in progress is
    /// answered 421 meanwhile), then cuts the rest, stores what is queued and stops the processor.
    /// </summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (_server is null || _serverTask is null)
        {
            return;
        }
        _stopping = true;
        _server.Shutdown();
        StopSockets();
        if (_heartbeat is not null)
        {
            await _heartbeat.StopAsync().ConfigureAwait(false);
            _heartbeat = null;
        }
        var finished = await Task.WhenAny(_serverTask, Task.Delay(grace ?? DefaultStopGrace)).ConfigureAwait(false);
        if (finished != _serverTask)
        {
            await _hardStop!.CancelAsync().ConfigureAwait(false);
        }
        try
        {
            await _serverTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _writer!.StopAsync().ConfigureAwait(false);
        await _processor!.StopAsync().ConfigureAwait(false);
        if (_indexLoop is not null)
        {
            await _indexLoop.StopAsync().ConfigureAwait(false);
            _indexLoop = null;
        }
        if (_wormLoop is not null)
        {
            await _wormLoop.StopAsync().ConfigureAwait(false);
            _wormLoop = null;
        }
        await _watch!.StopAsync().ConfigureAwait(false);
        _hardStop!.Dispose();
        _server = null;
        // Its version watch holds a PostgreSQL connection of its own.
        _definitions?.Dispose();
        _definitions = null;
        OnStopped();
    }

    /// <summary>The library's own strict size limit surfaces only as a 552 response exception; the listener's refusals are counted where they happen.</summary>
    private void CountLibraryRefusal(object? sender, SmtpResponseExceptionEventArgs e)
    {
        if ((int)e.Exception.Response.ReplyCode == 552)
        {
            Counters.Refused(RefusalReason.TooLarge);
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private void ValidateOptions()
    {
        if (_options.Endpoints.Count == 0)
        {
            throw new JournalConfigurationException("ListenerNoEndpoint", JournalErrorKind.InvalidArgument,
                "The journal listener needs at least one endpoint (address and port) to listen on.");
        }
        if (_options.CertificateSource is null && _options.Certificate is { HasPrivateKey: false } certificate)
        {
            throw new JournalConfigurationException("CertificateHasNoPrivateKey", JournalErrorKind.InvalidArgument,
                $"The certificate {certificate.Subject} ({certificate.Thumbprint}) has no private key, so it cannot be used for TLS. " +
                "Give the certificate with its private key (for example from a PFX file).", certificate.Thumbprint);
        }
        if (_options.Certificate is null && _options.CertificateSource is null && _options.Endpoints.FirstOrDefault(e => e.ImplicitTls) is { } secure)
        {
            throw new JournalConfigurationException("CertificateRequired", JournalErrorKind.InvalidArgument,
                $"The implicit-TLS endpoint {secure} needs a certificate.", secure.ToString());
        }
        if (_options.MaxMessageSize <= 0 || _options.MaxConnections <= 0 || _options.MaxRecipientsPerMessage <= 0 || _options.SessionTimeout <= TimeSpan.Zero
            || _options.MaxConnectionsPerSource <= 0 || _options.CommandTimeout <= TimeSpan.Zero || _options.MinimumDataRate < 0
            || _options.AuthenticationFailuresBeforeLockout <= 0 || _options.AuthenticationLockout < TimeSpan.Zero
            || _options.HeartbeatInterval <= TimeSpan.Zero || _options.MessageMemoryBudget <= 0)
        {
            throw new JournalConfigurationException("InvalidListenerOption", JournalErrorKind.InvalidArgument,
                "MaxMessageSize, MaxConnections, MaxConnectionsPerSource, MaxRecipientsPerMessage, SessionTimeout, CommandTimeout, AuthenticationFailuresBeforeLockout, HeartbeatInterval and MessageMemoryBudget must be greater than zero; MinimumDataRate and AuthenticationLockout must not be negative.");
        }
    }

    private Dictionary<IPEndPoint, (TcpListener Socket, bool ImplicitTls)> BindAll()
    {
        var bound = new Dictionary<IPEndPoint, (TcpListener, bool)>();
        var endpoints = new List<ListenerEndpoint>();
        foreach (var endpoint in _options.Endpoints)
        {
            var socket = new TcpListener(endpoint.Address, endpoint.Port);
            try
            {
                socket.Start();
            }
            catch (SocketException e)
            {
                StopSockets();
                throw new JournalListenerStartException("ListenerBindFailed", JournalErrorKind.ResourceUnavailable, BindFailure(endpoint, e), endpoint, e);
            }
            _sockets.Add(socket);
            var actual = (IPEndPoint)socket.LocalEndpoint;
            bound[actual] = (socket, endpoint.ImplicitTls);
            endpoints.Add(endpoint with { Port = actual.Port });
        }
        BoundEndpoints = endpoints;
        return bound;
    }

    /// <summary>What a failed bind means, and what to do about it.</summary>
    private static string BindFailure(ListenerEndpoint endpoint, SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AccessDenied when endpoint.Port < 1024 && !OperatingSystem.IsWindows() =>
            $"Cannot listen on {endpoint}: ports below 1024 need root or the CAP_NET_BIND_SERVICE capability. " +
            "Run as root, give the capability to the process (systemd: AmbientCapabilities=CAP_NET_BIND_SERVICE; or setcap cap_net_bind_service=+ep on the pwsh/dotnet binary), " +
            "or listen on a port above 1023 (for example -Port 2525) and forward port 25 to it.",
        SocketError.AccessDenied =>
            $"Cannot listen on {endpoint}: {e.Message}. This account may not use the port (on Windows, it may be in an excluded port range: netsh interface ipv4 show excludedportrange protocol=tcp).",
        SocketError.AddressNotAvailable =>
            $"Cannot listen on {endpoint}: {endpoint.Address} is not an address of this host. Give one of its addresses, or 0.0.0.0 (all IPv4) or :: (all IPv6).",
        _ => $"Cannot listen on {endpoint}: {e.Message}. Is another program (or another listener) using the port?",
    };

    private void StopSockets()
    {
        foreach (var socket in _sockets)
        {
            socket.Stop();
        }
        _sockets.Clear();
    }
}
