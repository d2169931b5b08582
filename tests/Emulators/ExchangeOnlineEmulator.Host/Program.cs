using System.Text.Json;
using MimecastJournaling.Emulators.ExchangeOnline;

// The emulator on 127.0.0.1 (free ports), driven over stdin/stdout one line at a time.
await using var emulator = await ExchangeOnlineEmulator.StartAsync();
Console.Out.WriteLine(JsonSerializer.Serialize(new
{
    emulator.FrontDoorPort,
    emulator.RegionalPort,
    emulator.TenantId,
    emulator.InitialDomain,
    emulator.ClientId,
    emulator.ClientSecret,
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
