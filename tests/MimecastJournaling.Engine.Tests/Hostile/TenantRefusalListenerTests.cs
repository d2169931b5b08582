using MailKit.Net.Smtp;
using MimeKit;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Tests.Listener;
using MimecastJournaling.Engine.Tests.Parsing;

namespace MimecastJournaling.Engine.Tests.Hostile;

/// <summary>Issue 15 item 1 over SMTP (MailKit on 127.0.0.1): a foreign tenant's report is refused with 550 5.7.1 at the end of DATA.</summary>
public sealed class TenantRefusalListenerTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private readonly ListenerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static MimeMessage Stamped(string tenant) =>
        MimeMessage.Load(new MemoryStream(HostileMessages.Stamped(Fixtures.Report("synthetic-bifurcated-fork1.eml"), tenant)));

    [Fact]
    public async Task A_report_from_another_tenant_gets_550_5_7_1_and_nothing_is_spooled_and_the_bound_tenant_gets_250()
    {
        _h.Define("EXO", Service, s => s with { TenantId = [HostileMessages.TenantA] });
        await _h.StartAsync();

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => _h.SendWithMailKitAsync(Stamped(HostileMessages.TenantB), Service));
        Assert.Equal(550, (int)refused.StatusCode);
        Assert.Contains("5.7.1", refused.Message + " " + refused.StatusCode);
        Assert.Equal(1, _h.Listener!.Counters.Snapshot().Refused[RefusalReason.ForeignTenant]);
        Assert.Equal(0, _h.Spool.Count());

        var accepted = await _h.SendWithMailKitAsync(Stamped(HostileMessages.TenantA), Service);
        Assert.StartsWith("2.0.0 Queued as ", accepted);
        await ListenerHarness.WaitUntilAsync(() => _h.Archive.GetMessages(new()).Count == 1, "the bound tenant's report is archived");
    }

    [Fact]
    public async Task A_large_report_is_checked_from_its_staging_file()
    {
        _h.Define("EXO", Service, s => s with { TenantId = [HostileMessages.TenantA] });
        await _h.StartAsync();
        var message = Stamped(HostileMessages.TenantB);
        // Over the 1 MB that stays in memory: the content is staged in a file.
        message.Headers.Add("X-Padding", new string('p', 900));
        var big = new MimeMessage(message.Headers.Where(h => h.Field != "Content-Type"));
        big.Body = new TextPart("plain") { Text = string.Join("\r\n", Enumerable.Repeat(new string('x', 70), 20_000)) };

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => _h.SendWithMailKitAsync(big, Service));

        Assert.Equal(550, (int)refused.StatusCode);
        Assert.Equal(0, _h.Spool.Count());
    }
}
