using System.Text.Json;
using MimecastJournaling.Emulators.ExchangeOnline;

// The emulator on 127.0.0.1 (free ports), driven over stdin/stdout one line at a time.
await using var emulator = await ExchangeOnlineEmulator.StartAsync();
// The files a child process needs: the CA to trust (SSL_CERT_FILE) and the app's certificate.
var files = Directory.CreateTempSubdirectory("mj-exo-emulator-");
var caPem = emulator.WriteCertificateAuthorityPem(Path.Combine(files.FullName, "emulator-ca.pem"));
var clientPfx = Path.Combine(files.FullName, "emulator-app.pfx");
File.WriteAllBytes(clientPfx, emulator.ClientCertificatePfx);
var clientCer = Path.Combine(files.FullName, "emulator-app.cer");
File.WriteAllText(clientCer, emulator.ClientCertificate.ExportCertificatePem() + "\n");
try
{
    Console.Out.WriteLine(JsonSerializer.Serialize(new
    {
        emulator.FrontDoorPort,
        emulator.RegionalPort,
        emulator.LoginPort,
        emulator.TenantId,
        emulator.InitialDomain,
        emulator.ClientId,
        emulator.ClientSecret,
        CertificateAuthorityPath = caPem,
        ClientCertificatePath = clientPfx,
        ClientCertificatePublicPath = clientCer,
        emulator.ClientCertificatePassword,
        ClientCertificateThumbprint = emulator.ClientCertificate.Thumbprint,
        ManagedIdentityEndpoint = emulator.ManagedIdentityEndpoint.ToString(),
        emulator.ManagedIdentityHeader,
        emulator.SystemAssignedClientId,
        emulator.UserAssignedClientId,
        emulator.AdminUserPrincipalName,
    }));
    Console.Out.Flush();

    string? line;
    while ((line = Console.In.ReadLine()) is not null)
    {
        var parts = line.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) continue;
        string answer;
        switch (parts[0].ToLowerInvariant())
        {
            case "token":
                answer = emulator.IssueToken();
                break;
            case "deny" when parts.Length == 2:
                lock (emulator.State) emulator.State.DeniedCmdlets.Add(parts[1]);
                answer = "ok";
                break;
            case "allow" when parts.Length == 2:
                lock (emulator.State) emulator.State.DeniedCmdlets.Remove(parts[1]);
                answer = "ok";
                break;
            case "tokens-issued":
                answer = emulator.TokensIssuedByEndpoint.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case "issued-tokens":
                // Every access token issued, as one JSON array (tests search output for them).
                answer = JsonSerializer.Serialize(emulator.IssuedTokens);
                break;
            case "grants" when parts.Length == 2:
                answer = emulator.Grants(parts[1]).ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case "token-lifetime" when parts.Length == 2 && int.TryParse(parts[1], out var seconds):
                emulator.TokenLifetimeSeconds = seconds;
                answer = "ok";
                break;
            case "expire-tokens":
                emulator.ExpireTokens();
                answer = "ok";
                break;
            case "device-codes":
                // Pending user codes, oldest first, space-separated ("" when none).
                answer = string.Join(' ', emulator.DeviceCodes.Where(d => d.State == "pending").Select(d => d.UserCode));
                break;
            case "approve" when parts.Length == 2:
                answer = emulator.ApproveDeviceCode(parts[1]) ? "ok" : "error: no pending code " + parts[1];
                break;
            case "decline" when parts.Length == 2:
                answer = emulator.DenyDeviceCode(parts[1]) ? "ok" : "error: no pending code " + parts[1];
                break;
            case "expire-code" when parts.Length == 2:
                answer = emulator.ExpireDeviceCode(parts[1]) ? "ok" : "error: no pending code " + parts[1];
                break;
            case "quit":
                Console.Out.WriteLine("bye");
                Console.Out.Flush();
                return 0;
            default:
                answer = "error: unknown command '" + parts[0] + "'";
                break;
        }
        Console.Out.WriteLine(answer);
        Console.Out.Flush();
    }
    return 0;
}
finally
{
    files.Delete(recursive: true);
}
