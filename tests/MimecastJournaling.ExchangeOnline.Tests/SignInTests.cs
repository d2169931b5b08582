using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

/// <summary>
/// Sign-in through MSAL against the emulator's https sign-in host: client secret, certificate
/// (a signed client assertion the emulator verifies), device code, token renewal and the 401 path.
/// </summary>
public sealed class SignInTests : EmulatorTestBase
{
    private ExchangeOnlineConnectionRequest Request() => new(Emulator.TenantId, ExchangeCloud.Global)
    {
        ExchangeEndpoint = Emulator.FrontDoorBase,
        AuthorityHost = Emulator.LoginBase,
    };

    private static Dictionary<string, JsonElement> Claims(string jwt)
    {
        var part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(part.PadRight(part.Length + (4 - part.Length % 4) % 4, '=')));
        return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
    }

    [Fact]
    public async Task A_client_secret_signs_in_through_msal_at_the_https_sign_in_host_and_a_cmdlet_runs()
    {
        using var connection = await ExchangeOnlineConnection.ConnectAsync(Request() with { ClientId = Emulator.ClientId, ClientSecret = Emulator.ClientSecret }, LoopbackHandler());

        Assert.Empty(await connection.Commands.GetMailContactsAsync());
        var info = connection.Info;
        Assert.Equal(O365SignInMethod.ClientSecret, info.SignInMethod);
        Assert.Equal(Emulator.ClientId, info.ClientId);
        Assert.Null(info.UserPrincipalName);
        Assert.InRange(info.TokenExpiresOn!.Value, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.Equal(1, Emulator.Grants("client_secret"));
        // With authority validation and instance discovery off, MSAL went straight to the given host's
        // token endpoint (https): nothing asked login.microsoftonline.com (the loopback handler would
        // have sent that here too, to the wrong port).
        var signIn = Assert.Single(Emulator.Requests, r => r.Listener == "login");
        Assert.Equal($"/{Emulator.TenantId}/oauth2/v2.0/token", signIn.PathAndQuery);
        var presented = AdminRequests.Last().Authorization!["Bearer ".Length..];
        Assert.Equal(Emulator.ClientId, Claims(presented)["appid"].GetString());
        Assert.Equal(Emulator.TenantId, Claims(presented)["tid"].GetString());
    }

    [Fact]
    public async Task The_same_sign_in_gives_a_graph_token_that_exchange_refuses()
    {
        using var connection = await ExchangeOnlineConnection.ConnectAsync(Request() with { ClientId = Emulator.ClientId, ClientSecret = Emulator.ClientSecret }, LoopbackHandler());

        var graph = await connection.Tokens.GetTokenAsync(new AccessTokenRequest(connection.Environment.GraphScope), default);
        var exchange = await connection.Tokens.GetTokenAsync(new AccessTokenRequest(connection.Environment.Scope), default);

        Assert.Equal("https://graph.microsoft.com", Claims(graph)["aud"].GetString());
        Assert.Equal("https://outlook.office365.com", Claims(exchange)["aud"].GetString());
        Assert.Equal(2, Emulator.TokensIssuedByEndpoint); // the Exchange one came from MSAL's cache
        Assert.Equal(Emulator.FrontDoorBase, connection.Environment.AdminApiBase);
    }

    [Fact]
    public async Task A_wrong_secret_and_an_unknown_client_fail_at_connect_with_the_services_reason()
    {
        var wrong = await Assert.ThrowsAsync<AccessTokenException>(() =>
            ExchangeOnlineConnection.ConnectAsync(Request() with { ClientId = Emulator.ClientId, ClientSecret = "not-the-secret" }, LoopbackHandler()));
        var unknown = await Assert.ThrowsAsync<AccessTokenException>(() =>
            ExchangeOnlineConnection.ConnectAsync(Request() with { ClientId = "00000000-1111-2222-3333-444444444444", ClientSecret = Emulator.ClientSecret }, LoopbackHandler()));

        Assert.Equal(AccessTokenFailure.Refused, wrong.Reason);
        Assert.Equal("invalid_client", wrong.ErrorCode);
        Assert.Contains("AADSTS7000215", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", wrong.ToString(), StringComparison.Ordinal);
        Assert.Equal(AccessTokenFailure.Refused, unknown.Reason);
        Assert.Contains("AADSTS700016", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(0, Emulator.TokensIssuedByEndpoint);
    }

    [Fact]
    public async Task A_certificate_signs_a_client_assertion_the_emulator_verifies()
    {
        using var connection = await ExchangeOnlineConnection.ConnectAsync(Request() with { ClientId = Emulator.ClientId, Certificate = Emulator.ClientCertificate }, LoopbackHandler());

        Assert.Empty(await connection.Commands.GetMailContactsAsync());
        Assert.Equal(O365SignInMethod.Certificate, connection.Info.SignInMethod);
        Assert.Equal(Emulator.ClientCertificate.Thumbprint, connection.Info.CertificateThumbprint);
        Assert.Equal(1, Emulator.Grants("client_assertion"));
        var tokenRequest = Assert.Single(Emulator.Requests, r => r.PathAndQuery.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.Contains("client_assertion=", tokenRequest.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("client_secret", tokenRequest.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pfx_file_with_its_password_signs_in_and_a_wrong_password_names_the_file_only()
    {
        var directory = Directory.CreateTempSubdirectory("mj-signin-");
        try
        {
            var pfx = Path.Combine(directory.FullName, "app.pfx");
            await File.WriteAllBytesAsync(pfx, Emulator.ClientCertificatePfx);

            using (var connection = await ExchangeOnlineConnection.ConnectAsync(Request() with
            {
                ClientId = Emulator.ClientId, CertificatePath = pfx, CertificatePassword = Emulator.ClientCertificatePassword,
            }, LoopbackHandler()))
            {
                Assert.Empty(await connection.Commands.GetMailContactsAsync());
            }

            var e = await Assert.ThrowsAsync<AccessTokenException>(() => ExchangeOnlineConnection.ConnectAsync(Request() with
            {
                ClientId = Emulator.ClientId, CertificatePath = pfx, CertificatePassword = "Wr0ng-Pfx-Passw0rd",
            }, LoopbackHandler()));
            Assert.Equal(AccessTokenFailure.CertificateUnreadable, e.Reason);
            Assert.Contains(pfx, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Wr0ng-Pfx-Passw0rd", e.ToString(), StringComparison.Ordinal);

            var missing = await Assert.ThrowsAsync<AccessTokenException>(() => ExchangeOnlineConnection.ConnectAsync(Request() with
            {
                ClientId = Emulator.ClientId, CertificatePath = Path.Combine(directory.FullName, "missing.pfx"),
            }, LoopbackHandler()));
            Assert.Equal(AccessTokenFailure.CertificateUnreadable, missing.Reason);
            Assert.Contains("missing.pfx", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
        Assert.Equal(1, Emulator.Grants("client_assertion"));
    }

    [Fact]
    public async Task A_certificate_without_its_private_key_or_one_not_registered_is_refused()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(Emulator.ClientCertificate.RawData);
        var noKey = await Assert.ThrowsAsync<AccessTokenException>(() =>
            ExchangeOnlineConnection.ConnectAsync(Request() with { ClientId = Emulator.ClientId, Certificate = publicOnly }, LoopbackHandler()));
        Assert.Equal(AccessTokenFailure.CertificateWithoutPrivateKey, noKey.Reason);
        Assert.Contains(Emulator.ClientCertificate.Thumbprint, noKey.Message, StringComparison.Ordinal);

        using var rsa = RSA.Create(2048);
        using var other = new CertificateRequest("CN=not registered", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var unregistered = await Assert.ThrowsAsync<AccessTokenException>(() =>
            ExchangeOnlineConnection.ConnectAsync(Request() with { ClientId = Emulator.ClientId, Certificate = other }, LoopbackHandler()));
        Assert.Equal(AccessTokenFailure.Refused, unregistered.Reason);
        Assert.Contains("AADSTS700027", unregistered.Message, StringComparison.Ordinal);
        Assert.Equal(0, Emulator.TokensIssuedByEndpoint);
    }

    [Fact]
    public async Task A_thumbprint_that_is_in_no_store_is_CertificateNotFound()
    {
        var e = await Assert.ThrowsAsync<AccessTokenException>(() => ExchangeOnlineConnection.ConnectAsync(Request() with
        {
            ClientId = Emulator.ClientId, CertificateThumbprint = "00112233445566778899AABBCCDDEEFF00112233",
        }, LoopbackHandler()));
        Assert.Equal(AccessTokenFailure.CertificateNotFound, e.Reason);
        Assert.Contains("00112233445566778899AABBCCDDEEFF00112233", e.Message, StringComparison.Ordinal);
        Assert.Contains(@"CurrentUser\My", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Device_code_shows_the_code_waits_for_approval_and_signs_in_the_user()
    {
        var prompts = new List<DeviceCodePrompt>();
        var connect = ExchangeOnlineConnection.ConnectAsync(Request() with
        {
            ClientId = Emulator.ClientId,
            DeviceCode = true,
            DeviceCodePrompt = p =>
            {
                lock (prompts) prompts.Add(p);
                // What the user does on another device.
                Emulator.ApproveDeviceCode(p.UserCode);
            },
        }, LoopbackHandler());
        using var connection = await connect.WaitAsync(TimeSpan.FromSeconds(60));

        var prompt = Assert.Single(prompts);
        Assert.Contains(prompt.UserCode, prompt.Message, StringComparison.Ordinal);
        Assert.Equal(new Uri(Emulator.LoginBase, "/devicelogin"), prompt.VerificationUrl);
        var info = connection.Info;
        Assert.Equal(O365SignInMethod.DeviceCode, info.SignInMethod);
        Assert.Equal(Emulator.AdminUserPrincipalName, info.UserPrincipalName);
        Assert.NotNull(info.TokenExpiresOn);
        Assert.Empty(await connection.Commands.GetMailContactsAsync());
        // Delegated calls route by the user's mailbox.
        Assert.Equal("UPN:" + Emulator.AdminUserPrincipalName, AdminRequests.Last().Headers["X-AnchorMailbox"]);
        Assert.Equal(Emulator.AdminUserPrincipalName, Claims(AdminRequests.Last().Authorization!["Bearer ".Length..])["upn"].GetString());
    }

    [Fact]
    public async Task Device_code_polls_while_authorization_is_pending()
    {
        var shown = new TaskCompletionSource<DeviceCodePrompt>(TaskCreationOptions.RunContinuationsAsynchronously);
        var connect = ExchangeOnlineConnection.ConnectAsync(Request() with { ClientId = Emulator.ClientId, DeviceCode = true, DeviceCodePrompt = p => shown.TrySetResult(p) }, LoopbackHandler());
        var prompt = await shown.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Wait until MSAL has polled at least once and been told to keep polling.
        await WaitForAsync(() => Emulator.Requests.Any(r => r.PathAndQuery.EndsWith("/token", StringComparison.Ordinal) && r.StatusCode == 400));
        Assert.False(connect.IsCompleted);
        Assert.True(Emulator.ApproveDeviceCode(prompt.UserCode));
        using var connection = await connect.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Emulator.AdminUserPrincipalName, connection.Info.UserPrincipalName);
        Assert.Equal(1, Emulator.Grants("device_code"));
    }

    [Fact]
    public async Task A_declined_device_code_is_DeviceCodeDeclined()
    {
        var e = await Assert.ThrowsAsync<AccessTokenException>(() => ExchangeOnlineConnection.ConnectAsync(Request() with
        {
            ClientId = Emulator.ClientId, DeviceCode = true, DeviceCodePrompt = p => Emulator.DenyDeviceCode(p.UserCode),
        }, LoopbackHandler()).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(AccessTokenFailure.DeviceCodeDeclined, e.Reason);
        Assert.Equal(0, Emulator.TokensIssuedByEndpoint);
    }

    [Fact]
    public async Task An_expired_device_code_is_DeviceCodeExpired()
    {
        var e = await Assert.ThrowsAsync<AccessTokenException>(() => ExchangeOnlineConnection.ConnectAsync(Request() with
        {
            ClientId = Emulator.ClientId, DeviceCode = true, DeviceCodePrompt = p => Emulator.ExpireDeviceCode(p.UserCode),
        }, LoopbackHandler()).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(AccessTokenFailure.DeviceCodeExpired, e.Reason);
        Assert.Contains("-DeviceCode", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delegated_session_gets_later_tokens_and_graph_tokens_silently_from_the_refresh_token()
    {
        Emulator.TokenLifetimeSeconds = 120; // below MSAL's five-minute margin: every call renews
        using var connection = await ExchangeOnlineConnection.ConnectAsync(Request() with
        {
            ClientId = Emulator.ClientId, DeviceCode = true, DeviceCodePrompt = p => Emulator.ApproveDeviceCode(p.UserCode),
        }, LoopbackHandler()).WaitAsync(TimeSpan.FromSeconds(60));

        await connection.Commands.GetMailContactsAsync();
        var graph = await connection.Tokens.GetTokenAsync(new AccessTokenRequest(connection.Environment.GraphScope), default);

        Assert.Equal(1, Emulator.Grants("device_code"));
        Assert.True(Emulator.Grants("refresh_token") >= 2, $"refresh grants: {Emulator.Grants("refresh_token")}");
        Assert.Equal("https://graph.microsoft.com", Claims(graph)["aud"].GetString());
        Assert.Equal(Emulator.AdminUserPrincipalName, Claims(graph)["upn"].GetString());
    }

    [Fact]
    public async Task A_token_about_to_expire_is_renewed_before_use_and_a_long_lived_one_is_reused()
    {
        using var tokens = ClientCredentials();
        using var client = Client(tokens: tokens);
        await client.InvokeAsync("Get-TransportConfig");
        await client.InvokeAsync("Get-TransportConfig");
        Assert.Equal(1, Emulator.TokensIssuedByEndpoint);

        Emulator.TokenLifetimeSeconds = 120;
        await tokens.GetTokenAsync(new AccessTokenRequest("https://outlook.office365.com/.default", ForceRefresh: true), default);
        await client.InvokeAsync("Get-TransportConfig");
        await client.InvokeAsync("Get-TransportConfig");

        Assert.Equal(4, Emulator.TokensIssuedByEndpoint);
        Assert.All(AdminRequests, r => Assert.Equal(200, r.StatusCode)); // renewed before use: no 401
        Assert.Equal(3, AdminRequests.Select(r => r.Authorization).Distinct().Count());
    }

    [Fact]
    public async Task A_401_with_a_delegated_session_re_authenticates_silently_once()
    {
        using var connection = await ExchangeOnlineConnection.ConnectAsync(Request() with
        {
            ClientId = Emulator.ClientId, DeviceCode = true, DeviceCodePrompt = p => Emulator.ApproveDeviceCode(p.UserCode),
        }, LoopbackHandler()).WaitAsync(TimeSpan.FromSeconds(60));
        await connection.Commands.GetMailContactsAsync();
        Emulator.ExpireTokens();

        await connection.Commands.GetMailContactsAsync();

        Assert.Equal(new[] { 200, 401, 200 }, AdminRequests.Select(r => r.StatusCode));
        Assert.Equal(1, Emulator.Grants("refresh_token"));
        Assert.Equal(1, Emulator.Grants("device_code"));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(50, cts.Token);
        }
    }
}

[CollectionDefinition(nameof(ManagedIdentityCollection), DisableParallelization = true)]
public sealed class ManagedIdentityCollection;

/// <summary>
/// Managed identity, App Service style: MSAL finds IDENTITY_ENDPOINT and IDENTITY_HEADER in the
/// environment. Those are process-wide, so these tests run alone and restore them afterwards.
/// </summary>
[Collection(nameof(ManagedIdentityCollection))]
public sealed class ManagedIdentitySignInTests : EmulatorTestBase, IDisposable
{
    private readonly string? _endpoint = Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT");
    private readonly string? _header = Environment.GetEnvironmentVariable("IDENTITY_HEADER");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", _endpoint);
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", _header);
    }

    private async Task<ExchangeOnlineConnection> ConnectAsync(string? clientId)
    {
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", Emulator.ManagedIdentityEndpoint.ToString());
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", Emulator.ManagedIdentityHeader);
        return await ExchangeOnlineConnection.ConnectAsync(new ExchangeOnlineConnectionRequest(Emulator.TenantId, ExchangeCloud.Global)
        {
            ExchangeEndpoint = Emulator.FrontDoorBase,
            ManagedIdentity = true,
            ManagedIdentityClientId = clientId,
        }, LoopbackHandler());
    }

    [Fact]
    public async Task The_system_assigned_identity_signs_in_and_a_user_assigned_one_by_its_client_id()
    {
        using (var system = await ConnectAsync(null))
        {
            Assert.Empty(await system.Commands.GetMailContactsAsync());
            Assert.Equal(O365SignInMethod.ManagedIdentity, system.Info.SignInMethod);
            Assert.Null(system.Info.ClientId);
            Assert.NotNull(system.Info.TokenExpiresOn);
        }
        using (var user = await ConnectAsync(Emulator.UserAssignedClientId))
        {
            Assert.Empty(await user.Commands.GetMailContactsAsync());
            Assert.Equal(Emulator.UserAssignedClientId, user.Info.ClientId);
        }
        var identityRequests = Emulator.Requests.Where(r => r.PathAndQuery.StartsWith("/msi/token", StringComparison.Ordinal)).ToList();
        Assert.Contains(identityRequests, r => !r.PathAndQuery.Contains("client_id=", StringComparison.Ordinal) && r.StatusCode == 200);
        Assert.Contains(identityRequests, r => r.PathAndQuery.Contains("client_id=" + Emulator.UserAssignedClientId, StringComparison.Ordinal) && r.StatusCode == 200);
        Assert.All(identityRequests, r => Assert.Equal(Emulator.ManagedIdentityHeader, r.Headers["X-IDENTITY-HEADER"]));
        Assert.Contains(Emulator.IssuedTokens, t => Emulator.TokenInfo(t)?.ClientId == Emulator.SystemAssignedClientId);
    }

    [Fact]
    public async Task An_unknown_user_assigned_identity_is_ManagedIdentityUnavailable()
    {
        var e = await Assert.ThrowsAsync<AccessTokenException>(() => ConnectAsync("11111111-2222-3333-4444-555555555555"));
        Assert.Equal(AccessTokenFailure.ManagedIdentityUnavailable, e.Reason);
        Assert.Contains("-ManagedIdentityClientId", e.Message, StringComparison.Ordinal);
    }
}
