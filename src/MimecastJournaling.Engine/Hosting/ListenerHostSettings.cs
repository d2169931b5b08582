using System.Globalization;
using System.Net;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Storage;

namespace MimecastJournaling.Engine.Hosting;

/// <summary>
/// What the service host (MimecastJournaling.Host) runs: one store, its endpoints and certificate.
/// The one place that turns these settings into the host's command line and back, so the systemd
/// unit or Windows service that Install-JournalListenerService writes and the host that reads it
/// always agree. A certificate password is never an argument: the host reads it from a file
/// (systemd's credential directory, or --certificate-password-file). Nor is a PostgreSQL store's
/// connection string, which may hold a password: the unit gives --store-credential and the host
/// reads the location from that systemd credential.
/// </summary>
public sealed record ListenerHostSettings
{
    /// <summary>The systemd credential (LoadCredential=) that carries the certificate's password.</summary>
    public const string PasswordCredentialName = "certificate-password";

    /// <summary>The systemd credential (LoadCredential=) that carries a PostgreSQL store's connection string.</summary>
    public const string StoreCredentialName = "store";

    /// <summary>The service name (systemd unit without .service, or the Windows service name).</summary>
    public string Name { get; init; } = "mimecastjournaling";

    /// <summary>
    /// The store: a SQLite file (full path) or a PostgreSQL connection string. Empty while it is to
    /// be read from <see cref="StoreCredential"/> (<see cref="WithStoreFromCredential"/>).
    /// </summary>
    public string Store { get; init; } = string.Empty;

    /// <summary>The systemd credential whose content is the store's location (--store-credential), instead of --store.</summary>
    public string? StoreCredential { get; init; }

    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    public int Port { get; init; } = 25;

    /// <summary>An extra implicit-TLS port (SMTPS, usually 465); null for none.</summary>
    public int? ImplicitTlsPort { get; init; }

    /// <summary>A PFX (PKCS#12) with its private key, or a PEM certificate (chain) with <see cref="KeyPath"/>; a renewed file is picked up without a restart. Null: no STARTTLS (definitions requiring TLS refuse with 530).</summary>
    public string? CertificatePath { get; init; }

    /// <summary>The PEM private key of a PEM certificate in <see cref="CertificatePath"/> (certbot's privkey.pem); null: the certificate is a PFX.</summary>
    public string? KeyPath { get; init; }

    /// <summary>A file whose content is the PFX password, or the PEM key's (null: the systemd credential, when present, else none).</summary>
    public string? CertificatePasswordFile { get; init; }

    /// <summary>Serves /metrics (Prometheus), /health and /ready under this HTTP prefix (http://127.0.0.1:9425/); null: none.</summary>
    public string? MetricsPrefix { get; init; }

    /// <summary>The name in the greeting and EHLO; null: the host name.</summary>
    public string? ServerName { get; init; }

    public int MaxConnections { get; init; } = 100;

    /// <summary>Connections at once from one address (more get 421 4.7.0), as Start-JournalListener's -MaxConnectionsPerSource.</summary>
    public int MaxConnectionsPerSource { get; init; } = DefaultMaxConnectionsPerSource;

    public static readonly int DefaultMaxConnectionsPerSource = new ListenerOptions { Endpoints = [] }.MaxConnectionsPerSource;

    /// <summary>How long sessions in progress may finish on a stop request before they are cut.</summary>
    public TimeSpan StopTimeout { get; init; } = JournalListener.DefaultStopGrace;

    /// <summary>The endpoints these settings listen on, as the engine takes them.</summary>
    public IReadOnlyList<ListenerEndpoint> Endpoints =>
        ImplicitTlsPort is int tls
            ? [new ListenerEndpoint(BindAddress, Port), new ListenerEndpoint(BindAddress, tls, ImplicitTls: true)]
            : [new ListenerEndpoint(BindAddress, Port)];

    /// <summary>The host's command line for these settings (the host's own arguments, after the host program).</summary>
    public IReadOnlyList<string> ToArguments()
    {
        var arguments = StoreCredential is null
            ? new List<string> { "--name", Name, "--store", Store }
            : new List<string> { "--name", Name, "--store-credential", StoreCredential };
        arguments.AddRange(["--bind", BindAddress.ToString(), "--port", Number(Port)]);
        if (ImplicitTlsPort is int tls)
        {
            arguments.AddRange(["--implicit-tls-port", Number(tls)]);
        }
        if (CertificatePath is not null)
        {
            arguments.AddRange(["--certificate", CertificatePath]);
        }
        if (KeyPath is not null)
        {
            arguments.AddRange(["--key", KeyPath]);
        }
        if (CertificatePasswordFile is not null)
        {
            arguments.AddRange(["--certificate-password-file", CertificatePasswordFile]);
        }
        if (MetricsPrefix is not null)
        {
            arguments.AddRange(["--metrics-prefix", MetricsPrefix]);
        }
        if (ServerName is not null)
        {
            arguments.AddRange(["--server-name", ServerName]);
        }
        if (MaxConnections != 100)
        {
            arguments.AddRange(["--max-connections", Number(MaxConnections)]);
        }
        if (MaxConnectionsPerSource != DefaultMaxConnectionsPerSource)
        {
            arguments.AddRange(["--max-connections-per-source", Number(MaxConnectionsPerSource)]);
        }
        if (StopTimeout != JournalListener.DefaultStopGrace)
        {
            arguments.AddRange(["--stop-timeout", Number((int)StopTimeout.TotalSeconds)]);
        }
        return arguments;
    }

    /// <summary>
    /// Reads the host's command line. Unknown or incomplete arguments are an InvalidArgument
    /// JournalConfigurationException whose message says what is accepted.
    /// </summary>
    public static ListenerHostSettings Parse(IReadOnlyList<string> arguments)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Count; i++)
        {
            var name = arguments[i];
            if (!KnownOptions.Contains(name))
            {
                throw Invalid($"'{name}' is not an option of the journal listener host.");
            }
            if (i + 1 >= arguments.Count)
            {
                throw Invalid($"{name} needs a value.");
            }
            values[name] = arguments[++i];
        }
        var hasStore = values.TryGetValue("--store", out var store) && !string.IsNullOrWhiteSpace(store);
        var hasCredential = values.TryGetValue("--store-credential", out var storeCredential) && !string.IsNullOrWhiteSpace(storeCredential);
        if (hasStore == hasCredential)
        {
            throw Invalid("Give either --store (the store file, or a PostgreSQL connection string without its password) or --store-credential (the systemd credential that holds the store's location), not both.");
        }
        var settings = hasCredential
            ? new ListenerHostSettings { StoreCredential = storeCredential }
            : new ListenerHostSettings { Store = StoreLocation.IsConnectionString(store!) ? store! : Path.GetFullPath(store!) };
        if (values.TryGetValue("--name", out var serviceName))
        {
            settings = settings with { Name = serviceName };
        }
        if (values.TryGetValue("--bind", out var bind))
        {
            settings = settings with { BindAddress = IPAddress.TryParse(bind, out var address) ? address : throw Invalid($"--bind '{bind}' is not an IP address (0.0.0.0, :: or one address of this host).") };
        }
        if (values.TryGetValue("--port", out var port))
        {
            settings = settings with { Port = ParsePort("--port", port, allowZero: true) };
        }
        if (values.TryGetValue("--implicit-tls-port", out var tlsPort))
        {
            settings = settings with { ImplicitTlsPort = ParsePort("--implicit-tls-port", tlsPort, allowZero: true) };
        }
        if (values.TryGetValue("--certificate", out var certificate))
        {
            settings = settings with { CertificatePath = Path.GetFullPath(certificate) };
        }
        if (values.TryGetValue("--key", out var key))
        {
            settings = settings with { KeyPath = Path.GetFullPath(key) };
        }
        if (values.TryGetValue("--metrics-prefix", out var metrics))
        {
            settings = settings with { MetricsPrefix = metrics };
        }
        if (values.TryGetValue("--certificate-password-file", out var passwordFile))
        {
            settings = settings with { CertificatePasswordFile = Path.GetFullPath(passwordFile) };
        }
        if (values.TryGetValue("--server-name", out var serverName))
        {
            settings = settings with { ServerName = serverName };
        }
        if (values.TryGetValue("--max-connections", out var connections))
        {
            settings = settings with { MaxConnections = ParseNumber("--max-connections", connections, 1, 100_000) };
        }
        if (values.TryGetValue("--max-connections-per-source", out var perSource))
        {
            settings = settings with { MaxConnectionsPerSource = ParseNumber("--max-connections-per-source", perSource, 1, 100_000) };
        }
        if (values.TryGetValue("--stop-timeout", out var stop))
        {
            settings = settings with { StopTimeout = TimeSpan.FromSeconds(ParseNumber("--stop-timeout", stop, 0, 3600)) };
        }
        return settings;
    }

    /// <summary>The options the host accepts, for its usage text.</summary>
    public static readonly IReadOnlyList<string> KnownOptions =
    [
        "--name", "--store", "--store-credential", "--bind", "--port", "--implicit-tls-port", "--certificate",
        "--key", "--certificate-password-file", "--server-name", "--max-connections", "--max-connections-per-source", "--stop-timeout", "--metrics-prefix",
    ];

    /// <summary>
    /// The settings with <see cref="Store"/> read from the systemd credential <see cref="StoreCredential"/>
    /// ($CREDENTIALS_DIRECTORY/name, as LoadCredential= provides it); unchanged without one.
    /// </summary>
    public ListenerHostSettings WithStoreFromCredential(string? credentialsDirectory)
    {
        if (StoreCredential is null)
        {
            return this;
        }
        if (string.IsNullOrEmpty(credentialsDirectory) || !File.Exists(Path.Combine(credentialsDirectory, StoreCredential)))
        {
            throw new JournalConfigurationException("HostStoreCredentialMissing", JournalErrorKind.NotFound,
                $"--store-credential {StoreCredential}: there is no credential '{StoreCredential}' in CREDENTIALS_DIRECTORY. Run the host from its systemd unit " +
                $"(LoadCredential={StoreCredential}:/etc/mimecastjournaling/<service>.store), or give --store.");
        }
        var location = File.ReadAllText(Path.Combine(credentialsDirectory, StoreCredential)).Trim();
        return this with { Store = location };
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int ParsePort(string name, string text, bool allowZero) => ParseNumber(name, text, allowZero ? 0 : 1, 65535);

    private static int ParseNumber(string name, string text, int minimum, int maximum) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum
            ? value
            : throw Invalid($"{name} '{text}' is not a number from {minimum} to {maximum}.");

    private static JournalConfigurationException Invalid(string message) =>
        new("HostArgumentInvalid", JournalErrorKind.InvalidArgument,
            message + " Accepted: " + string.Join(" ", KnownOptions.Select(o => o + " <value>")) + ".");
}
