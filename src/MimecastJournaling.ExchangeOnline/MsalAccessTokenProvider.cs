using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;

namespace MimecastJournaling.ExchangeOnline;

/// <summary>A device code to show the user (Connect-O365Journaling -DeviceCode).</summary>
/// <param name="Message">The sign-in service's own instruction (names the URL and the code).</param>
/// <param name="UserCode">The code the user types at <paramref name="VerificationUrl"/>.</param>
/// <param name="VerificationUrl">Where to type it.</param>
/// <param name="ExpiresOn">When the code stops working.</param>
public sealed record DeviceCodePrompt(string Message, string UserCode, Uri? VerificationUrl, DateTimeOffset ExpiresOn);

/// <summary>
/// Tokens from MSAL (Microsoft.Identity.Client) for any scope of one sign-in: the Exchange admin
/// API and Microsoft Graph come from the same MSAL application, so one sign-in serves both. MSAL
/// caches each token in memory and renews it before it expires (access tokens within five minutes
/// of expiry are not handed out); <see cref="AccessTokenRequest.ForceRefresh"/> (after a 401)
/// skips the cache once. Flows:
/// <list type="bullet">
/// <item>client secret or certificate: a confidential client, app-only (client credentials; the certificate signs a client assertion);</item>
/// <item>device code: a public client, delegated (the user signs in on another device; later tokens come silently from the refresh token);</item>
/// <item>managed identity: MSAL's managed identity application, system- or user-assigned (App Service, Functions, Automation, VMs).</item>
/// </list>
/// Tokens, secrets and passwords never appear in a message or an exception.
/// </summary>
public sealed class MsalAccessTokenProvider : IAccessTokenProvider, IDisposable
{
    private readonly Flow _flow;
    private readonly object _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _expiresOn = new(StringComparer.Ordinal);
    private readonly HttpClient? _http;
    private readonly X509Certificate2? _ownedCertificate;
    private int _tokensFromService;

    private MsalAccessTokenProvider(Flow flow, O365SignInMethod method, string? clientId, Uri? authority, HttpClient? http, X509Certificate2? ownedCertificate)
    {
        _flow = flow;
        Method = method;
        ClientId = clientId;
        Authority = authority;
        _http = http;
        _ownedCertificate = ownedCertificate;
    }

    /// <summary>How this provider signs in.</summary>
    public O365SignInMethod Method { get; }

    /// <summary>The application (client) id; for a user-assigned managed identity its client id; null for a system-assigned one.</summary>
    public string? ClientId { get; }

    /// <summary>The authority (sign-in host and tenant); null for a managed identity.</summary>
    public Uri? Authority { get; }

    /// <summary>The signed-in user (delegated sign-in), once known.</summary>
    public string? UserPrincipalName { get; private set; }

    /// <summary>The tenant id of the last token, when the service said.</summary>
    public string? TenantId { get; private set; }

    /// <summary>How many tokens came from the sign-in service rather than MSAL's cache (diagnostics and tests).</summary>
    public int TokensFromService => Volatile.Read(ref _tokensFromService);

    /// <summary>When the last token for <paramref name="scope"/> expires (MSAL's ExpiresOn), or null before the first one.</summary>
    public DateTimeOffset? ExpiresOn(string scope)
    {
        lock (_gate) return _expiresOn.TryGetValue(scope, out var value) ? value : null;
    }

    // ---- construction ------------------------------------------------------------------------

    /// <summary>App-only sign-in with a client secret.</summary>
    /// <param name="authorityHost">The sign-in host, e.g. https://login.microsoftonline.com (MSAL needs https).</param>
    /// <param name="tenant">Tenant id or domain.</param>
    /// <param name="clientId">The application (client) id.</param>
    /// <param name="clientSecret">The secret; kept by MSAL in memory only.</param>
    /// <param name="validateAuthority">
    /// False for a sign-in host MSAL does not know (a proxy, a private cloud, an emulator): no
    /// authority validation and no instance discovery. With either on, MSAL asks
    /// login.microsoftonline.com about the host (seen with MSAL 4.61), which knows nothing of it.
    /// </param>
    /// <param name="handler">Optional HTTP handler (proxy, tests); not disposed by the provider.</param>
    public static MsalAccessTokenProvider ForClientSecret(Uri authorityHost, string tenant, string clientId, string clientSecret, bool validateAuthority = true, HttpMessageHandler? handler = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        return Confidential(authorityHost, tenant, clientId, validateAuthority, handler, O365SignInMethod.ClientSecret, b => b.WithClientSecret(clientSecret), null);
    }

    /// <summary>App-only sign-in with a certificate (its private key signs the client assertion).</summary>
    /// <param name="authorityHost">The sign-in host.</param>
    /// <param name="tenant">Tenant id or domain.</param>
    /// <param name="clientId">The application (client) id.</param>
    /// <param name="certificate">A certificate with its private key.</param>
    /// <param name="validateAuthority">False for a sign-in host MSAL does not know.</param>
    /// <param name="handler">Optional HTTP handler; not disposed by the provider.</param>
    /// <param name="ownsCertificate">True when the provider should dispose the certificate (it was loaded for this sign-in).</param>
    /// <exception cref="AccessTokenException">The certificate has no private key.</exception>
    public static MsalAccessTokenProvider ForCertificate(Uri authorityHost, string tenant, string clientId, X509Certificate2 certificate, bool validateAuthority = true, HttpMessageHandler? handler = null, bool ownsCertificate = false)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        SignInCertificates.RequirePrivateKey(certificate, null);
        return Confidential(authorityHost, tenant, clientId, validateAuthority, handler, O365SignInMethod.Certificate, b => b.WithCertificate(certificate), ownsCertificate ? certificate : null);
    }

    /// <summary>Delegated sign-in with a device code (public client).</summary>
    /// <param name="authorityHost">The sign-in host.</param>
    /// <param name="tenant">Tenant id or domain (device code needs a tenanted authority).</param>
    /// <param name="clientId">A public client app registration (with "Allow public client flows" and delegated Exchange.Manage).</param>
    /// <param name="prompt">Shows the code to the user; called once per sign-in, on a background thread.</param>
    /// <param name="validateAuthority">False for a sign-in host MSAL does not know.</param>
    /// <param name="handler">Optional HTTP handler; not disposed by the provider.</param>
    public static MsalAccessTokenProvider ForDeviceCode(Uri authorityHost, string tenant, string clientId, Action<DeviceCodePrompt> prompt, bool validateAuthority = true, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var authority = AuthorityFor(authorityHost, tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        var http = handler is null ? null : new HttpClient(handler, disposeHandler: false);
        var builder = PublicClientApplicationBuilder.Create(clientId)
            .WithAuthority(authority.ToString(), validateAuthority)
            .WithInstanceDiscovery(validateAuthority)
            .WithClientName("MimecastJournaling");
        if (http is not null) builder = builder.WithHttpClientFactory(new FixedHttpClientFactory(http));
        return new MsalAccessTokenProvider(new DeviceCodeFlow(builder.Build(), prompt), O365SignInMethod.DeviceCode, clientId, authority, http, null);
    }

    /// <summary>Sign-in as the Azure managed identity of the host (App Service, Functions, Automation, a VM).</summary>
    /// <param name="userAssignedClientId">The client id of a user-assigned identity; null for the system-assigned one.</param>
    /// <param name="handler">Optional HTTP handler; not disposed by the provider.</param>
    public static MsalAccessTokenProvider ForManagedIdentity(string? userAssignedClientId = null, HttpMessageHandler? handler = null)
    {
        var id = string.IsNullOrWhiteSpace(userAssignedClientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.WithUserAssignedClientId(userAssignedClientId);
        var http = handler is null ? null : new HttpClient(handler, disposeHandler: false);
        var builder = ManagedIdentityApplicationBuilder.Create(id).WithClientName("MimecastJournaling");
        if (http is not null) builder = builder.WithHttpClientFactory(new FixedHttpClientFactory(http));
        return new MsalAccessTokenProvider(new ManagedIdentityFlow(builder.Build()), O365SignInMethod.ManagedIdentity,
            string.IsNullOrWhiteSpace(userAssignedClientId) ? null : userAssignedClientId, null, http, null);
    }

    private static MsalAccessTokenProvider Confidential(Uri authorityHost, string tenant, string clientId, bool validateAuthority, HttpMessageHandler? handler,
        O365SignInMethod method, Func<ConfidentialClientApplicationBuilder, ConfidentialClientApplicationBuilder> credential, X509Certificate2? owned)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        var authority = AuthorityFor(authorityHost, tenant);
        var http = handler is null ? null : new HttpClient(handler, disposeHandler: false);
        var builder = credential(ConfidentialClientApplicationBuilder.Create(clientId))
            .WithAuthority(authority.ToString(), validateAuthority)
            .WithInstanceDiscovery(validateAuthority)
            .WithClientName("MimecastJournaling");
        if (http is not null) builder = builder.WithHttpClientFactory(new FixedHttpClientFactory(http));
        return new MsalAccessTokenProvider(new ConfidentialFlow(builder.Build()), method, clientId, authority, http, owned);
    }

    /// <summary>The authority MSAL signs in at: {authorityHost}/{tenant}. MSAL accepts https only.</summary>
    public static Uri AuthorityFor(Uri authorityHost, string tenant)
    {
        ArgumentNullException.ThrowIfNull(authorityHost);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        if (!authorityHost.IsAbsoluteUri || authorityHost.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"The sign-in host must be an absolute https URL (MSAL refuses anything else): {authorityHost}", nameof(authorityHost));
        return new Uri(new Uri(authorityHost.GetLeftPart(UriPartial.Authority)), "/" + Uri.EscapeDataString(tenant.Trim()));
    }

    // ---- tokens ------------------------------------------------------------------------------

    /// <inheritdoc />
    public async ValueTask<string> GetTokenAsync(AccessTokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        AuthenticationResult result;
        try
        {
            result = await _flow.AcquireAsync(request.Scope, request.ForceRefresh, cancellationToken).ConfigureAwait(false);
        }
        catch (MsalException e)
        {
            throw Translate(e);
        }
        lock (_gate)
        {
            _expiresOn[request.Scope] = result.ExpiresOn;
            if (!string.IsNullOrEmpty(result.Account?.Username)) UserPrincipalName = result.Account.Username;
            if (!string.IsNullOrEmpty(result.TenantId)) TenantId = result.TenantId;
        }
        if (result.AuthenticationResultMetadata?.TokenSource is TokenSource.IdentityProvider) Interlocked.Increment(ref _tokensFromService);
        return result.AccessToken;
    }

    private AccessTokenException Translate(MsalException e)
    {
        var where = Authority?.GetLeftPart(UriPartial.Authority) ?? "the managed identity endpoint";
        var code = e.ErrorCode;
        // MSAL's own message has the service's AADSTS text; it never holds the secret or the token.
        var text = e.Message.Trim();
        var reason = (Method, code) switch
        {
            (O365SignInMethod.DeviceCode, "authorization_declined" or "access_denied") => AccessTokenFailure.DeviceCodeDeclined,
            (O365SignInMethod.DeviceCode, "code_expired" or "expired_token") => AccessTokenFailure.DeviceCodeExpired,
            (O365SignInMethod.ManagedIdentity, _) => AccessTokenFailure.ManagedIdentityUnavailable,
            (_, "invalid_grant") when e is MsalUiRequiredException => AccessTokenFailure.SignInRequired,
            _ when e is MsalUiRequiredException => AccessTokenFailure.SignInRequired,
            _ when e is MsalServiceException { StatusCode: 0 } || e.InnerException is HttpRequestException => AccessTokenFailure.Unreachable,
            _ => AccessTokenFailure.Refused,
        };
        var message = reason switch
        {
            AccessTokenFailure.DeviceCodeDeclined => $"The device code sign-in was declined ({code}): {text}",
            AccessTokenFailure.DeviceCodeExpired => $"Nobody completed the device code sign-in before the code expired ({code}). Run Connect-O365Journaling -DeviceCode again and enter the code within its lifetime.",
            AccessTokenFailure.ManagedIdentityUnavailable => $"The managed identity gave no token ({code}): {text} Run this where a managed identity is assigned (Azure Automation, App Service, Functions, a VM), with -ManagedIdentityClientId for a user-assigned one.",
            AccessTokenFailure.SignInRequired => $"The delegated sign-in can no longer be renewed ({code}): {text} Run Connect-O365Journaling -DeviceCode again.",
            AccessTokenFailure.Unreachable => $"The sign-in service at {where} could not be reached ({code}): {text} Check DNS (does this host resolve it?), the proxy (HTTPS_PROXY, or the system's) and the firewall (outbound HTTPS, port 443).",
            _ => $"The sign-in service at {where} refused the sign-in ({code}): {text}",
        };
        return new AccessTokenException(reason, message, e) { ErrorCode = code };
    }

    /// <inheritdoc />
    public override string ToString() => $"MsalAccessTokenProvider ({Method}{(ClientId is null ? "" : " as " + ClientId)}{(Authority is null ? "" : " at " + Authority)})";

    /// <inheritdoc />
    public void Dispose()
    {
        _http?.Dispose();
        _ownedCertificate?.Dispose();
    }

    // ---- flows -------------------------------------------------------------------------------

    private abstract class Flow
    {
        public abstract Task<AuthenticationResult> AcquireAsync(string scope, bool forceRefresh, CancellationToken cancellationToken);
    }

    private sealed class ConfidentialFlow(IConfidentialClientApplication app) : Flow
    {
        public override Task<AuthenticationResult> AcquireAsync(string scope, bool forceRefresh, CancellationToken cancellationToken) =>
            app.AcquireTokenForClient(new[] { scope }).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken);
    }

    private sealed class DeviceCodeFlow(IPublicClientApplication app, Action<DeviceCodePrompt> prompt) : Flow
    {
        private readonly SemaphoreSlim _signIn = new(1, 1);
        private IAccount? _account;

        public override async Task<AuthenticationResult> AcquireAsync(string scope, bool forceRefresh, CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref _account) is { } account)
                return await app.AcquireTokenSilent(new[] { scope }, account).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            // The interactive part happens once (at Connect-O365Journaling); later calls are silent.
            await _signIn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_account is { } signedIn)
                    return await app.AcquireTokenSilent(new[] { scope }, signedIn).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken).ConfigureAwait(false);
                var result = await app.AcquireTokenWithDeviceCode(new[] { scope }, code =>
                {
                    prompt(new DeviceCodePrompt(code.Message, code.UserCode,
                        Uri.TryCreate(code.VerificationUrl, UriKind.Absolute, out var url) ? url : null, code.ExpiresOn));
                    return Task.CompletedTask;
                }).ExecuteAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _account, result.Account);
                return result;
            }
            finally
            {
                _signIn.Release();
            }
        }
    }

    private sealed class ManagedIdentityFlow(IManagedIdentityApplication app) : Flow
    {
        // Managed identity takes a resource, not a scope.
        public override Task<AuthenticationResult> AcquireAsync(string scope, bool forceRefresh, CancellationToken cancellationToken)
        {
            var resource = scope.EndsWith("/.default", StringComparison.Ordinal) ? scope[..^"/.default".Length] : scope;
            return app.AcquireTokenForManagedIdentity(resource).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken);
        }
    }

    private sealed class FixedHttpClientFactory(HttpClient client) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }
}

/// <summary>Finds and checks the certificate of an app-only sign-in. Messages name the file or thumbprint, never the password.</summary>
public static class SignInCertificates
{
    /// <summary>
    /// Loads a PKCS#12 (.pfx/.p12) file with its private key. A PEM file with the certificate and an
    /// unencrypted private key works too.
    /// </summary>
    /// <exception cref="AccessTokenException">The file is missing or unreadable, the password is wrong, or there is no private key.</exception>
    public static X509Certificate2 LoadFromFile(string path, string? password)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new AccessTokenException(AccessTokenFailure.CertificateUnreadable, $"The certificate file '{path}' does not exist.");
        X509Certificate2 certificate;
        try
        {
            var flags = OperatingSystem.IsMacOS() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;
            var ext = Path.GetExtension(path);
            certificate = ext.Equals(".pem", StringComparison.OrdinalIgnoreCase) || ext.Equals(".crt", StringComparison.OrdinalIgnoreCase)
                ? (string.IsNullOrEmpty(password) ? X509Certificate2.CreateFromPemFile(path) : X509Certificate2.CreateFromEncryptedPemFile(path, password))
                : new X509Certificate2(path, password, flags);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            // The framework's text says "the password may be incorrect" or names the format problem;
            // it never contains the password.
            throw new AccessTokenException(AccessTokenFailure.CertificateUnreadable,
                $"The certificate file '{path}' could not be read: {e.Message.TrimEnd('.')}. Check -CertificatePassword and that the file is a PKCS#12 (.pfx) with its private key.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AccessTokenException(AccessTokenFailure.CertificateUnreadable, $"The certificate file '{path}' could not be read: {e.Message}", e);
        }
        try
        {
            RequirePrivateKey(certificate, path);
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
        return certificate;
    }

    /// <summary>Finds a certificate by thumbprint in CurrentUser\My, then LocalMachine\My.</summary>
    /// <exception cref="AccessTokenException">Not found in either store, or found without a private key.</exception>
    public static X509Certificate2 FindByThumbprint(string thumbprint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(thumbprint);
        var wanted = new string(thumbprint.Where(char.IsAsciiHexDigit).ToArray()).ToUpperInvariant();
        foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
        {
            X509Store store;
            try
            {
                store = new X509Store(StoreName.My, location);
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
                continue; // the store does not exist here (LocalMachine\My on Linux/macOS)
            }
            using (store)
            {
                var found = store.Certificates.Find(X509FindType.FindByThumbprint, wanted, validOnly: false);
                try
                {
                    if (found.Count > 0)
                    {
                        var certificate = found[0];
                        RequirePrivateKey(certificate, $"{location}\\My");
                        return new X509Certificate2(certificate);
                    }
                }
                finally
                {
                    foreach (var c in found) c.Dispose();
                }
            }
        }
        throw new AccessTokenException(AccessTokenFailure.CertificateNotFound,
            $"No certificate with thumbprint {wanted} in CurrentUser\\My or LocalMachine\\My. Import it with its private key, or use -CertificatePath.");
    }

    /// <summary>Fails when the certificate cannot sign (no private key).</summary>
    /// <exception cref="AccessTokenException">No private key.</exception>
    public static void RequirePrivateKey(X509Certificate2 certificate, string? source)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new AccessTokenException(AccessTokenFailure.CertificateWithoutPrivateKey,
                $"The certificate {certificate.Subject} ({certificate.Thumbprint}){(source is null ? "" : " from " + source)} has no private key, so it cannot sign in. Use the .pfx that holds the private key.");
        }
    }
}
