using System.Globalization;
using System.Text.Json;
using MimecastJournaling.Emulators.Mimecast;

// The Mimecast emulator on 127.0.0.1 (a free port), driven over stdin/stdout one line at a time.
// Commands (one answer line each):
//   state | requests | clear-requests | issued-tokens | tokens-issued | expire-tokens
//   token-lifetime <s|none> | list-key <key|bare> | create-answer <id|full|empty> | return-password <on|off>
//   page-limit <n> | next-page-field <dotted path> | subdomains-internal <on|off>
//   throttle <count> <resetMs> | remaining-zero <count> <resetMs> | fail-in-body <count> | error <count> <status> <code>
//   set-status <id|description> <ok|not_active|error> [queueSize] | change <id|description> <json> (behind the module's back)
//   publish-txt <domain> | add-internal <domain> | add-pending <domain> | quit
await using var emulator = await MimecastEmulator.StartAsync();
Console.Out.WriteLine(JsonSerializer.Serialize(new { emulator.Port, emulator.ClientId, emulator.ClientSecret }));
Console.Out.Flush();

string? line;
while ((line = Console.In.ReadLine()) is not null)
{
    var parts = line.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
    if (parts.Length == 0) continue;
    var rest = parts.Length == 2 ? parts[1].Trim() : "";
    var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    static int N(string s) => int.Parse(s, CultureInfo.InvariantCulture);
    static bool On(string s) => s.Equals("on", StringComparison.OrdinalIgnoreCase);
    string answer;
    try
    {
        switch (parts[0].ToLowerInvariant())
        {
            case "state": answer = emulator.Snapshot(); break;
            case "requests": answer = JsonSerializer.Serialize(emulator.Requests); break;
            case "clear-requests": emulator.ClearRequests(); answer = "ok"; break;
            case "issued-tokens": answer = JsonSerializer.Serialize(emulator.IssuedTokens); break;
            case "tokens-issued": answer = emulator.TokensIssued.ToString(CultureInfo.InvariantCulture); break;
            case "expire-tokens": emulator.ExpireTokens(); answer = "ok"; break;
            case "token-lifetime": emulator.TokenLifetimeSeconds = rest == "none" ? null : N(rest); answer = "ok"; break;
            case "list-key": emulator.ServiceListKey = rest == "bare" ? "" : rest; answer = "ok"; break;
            case "create-answer": emulator.CreateAnswer = rest; answer = "ok"; break;
            case "return-password": emulator.ReturnPassword = On(rest); answer = "ok"; break;
            case "page-limit": emulator.DomainPageLimit = N(rest); answer = "ok"; break;
            case "next-page-field": emulator.NextPageField = rest; answer = "ok"; break;
            case "subdomains-internal": emulator.SubdomainsOfInternalAreInternal = On(rest); answer = "ok"; break;
            case "throttle": emulator.ThrottleNext(N(words[0]), N(words[1])); answer = "ok"; break;
            case "remaining-zero": emulator.RemainingZeroNext(N(words[0]), N(words[1])); answer = "ok"; break;
            case "fail-in-body": emulator.FailInBodyNext(N(rest)); answer = "ok"; break;
            case "error": emulator.ErrorNext(N(words[0]), N(words[1]), words[2]); answer = "ok"; break;
            case "set-status":
            {
                // The description may hold spaces: the status (and an optional queue size) are the last words.
                var queue = words.Length >= 3 && int.TryParse(words[^1], out var q) ? q : (int?)null;
                var statusIndex = queue is null ? words.Length - 1 : words.Length - 2;
                var target = string.Join(' ', words[..statusIndex]);
                answer = emulator.SetStatus(target, words[statusIndex], queue) ? "ok" : "error: no service " + target;
                break;
            }
            case "change":
            {
                var brace = rest.IndexOf('{', StringComparison.Ordinal);
                var target = rest[..brace].Trim();
                answer = emulator.ChangeService(target, rest[brace..]) ? "ok" : "error: no service " + target;
                break;
            }
            case "publish-txt": emulator.PublishTxt(rest); answer = "ok"; break;
            case "add-internal": emulator.AddInternalDomain(rest); answer = "ok"; break;
            case "add-pending": emulator.AddPendingDomain(rest); answer = "ok"; break;
            case "quit":
                Console.Out.WriteLine("bye");
                Console.Out.Flush();
                return 0;
            default: answer = "error: unknown command '" + parts[0] + "'"; break;
        }
    }
    catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentException or JsonException)
    {
        answer = "error: " + e.Message;
    }
    Console.Out.WriteLine(answer);
    Console.Out.Flush();
}
return 0;
