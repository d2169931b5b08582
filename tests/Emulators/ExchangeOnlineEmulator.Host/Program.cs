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
            // Microsoft Graph: tokens, the 403 switch, and the directory the tests change between syncs.
            case "graph-token":
                answer = emulator.IssueGraphToken();
                break;
            case "graph-deny":
                emulator.Graph.Forbidden = true;
                answer = "ok";
                break;
            case "graph-allow":
                emulator.Graph.Forbidden = false;
                answer = "ok";
                break;
            case "graph-page-delay" when parts.Length == 2:
                emulator.Graph.UserPageDelay = TimeSpan.FromMilliseconds(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                answer = "ok";
                break;
            case "graph-seed" when parts.Length == 2:
                emulator.Graph.SeedUsers(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                answer = "ok";
                break;
            case "graph-add-user" when parts.Length == 2:
            {
                // graph-add-user <upn> <mail> <proxy,proxy,…>
                var a = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                emulator.Graph.AddUser(a[0], a[0], a.Length > 1 ? a[1] : null, a.Length > 2 ? a[2].Split(',') : Array.Empty<string>());
                answer = "ok";
                break;
            }
            case "graph-set-proxy" when parts.Length == 2:
            {
                // graph-set-proxy <upn> <proxy,proxy,…>
                var a = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                emulator.Graph.SetProxyAddresses(a[0], a.Length > 1 ? a[1].Split(',') : Array.Empty<string>());
                answer = "ok";
                break;
            }
            case "graph-remove-user" when parts.Length == 2:
                emulator.Graph.RemoveUser(parts[1].Trim());
                answer = "ok";
                break;
            case "graph-expire-delta":
                emulator.Graph.ExpireDeltaTokens();
                answer = "ok";
                break;
            case "graph-users":
                answer = JsonSerializer.Serialize(emulator.Graph.Users.Select(u => new { u.Id, u.UserPrincipalName, u.Mail, u.ProxyAddresses, u.AccountEnabled }));
                break;
            case "graph-domains":
                answer = JsonSerializer.Serialize(emulator.Graph.Domains);
                break;
            // Changes behind the module's back, and what the module sent (issue 5 seed-procedure tests).
            case "exec" when parts.Length == 2:
                answer = Exec(emulator.State, parts[1]);
                break;
            case "executed":
                answer = JsonSerializer.Serialize(emulator.State.ExecutedCmdlets());
                break;
            case "clear-executed":
                emulator.State.ClearExecuted();
                answer = "ok";
                break;
            case "state":
                answer = emulator.State.Snapshot();
                break;
            case "set-ndr" when parts.Length == 2:
                // JournalingReportNdrTo as an older setting may have left it, without Set-TransportConfig's checks.
                emulator.State.Change(s => s.TransportConfig["JournalingReportNdrTo"] = parts[1]);
                answer = "ok";
                break;
            case "unreachable" when parts.Length == 2:
                emulator.State.Change(s => s.UnreachableSmartHosts.Add(parts[1]));
                answer = "ok";
                break;
            case "reachable" when parts.Length == 2:
                emulator.State.Change(s => s.UnreachableSmartHosts.Remove(parts[1]));
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

// "exec <Cmdlet> [<json parameters>]": runs an Exchange cmdlet on the state directly (no HTTP), and
// answers "ok <json objects>" or "error <ExId>|<Type>|<Text>" on one line.
static string Exec(EmulatorState state, string text)
{
    var parts = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    using var parameters = JsonDocument.Parse(parts.Length == 2 ? parts[1] : "{}");
    var outcome = state.Execute(parts[0], parameters.RootElement.Clone());
    if (outcome.Forbidden) return "error 403";
    if (outcome.Error is { } e) return $"error {e.ExId}|{e.Type}|{e.Text}";
    return "ok " + JsonSerializer.Serialize(outcome.Objects);
}
