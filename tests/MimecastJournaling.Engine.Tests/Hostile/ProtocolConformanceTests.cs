using System.Text;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Tests.Listener;

namespace MimecastJournaling.Engine.Tests.Hostile;

/// <summary>
/// Issue 15 item 7, the protocol points the probe found off, over a raw socket (with TLS where
/// the point needs it): STARTTLS resets the session (RFC 3207 4.2), AUTH answers one reply per
/// command with 501 for a malformed answer and for "*", 504 for an unknown mechanism (RFC 4954 4),
/// the fifth bad command is answered 421 before the close, and a definition's StatusReason quotes
/// the reply the sender got.
/// </summary>
public sealed class ProtocolConformanceTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private readonly ListenerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task StartAsync(Func<DefinitionSettings, DefinitionSettings>? change = null)
    {
        _h.Define("Plain", Service, s => (change ?? (x => x))(s with { Encrypted = false, SourceIpRange = ["127.0.0.0/8"] }));
        await _h.StartAsync();
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private async Task<RawSmtpClient> GreetedAsync()
    {
        var client = await RawSmtpClient.ConnectAsync(_h.Port);
        Assert.StartsWith("220 ", await client.ReplyAsync());
        await client.SendAsync("EHLO probe.example\r\n");
        Assert.StartsWith("250 ", await client.ReplyAsync());
        return client;
    }

    /// <summary>Greeted, STARTTLS, and EHLO again over TLS: where AUTH is offered.</summary>
    private async Task<RawSmtpClient> SecuredAsync()
    {
        var client = await GreetedAsync();
        await client.SendAsync("STARTTLS\r\n");
        Assert.StartsWith("220 ", await client.ReplyAsync());
        await client.StartTlsAsync(_h.Certificate);
        await client.SendAsync("EHLO probe.example\r\n");
        Assert.StartsWith("250 ", await client.ReplyAsync());
        return client;
    }

    /// <summary>NOOP answered 250 right away: the replies are still in step with the commands.</summary>
    private static async Task AssertInStepAsync(RawSmtpClient client)
    {
        await client.SendAsync("NOOP\r\n");
        Assert.StartsWith("250 ", await client.ReplyAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task After_STARTTLS_MAIL_needs_a_new_EHLO_and_nothing_from_before_TLS_is_kept()
    {
        await StartAsync();
        await using var client = await GreetedAsync();
        await client.SendAsync("STARTTLS\r\n");
        Assert.StartsWith("220 ", await client.ReplyAsync());
        await client.StartTlsAsync(_h.Certificate);

        await client.SendAsync("MAIL FROM:<postmaster@contoso.com>\r\n");
        Assert.StartsWith("503 5.5.1", await client.ReplyAsync());
        await client.SendAsync($"RCPT TO:<{Service}>\r\n");
        Assert.StartsWith("503 5.5.1", await client.ReplyAsync());
        await client.SendAsync("AUTH PLAIN " + Base64("\0exchange\0x") + "\r\n");
        Assert.StartsWith("503 5.5.1", await client.ReplyAsync());

        await client.SendAsync("EHLO probe.example\r\n");
        Assert.StartsWith("250 ", await client.ReplyAsync());
        // The new EHLO starts afresh: RCPT still needs a MAIL first (503, RFC 5321 4.2.4).
        await client.SendAsync($"RCPT TO:<{Service}>\r\n");
        Assert.StartsWith("503 5.5.1 Bad sequence of commands", await client.ReplyAsync());
        await client.SendAsync("MAIL FROM:<postmaster@contoso.com>\r\n");
        Assert.StartsWith("250 ", await client.ReplyAsync());
        await client.SendAsync($"RCPT TO:<{Service}>\r\n");
        Assert.StartsWith("250 ", await client.ReplyAsync());
    }

    [Fact]
    public async Task After_STARTTLS_an_EHLO_the_listener_refuses_does_not_count_as_the_new_EHLO()
    {
        await StartAsync();
        await using var client = await GreetedAsync();
        await client.SendAsync("STARTTLS\r\n");
        Assert.StartsWith("220 ", await client.ReplyAsync());
        await client.StartTlsAsync(_h.Certificate);

        await client.SendAsync("EHLO\r\n");
        Assert.StartsWith("50", await client.ReplyAsync());
        await client.SendAsync("MAIL FROM:<postmaster@contoso.com>\r\n");
        Assert.StartsWith("503 5.5.1 Send EHLO again after STARTTLS", await client.ReplyAsync());
        await client.SendAsync("EHLO probe.example\r\n");
        Assert.StartsWith("250 ", await client.ReplyAsync());
        await client.SendAsync("MAIL FROM:<postmaster@contoso.com>\r\n");
        Assert.StartsWith("250 ", await client.ReplyAsync());
    }

    [Fact]
    public async Task An_unknown_AUTH_mechanism_is_504_and_the_session_goes_on()
    {
        await StartAsync();
        await using var client = await SecuredAsync();

        await client.SendAsync("AUTH CRAM-MD5\r\n");
        Assert.StartsWith("504 5.5.4", await client.ReplyAsync());
        await AssertInStepAsync(client);
    }

    [Theory]
    [InlineData("!!not-base64!!")]
    [InlineData("AGV4Y2hhbmdl")] // "\0exchange": no second NUL, so no password
    [InlineData("ZXhjaGFuZ2VwYXNzd29yZA==")] // "exchangepassword": no NUL at all
    [InlineData("AGV4Y2")] // truncated base64
    public async Task A_malformed_AUTH_PLAIN_initial_response_gets_one_501_and_the_replies_stay_in_step(string initial)
    {
        await StartAsync();
        await using var client = await SecuredAsync();

        await client.SendAsync($"AUTH PLAIN {initial}\r\n");
        Assert.StartsWith("501 5.5.2", await client.ReplyAsync());
        await AssertInStepAsync(client);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task A_star_cancels_the_AUTH_exchange_with_501_and_the_session_goes_on(string mechanism)
    {
        await StartAsync();
        await using var client = await SecuredAsync();

        await client.SendAsync($"AUTH {mechanism}\r\n");
        Assert.StartsWith("334", await client.ReplyAsync());
        await client.SendAsync("*\r\n");
        Assert.StartsWith("501 5.7.0", await client.ReplyAsync());
        await AssertInStepAsync(client);
    }

    [Fact]
    public async Task Bad_base64_in_an_AUTH_LOGIN_answer_is_501_and_the_session_goes_on()
    {
        await StartAsync();
        await using var client = await SecuredAsync();

        await client.SendAsync("AUTH LOGIN\r\n");
        Assert.StartsWith("334", await client.ReplyAsync());
        await client.SendAsync("%%%\r\n");
        Assert.StartsWith("501 5.5.2", await client.ReplyAsync());
        await AssertInStepAsync(client);
    }

    [Fact]
    public async Task AUTH_LOGIN_and_PLAIN_exchanges_still_authenticate_and_a_wrong_password_gets_one_535()
    {
        await StartAsync(s => s with { SmtpCredential = ListenerHarness.Credential() });
        await using var client = await SecuredAsync();

        await client.SendAsync("AUTH LOGIN\r\n");
        Assert.Equal("334 VXNlcm5hbWU6", await client.ReplyAsync());
        await client.SendAsync(Base64(ListenerHarness.SmtpUser) + "\r\n");
        Assert.Equal("334 UGFzc3dvcmQ6", await client.ReplyAsync());
        await client.SendAsync(Base64("wrong") + "\r\n");
        Assert.StartsWith("535 5.7.8", await client.ReplyAsync());
        await AssertInStepAsync(client);

        await client.SendAsync("AUTH PLAIN\r\n");
        Assert.StartsWith("334", await client.ReplyAsync());
        await client.SendAsync(Base64($"\0{ListenerHarness.SmtpUser}\0{ListenerHarness.SmtpPassword}") + "\r\n");
        Assert.StartsWith("235 2.7.0", await client.ReplyAsync());
        await client.SendAsync("MAIL FROM:<postmaster@contoso.com>\r\n");
        Assert.StartsWith("250 ", await client.ReplyAsync());
        await client.SendAsync($"RCPT TO:<{Service}>\r\n");
        Assert.StartsWith("250 ", await client.ReplyAsync());
    }

    [Fact]
    public async Task A_long_AUTH_PLAIN_initial_response_is_read_and_answered_once()
    {
        await StartAsync(s => s with { SmtpCredential = ListenerHarness.Credential() });
        await using var client = await SecuredAsync();

        // 3,000 octets of password, far over the 512 of a command line, under AUTH's 12,288.
        await client.SendAsync("AUTH PLAIN " + Base64($"\0{ListenerHarness.SmtpUser}\0" + new string('p', 3000)) + "\r\n");
        Assert.StartsWith("535 5.7.8", await client.ReplyAsync());
        await AssertInStepAsync(client);
    }

    [Fact]
    public async Task The_fifth_bad_command_is_answered_421_and_the_connection_closed()
    {
        await StartAsync();
        await using var client = await GreetedAsync();

        for (var i = 1; i <= 4; i++)
        {
            await client.SendAsync($"BOGUS{i}\r\n");
            Assert.StartsWith("50", await client.ReplyAsync());
        }
        await client.SendAsync("BOGUS5\r\n");
        Assert.StartsWith("421 4.7.0", await client.ReplyAsync());
        Assert.True(await client.ClosedAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Good_commands_in_between_do_not_reset_the_count_of_bad_ones_but_a_new_session_starts_at_zero()
    {
        await StartAsync();
        await using (var client = await GreetedAsync())
        {
            for (var i = 1; i <= 4; i++)
            {
                await client.SendAsync($"BOGUS{i}\r\n");
                Assert.StartsWith("50", await client.ReplyAsync());
                await AssertInStepAsync(client);
            }
            await client.SendAsync("BOGUS5\r\n");
            Assert.StartsWith("421 4.7.0", await client.ReplyAsync());
        }
        await using var again = await GreetedAsync();
        await again.SendAsync("BOGUS\r\n");
        Assert.StartsWith("50", await again.ReplyAsync());
        await AssertInStepAsync(again);
    }

    [Fact]
    public async Task The_StatusReason_quotes_the_reply_the_sender_got()
    {
        await StartAsync(s => s with { Encrypted = true });
        string? reply = null;
        for (var i = 0; i < 3; i++)
        {
            await using var client = await GreetedAsync();
            await client.SendAsync("MAIL FROM:<postmaster@contoso.com>\r\n");
            Assert.StartsWith("250 ", await client.ReplyAsync());
            await client.SendAsync($"RCPT TO:<{Service}>\r\n");
            reply = await client.ReplyAsync();
            Assert.StartsWith("530 ", reply);
        }
        var definition = _h.Temp.Configuration.GetDefinition("Plain");
        Assert.Equal(JournalStatus.Error, definition.Status);
        Assert.Contains($"\"{reply}\"", definition.StatusReason);
    }

    [Fact]
    public async Task The_StatusReason_of_a_wrong_password_quotes_the_535_the_sender_got()
    {
        await StartAsync(s => s with { SmtpCredential = ListenerHarness.Credential() });
        string? reply = null;
        for (var i = 0; i < 3; i++)
        {
            await using var client = await SecuredAsync();
            await client.SendAsync("AUTH PLAIN " + Base64($"\0{ListenerHarness.SmtpUser}\0wrong-{i}") + "\r\n");
            reply = await client.ReplyAsync();
            Assert.StartsWith("535 ", reply);
        }
        var definition = _h.Temp.Configuration.GetDefinition("Plain");
        Assert.Equal(JournalStatus.Error, definition.Status);
        Assert.Contains($"\"{reply}\"", definition.StatusReason);
    }
}
