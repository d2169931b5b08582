using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MimecastJournaling.Emulators.ExchangeOnline;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

/// <summary>
/// One emulator per test. Clients address it by made-up host names (outlook.emulator.test,
/// eur01b.outlook.emulator.test, evil.example) that a connect callback sends to 127.0.0.1, so
/// redirect trust is tested by host name while all traffic stays on the loopback address.
/// </summary>
public abstract class EmulatorTestBase : IAsyncLifetime
{
    protected const string TrustedSuffix = "outlook.emulator.test";

    protected ExchangeOnlineEmulator Emulator { get; private set; } = null!;
    protected List<ExchangeCommandEvent> Events { get; } = new();

    protected Uri FrontDoor => new($"http://{TrustedSuffix}:{Emulator.FrontDoorPort}");
    protected Uri TrustedRegional => new($"http://eur01b.{TrustedSuffix}:{Emulator.RegionalPort}");
    protected Uri UntrustedRegional => new($"http://evil.example:{Emulator.RegionalPort}");

    public async Task InitializeAsync() => Emulator = await ExchangeOnlineEmulator.StartAsync();

    public async Task DisposeAsync() => await Emulator.DisposeAsync();

    /// <summary>
    /// Every connection goes to 127.0.0.1 on the URL's port, whatever the host name; https is
    /// trusted when the emulator's CA issued the certificate (and only then).
    /// </summary>
    protected SocketsHttpHandler LoopbackHandler() => new()
    {
        AllowAutoRedirect = false,
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = TrustEmulatorCertificateAuthority },
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private bool TrustEmulatorCertificateAuthority(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false; // name mismatch, no certificate
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(Emulator.CertificateAuthority);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    /// <summary>The emulator's sign-in host (https on 127.0.0.1).</summary>
    protected Uri Login => Emulator.LoginBase;

    protected ExchangeOnlineClientOptions Options(Action<ExchangeOnlineClientOptions>? configure = null)
    {
        var options = new ExchangeOnlineClientOptions
        {
            Environment = ExchangeOnlineEnvironment.Custom(FrontDoor, tokenResource: new Uri("https://outlook.office365.com"), trustedHostSuffixes: new[] { TrustedSuffix }),
            Tenant = Emulator.TenantId,
            BaseRetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            CommandLog = e => { lock (Events) Events.Add(e); },
        };
        configure?.Invoke(options);
        return options;
    }

    protected ExchangeOnlineClient Client(Action<ExchangeOnlineClientOptions>? configure = null, IAccessTokenProvider? tokens = null) =>
        new(Options(configure), tokens ?? new StaticAccessTokenProvider(Emulator.IssueToken()), LoopbackHandler());

    /// <summary>MSAL app-only sign-in with the client secret at the emulator (authority validation off: MSAL does not know the host).</summary>
    protected MsalAccessTokenProvider ClientCredentials(string? secret = null, string? clientId = null) =>
        MsalAccessTokenProvider.ForClientSecret(Login, Emulator.TenantId, clientId ?? Emulator.ClientId, secret ?? Emulator.ClientSecret, validateAuthority: false, handler: LoopbackHandler());

    protected IReadOnlyList<RecordedRequest> AdminRequests =>
        Emulator.Requests.Where(r => r.PathAndQuery.StartsWith("/adminapi/", StringComparison.Ordinal)).ToList();

    protected static ExchangeParameters P(params (string Name, object? Value)[] items)
    {
        var p = new ExchangeParameters();
        foreach (var (n, v) in items) p.Add(n, v);
        return p;
    }
}
