using System.Text;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Tests.Listener;

namespace MimecastJournaling.Engine.Tests.Hostile;

/// <summary>Issue 15 items 3, 5 and 7 (command lines, slow and greedy clients), with raw sockets on 127.0.0.0/8.</summary>
public sealed class SessionLimitTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private readonly ListenerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task StartAsync(Func<ListenerOptions, ListenerOptions>? change = null)
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false, SourceIpRange = ["127.0.0.0/8"] });
        await _h.StartAsync(change);
    }

    private async Task<RawSmtpClient> GreetedAsync(System.Net.IPAddress? from = null)
    {
        var client = await RawSmtpClient.ConnectAsync(_h.Port, from);
        Assert.StartsWith("220 ", await client.ReplyAsync());
        await client.SendAsync("EHLO probe.example\r\n");
        Assert.StartsWith("250 ", await client.ReplyAsync());
        return client;
    }

    [Fact]
    public async Task A_command_line_over_512_octets_is_answered_500_and_the_session_goes_on()
    {
        await StartAsync();
        await using var client = await GreetedAsync();

        await client.SendAsync("NOOP " + new string('x', 600) + "\r\n");
        Assert.StartsWith("500 5.5.2 Line too long", await client.ReplyAsync());
        await client.SendAsync("MAIL FROM:<postmaster@contoso.com>\r\n");
        Assert.StartsWith("250", await client.ReplyAsync());
        Assert.Equal(1, _h.Listener!.Counters.Snapshot().Refused[RefusalReason.LineTooLong]);
    }

    [Fact]
    public async Task Megabytes_without_a_line_end_are_thrown_away_as_they_arrive_then_421_and_closed_after_three()
    {
        await StartAsync();
        await using var client = await GreetedAsync();
        var chunk = Encoding.ASCII.GetBytes(new string('A', 64 * 1024));

        // 4 MB with no CRLF: answered 500 once the line passes the limit, the rest is discarded.
        for (var i = 0; i < 64; i++)
        {
            await client.SendAsync(chunk);
        }
        Assert.StartsWith("500 5.5.2", await client.ReplyAsync());
        await client.SendAsync("\r\n" + new string('B', 1000) + "\r\n");
        Assert.StartsWith("500 5.5.2", await client.ReplyAsync());
        await client.SendAsync(new string('C', 1000) + "\r\n");
        Assert.StartsWith("421 4.7.0", await client.ReplyAsync());
        Assert.True(await client.ClosedAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task An_AUTH_line_may_be_longer_than_512_octets()
    {
        await StartAsync();
        await using var client = await GreetedAsync();

        await client.SendAsync("AUTH PLAIN " + new string('A', 2000) + "\r\n");
        var reply = await client.ReplyAsync();
        Assert.DoesNotContain("Line too long", reply);
    }

    [Fact]
    public async Task A_command_that_trickles_in_slower_than_the_command_timeout_gets_421_not_221()
    {
        await StartAsync(o => o with { CommandTimeout = TimeSpan.FromSeconds(2) });
        await using var client = await GreetedAsync();

        // One byte at a time, never completing the line within the timeout.
        string? reply = null;
        var waiting = client.ReplyAsync(TimeSpan.FromSeconds(20));
        foreach (var b in "MAIL FROM:<postmaster@contoso.com>")
        {
            if (waiting.IsCompleted)
            {
                break;
            }
            try
            {
                await client.SendAsync(b.ToString());
            }
            catch (IOException)
            {
                break;
            }
            await Task.Delay(200);
        }
        reply = await waiting;
        Assert.StartsWith("421 4.4.2", reply);
        Assert.True(await client.ClosedAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, _h.Listener!.Counters.Snapshot().Refused[RefusalReason.Timeout]);
    }

    [Fact]
    public async Task Eight_bit_envelope_addresses_need_SMTPUTF8()
    {
        await StartAsync();
        await using var client = await GreetedAsync();

        await client.SendAsync("MAIL FROM:<jörg@contoso.com>\r\n");
        Assert.StartsWith("553 5.6.7", await client.ReplyAsync());
        await client.SendAsync("MAIL FROM:<jörg@contoso.com> SMTPUTF8\r\n");
        Assert.StartsWith("250", await client.ReplyAsync());
        await client.SendAsync("RCPT TO:<jörg@journal.contoso.com>\r\n");
        // Past the 8-bit check (the transaction has SMTPUTF8): an unknown recipient, not 553.
        Assert.StartsWith("550 5.1.1", await client.ReplyAsync());
    }

    [Fact]
    public async Task One_address_cannot_take_every_slot_another_address_still_gets_in_and_the_global_cap_answers_421()
    {
        await StartAsync(o => o with { MaxConnectionsPerSource = 3, MaxConnections = 5 });
        var held = new List<RawSmtpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                held.Add(await GreetedAsync());
            }
            await using (var fourth = await RawSmtpClient.ConnectAsync(_h.Port))
            {
                Assert.StartsWith("421 4.7.0 journal.test too many connections from your address", await fourth.ReplyAsync());
            }
            held.Add(await GreetedAsync(ListenerHarness.OtherLoopback));
            held.Add(await GreetedAsync(ListenerHarness.OtherLoopback));
            await using (var overCap = await RawSmtpClient.ConnectAsync(_h.Port, System.Net.IPAddress.Parse("127.0.0.3")))
            {
                Assert.StartsWith("421 4.7.0 journal.test too many connections,", await overCap.ReplyAsync());
            }
            Assert.Equal(1, _h.Listener!.Counters.Snapshot().Refused[RefusalReason.TooManyConnectionsFromSource]);
        }
        finally
        {
            foreach (var client in held)
            {
                await client.DisposeAsync();
            }
        }
        // Released slots are given again.
        await ListenerHarness.WaitUntilAsync(() => _h.Listener!.Counters.ConnectionsOpen == 0, "the connections are released");
        await using var again = await GreetedAsync();
    }

    [Fact]
    public async Task DATA_slower_than_the_minimum_rate_is_cut_with_421_and_nothing_is_spooled()
    {
        await StartAsync(o => o with { MinimumDataRate = 10_000, MinimumDataRateGrace = TimeSpan.FromSeconds(1) });
        await using var client = await GreetedAsync();
        await client.SendAsync("MAIL FROM:<postmaster@contoso.com>\r\n");
        Assert.StartsWith("250", await client.ReplyAsync());
        await client.SendAsync($"RCPT TO:<{Service}>\r\n");
        Assert.StartsWith("250", await client.ReplyAsync());
        await client.SendAsync("DATA\r\n");
        Assert.StartsWith("354", await client.ReplyAsync());

        // About 300 bytes per second, far under 10,000.
        var waiting = client.ReplyAsync(TimeSpan.FromSeconds(20));
        for (var i = 0; i < 40 && !waiting.IsCompleted; i++)
        {
            try
            {
                await client.SendAsync("Subject: slow " + new string('s', 50) + "\r\n");
            }
            catch (IOException)
            {
                break;
            }
            await Task.Delay(200);
        }
        Assert.StartsWith("421 4.4.2 journal.test message data too slow", await waiting);
        Assert.True(await client.ClosedAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, _h.Spool.Count());
    }

    [Fact]
    public async Task DATA_after_every_RCPT_was_refused_is_554_and_the_session_goes_on()
    {
        await StartAsync();
        await using var client = await GreetedAsync();
        await client.SendAsync("MAIL FROM:<postmaster@contoso.com>\r\n");
        Assert.StartsWith("250", await client.ReplyAsync());
        await client.SendAsync("RCPT TO:<nobody@journal.contoso.com>\r\n");
        Assert.StartsWith("550 5.1.1", await client.ReplyAsync());

        await client.SendAsync("DATA\r\n");
        Assert.StartsWith("554 5.5.1 No valid recipients", await client.ReplyAsync());
        await client.SendAsync($"RCPT TO:<{Service}>\r\n");
        Assert.StartsWith("250", await client.ReplyAsync());
        await client.SendAsync("DATA\r\n");
        Assert.StartsWith("354", await client.ReplyAsync());
    }
}
