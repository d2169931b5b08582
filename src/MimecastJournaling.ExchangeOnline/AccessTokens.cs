namespace MimecastJournaling.ExchangeOnline;

/// <summary>What a caller asks an <see cref="IAccessTokenProvider"/> for.</summary>
/// <param name="Scope">The OAuth scope, e.g. https://outlook.office365.com/.default.</param>
/// <param name="ForceRefresh">
/// True after the service answered 401 to the previous token: do not hand out a cached token.
/// </param>
public sealed record AccessTokenRequest(string Scope, bool ForceRefresh = false);

/// <summary>
/// The sign-in seam: <see cref="MsalAccessTokenProvider"/> (certificate, secret, device code, managed
/// identity) and <see cref="StaticAccessTokenProvider"/> (a token the caller has) implement it.
/// Implementations must be safe to call concurrently and must never log the token.
/// </summary>
public interface IAccessTokenProvider
{
    /// <summary>A bearer token (without the "Bearer " prefix) for <see cref="AccessTokenRequest.Scope"/>.</summary>
    ValueTask<string> GetTokenAsync(AccessTokenRequest request, CancellationToken cancellationToken);
}

/// <summary>A token the caller already has (Connect-ExchangeOnline -AccessToken). It cannot be refreshed.</summary>
public sealed class StaticAccessTokenProvider : IAccessTokenProvider
{
    private readonly string _token;

    /// <summary>Wraps <paramref name="accessToken"/> (with or without a "Bearer " prefix).</summary>
    public StaticAccessTokenProvider(string accessToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessToken);
        _token = accessToken.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? accessToken[7..].Trim() : accessToken.Trim();
    }

    /// <inheritdoc />
    public ValueTask<string> GetTokenAsync(AccessTokenRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(_token);

    /// <inheritdoc />
    public override string ToString() => "StaticAccessTokenProvider (token hidden)";
}

/// <summary>Why a sign-in failed (the cmdlets turn each into its own error id and category).</summary>
public enum AccessTokenFailure
{
    /// <summary>The sign-in service refused the request (wrong secret, unknown client, no consent, unknown tenant…).</summary>
    Refused,
    /// <summary>The sign-in service or the managed identity endpoint could not be reached.</summary>
    Unreachable,
    /// <summary>No certificate with the given thumbprint in CurrentUser\My or LocalMachine\My.</summary>
    CertificateNotFound,
    /// <summary>The certificate has no private key, so it cannot sign the client assertion.</summary>
    CertificateWithoutPrivateKey,
    /// <summary>The certificate file cannot be read (missing, wrong password, not PKCS#12/PEM).</summary>
    CertificateUnreadable,
    /// <summary>The user declined the device code sign-in.</summary>
    DeviceCodeDeclined,
    /// <summary>Nobody completed the device code sign-in before the code expired.</summary>
    DeviceCodeExpired,
    /// <summary>No managed identity is available here, or it was refused.</summary>
    ManagedIdentityUnavailable,
    /// <summary>A delegated sign-in can no longer be renewed silently: sign in again.</summary>
    SignInRequired,
}

/// <summary>Could not get a token. The message never contains a token, a secret or a password.</summary>
public sealed class AccessTokenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AccessTokenException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates the exception with its reason.</summary>
    public AccessTokenException(AccessTokenFailure reason, string message, Exception? inner = null) : base(message, inner) => Reason = reason;

    /// <summary>Why the sign-in failed.</summary>
    public AccessTokenFailure Reason { get; init; } = AccessTokenFailure.Refused;

    /// <summary>The OAuth error code (e.g. invalid_client), when the service sent one.</summary>
    public string? ErrorCode { get; init; }
}
