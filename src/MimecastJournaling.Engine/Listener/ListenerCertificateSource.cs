using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimecastJournaling.Engine.Configuration;
using SmtpServer;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Where the listener's TLS certificate comes from. Every TLS handshake (STARTTLS or implicit
/// TLS) asks <see cref="Current"/>, so a renewed certificate file is served to the next session
/// without a restart, while sessions already in TLS keep the certificate they started with.
/// <list type="bullet">
/// <item>A fixed certificate (given as an object).</item>
/// <item>A PFX file, or a PEM certificate (chain) and key pair (certbot's fullchain.pem and privkey.pem):
/// the files are looked at (at most once a second) and reloaded when their time, size or link target changes.
/// A file caught half-written, or a certificate that does not match its key yet, leaves the previous
/// certificate in service and is tried again at the next check.</item>
/// <item>On Windows, the newest valid certificate with a private key in a certificate store, by subject.</item>
/// </list>
/// </summary>
public abstract class ListenerCertificateSource
{
    /// <summary>How often the files (or the store) are looked at, at most.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    // The chain (intermediates) to send with a certificate, for the TLS handshake.
    private static readonly ConditionalWeakTable<X509Certificate, SslStreamCertificateContext> Contexts = new();

    private readonly object _gate = new();
    private X509Certificate2 _current;
    private DateTime _lastCheck = DateTime.MinValue;

    private protected ListenerCertificateSource(X509Certificate2 first, X509Certificate2Collection? chain, string description)
    {
        Description = description;
        RequirePrivateKey(first, description);
        _current = Remember(first, chain);
    }

    /// <summary>Says where the certificate comes from, for messages and Get-JournalListener ("file /etc/…/fullchain.pem").</summary>
    public string Description { get; }

    /// <summary>The certificate to serve now; a renewed file is loaded first.</summary>
    public X509Certificate2 Current
    {
        get
        {
            lock (_gate)
            {
                var now = DateTime.UtcNow;
                if (now - _lastCheck >= CheckInterval)
                {
                    _lastCheck = now;
                    TryRenew();
                }
                return _current;
            }
        }
    }

    /// <summary>The certificate was replaced by a renewed one (old, new).</summary>
    public event Action<X509Certificate2, X509Certificate2>? Renewed;

    /// <summary>A changed file could not be used (the message never holds the password); the previous certificate stays in service.</summary>
    public event Action<string>? RenewalFailed;

    /// <summary>Nothing changed since the last look, or the renewed certificate and its chain; throws when a change cannot be used.</summary>
    private protected abstract (X509Certificate2 Certificate, X509Certificate2Collection? Chain)? LoadIfChanged();

    private void TryRenew()
    {
        (X509Certificate2 Certificate, X509Certificate2Collection? Chain)? renewed;
        try
        {
            renewed = LoadIfChanged();
            if (renewed is { } r)
            {
                RequirePrivateKey(r.Certificate, Description);
            }
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or JournalConfigurationException or ArgumentException)
        {
            RenewalFailed?.Invoke($"The renewed certificate ({Description}) cannot be used yet, the previous one is still served: {e.Message}");
            return;
        }
        if (renewed is not { } next || next.Certificate.Thumbprint == _current.Thumbprint)
        {
            return;
        }
        var old = _current;
        _current = Remember(next.Certificate, next.Chain);
        try
        {
            Renewed?.Invoke(old, _current);
        }
        catch (Exception)
        {
            // An observer's trouble never stops TLS.
        }
    }

    private static X509Certificate2 Remember(X509Certificate2 certificate, X509Certificate2Collection? chain)
    {
        if (chain is { Count: > 0 })
        {
            Contexts.AddOrUpdate(certificate, SslStreamCertificateContext.Create(certificate, chain, offline: true));
        }
        return certificate;
    }

    /// <summary>The TLS context (certificate and intermediates) for a certificate this source served, if it has a chain.</summary>
    internal static SslStreamCertificateContext? ContextFor(X509Certificate certificate) =>
        Contexts.TryGetValue(certificate, out var context) ? context : null;

    private static void RequirePrivateKey(X509Certificate2 certificate, string description)
    {
        if (!certificate.HasPrivateKey)
        {
            throw new JournalConfigurationException("CertificateHasNoPrivateKey", JournalErrorKind.InvalidArgument,
                $"The certificate {certificate.Subject} ({certificate.Thumbprint}) from {description} has no private key, so it cannot be used for TLS. " +
                "Give the certificate with its private key (a PFX file, or -KeyPath for a PEM certificate).", certificate.Thumbprint);
        }
    }

    /// <summary>A certificate given as an object: never renewed.</summary>
    public static ListenerCertificateSource Fixed(X509Certificate2 certificate) => new FixedSource(certificate);

    /// <summary>A PFX (PKCS#12) file with its private key, reloaded when it changes.</summary>
    public static ListenerCertificateSource PfxFile(string path, string? password) => new FileSource(path, null, password);

    /// <summary>
    /// A PEM certificate file (the server certificate first; any further certificates are its
    /// chain, as in fullchain.pem) and its PEM private key (PKCS#8, PKCS#1 or SEC1; encrypted
    /// PKCS#8 with <paramref name="password"/>), reloaded when either changes.
    /// </summary>
    public static ListenerCertificateSource PemFiles(string certificatePath, string keyPath, string? password) => new FileSource(certificatePath, keyPath, password);

    /// <summary>
    /// Windows only: the certificate store (LocalMachine\My by default), the newest certificate
    /// whose subject contains <paramref name="subject"/>, that is valid now and has its private key.
    /// Looked up again at each check, so a renewal imported into the store is picked up.
    /// </summary>
    public static ListenerCertificateSource WindowsStore(string subject, StoreLocation location = StoreLocation.LocalMachine, StoreName name = StoreName.My)
    {
        if (!OperatingSystem.IsWindows())
        {
            throw new JournalConfigurationException("CertificateStoreUnavailable", JournalErrorKind.InvalidOperation,
                "The certificate store by subject is available on Windows only. On Linux and macOS give -CertificatePath (PFX, or PEM with -KeyPath).", subject);
        }
        return new StoreSource(subject, location, name);
    }

    private sealed class FixedSource : ListenerCertificateSource
    {
        public FixedSource(X509Certificate2 certificate) : base(certificate, null, $"the certificate {certificate.Subject}")
        {
        }

        private protected override (X509Certificate2, X509Certificate2Collection?)? LoadIfChanged() => null;
    }

    private sealed class FileSource : ListenerCertificateSource
    {
        private readonly string _certificatePath;
        private readonly string? _keyPath;
        private readonly string? _password;
        private string _stamp;

        public FileSource(string certificatePath, string? keyPath, string? password)
            : this(certificatePath, keyPath, password, Stamp(certificatePath, keyPath))
        {
        }

        private FileSource(string certificatePath, string? keyPath, string? password, string stamp)
            : this(certificatePath, keyPath, password, stamp, LoadFiles(certificatePath, keyPath, password))
        {
        }

        private FileSource(string certificatePath, string? keyPath, string? password, string stamp, (X509Certificate2 Certificate, X509Certificate2Collection? Chain) loaded)
            : base(loaded.Certificate, loaded.Chain, keyPath is null ? $"file {certificatePath}" : $"files {certificatePath} and {keyPath}")
        {
            _certificatePath = certificatePath;
            _keyPath = keyPath;
            _password = password;
            _stamp = stamp;
        }

        private protected override (X509Certificate2, X509Certificate2Collection?)? LoadIfChanged()
        {
            var stamp = Stamp(_certificatePath, _keyPath);
            if (stamp == _stamp)
            {
                return null;
            }
            var loaded = LoadFiles(_certificatePath, _keyPath, _password);
            // Only a change that could be used moves the stamp on: a half-written renewal is tried again.
            _stamp = stamp;
            return loaded;
        }

        // Time, size and (for certbot's live/ symlinks) the file the link points at.
        private static string Stamp(string certificatePath, string? keyPath) =>
            keyPath is null ? StampOf(certificatePath) : StampOf(certificatePath) + "|" + StampOf(keyPath);

        private static string StampOf(string path)
        {
            var file = new FileInfo(path);
            var target = file.LinkTarget is null ? file : (file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file);
            target.Refresh();
            return target.Exists ? $"{target.FullName}:{target.LastWriteTimeUtc.Ticks}:{target.Length}" : $"{path}:missing";
        }
    }

    /// <summary>Reads a PFX file, or a PEM certificate (chain) and key; the error names the file, never the password.</summary>
    public static (X509Certificate2 Certificate, X509Certificate2Collection? Chain) LoadFiles(string certificatePath, string? keyPath, string? password)
    {
        if (keyPath is null)
        {
            if (LooksLikePem(certificatePath))
            {
                throw new JournalConfigurationException("CertificateKeyRequired", JournalErrorKind.InvalidArgument,
                    $"'{certificatePath}' is a PEM certificate; give its private key file too, for example -KeyPath privkey.pem.", certificatePath);
            }
            // The constructor rather than X509CertificateLoader: the engine targets net8.0, where the loader needs an extra package.
            var pfx = new X509Certificate2(File.ReadAllBytes(certificatePath), password, X509KeyStorageFlags.DefaultKeySet);
            return (pfx, null);
        }
        using var fromPem = password is null
            ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath);
        // The PEM key is ephemeral; a PKCS#12 round trip gives a key that SslStream can use on every platform (Windows needs it).
        var certificate = new X509Certificate2(fromPem.Export(X509ContentType.Pkcs12), (string?)null, X509KeyStorageFlags.DefaultKeySet);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(certificatePath);
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain)
        {
            if (c.Thumbprint != certificate.Thumbprint)
            {
                intermediates.Add(c);
            }
        }
        return (certificate, intermediates);
    }

    private static bool LooksLikePem(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> start = stackalloc byte[64];
        var read = file.Read(start);
        return System.Text.Encoding.ASCII.GetString(start[..read]).Contains("-----BEGIN", StringComparison.Ordinal);
    }

    private sealed class StoreSource : ListenerCertificateSource
    {
        private readonly string _subject;
        private readonly StoreLocation _location;
        private readonly StoreName _name;

        public StoreSource(string subject, StoreLocation location, StoreName name)
            : base(Find(subject, location, name), null, $"the certificate store {location}\\{name}, subject '{subject}'")
        {
            _subject = subject;
            _location = location;
            _name = name;
        }

        private protected override (X509Certificate2, X509Certificate2Collection?)? LoadIfChanged() => (Find(_subject, _location, _name), null);

        private static X509Certificate2 Find(string subject, StoreLocation location, StoreName name)
        {
            using var store = new X509Store(name, location);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            var now = DateTime.Now;
            var best = store.Certificates
                .Find(X509FindType.FindBySubjectName, subject, validOnly: false)
                .Where(c => c.HasPrivateKey && c.NotBefore <= now && c.NotAfter > now)
                .OrderByDescending(c => c.NotAfter)
                .FirstOrDefault();
            return best ?? throw new JournalConfigurationException("CertificateNotFound", JournalErrorKind.NotFound,
                $"No valid certificate with a private key and subject '{subject}' is in {location}\\{name}. Import the certificate with its key, or give -CertificatePath.", subject);
        }
    }
}

/// <summary>SmtpServer asks this at every TLS handshake; it answers with the source's current certificate.</summary>
internal sealed class SourceCertificateFactory : ICertificateFactory
{
    private readonly ListenerCertificateSource _source;

    public SourceCertificateFactory(ListenerCertificateSource source) => _source = source;

    public X509Certificate GetServerCertificate(ISessionContext sessionContext) => _source.Current;
}
