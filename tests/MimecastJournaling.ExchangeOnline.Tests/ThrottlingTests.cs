using System.Diagnostics;
using MimecastJournaling.ExchangeOnline;

namespace MimecastJournaling.ExchangeOnline.Tests;

public sealed class ThrottlingTests : EmulatorTestBase
{
    [Fact]
    public async Task A_429_is_retried_after_Retry_After_and_then_succeeds()
    {
        Emulator.ThrottleNext(2, retryAfterSeconds: 1);
        using var client = Client();
        var clock = Stopwatch.StartNew();

        var result = await client.InvokeAsync("Get-AcceptedDomain");

        clock.Stop();
        Assert.Equal(2, result.Objects.Count);
        Assert.Equal(new[] { 429, 429, 200 }, AdminRequests.Select(r => r.StatusCode));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"waited only {clock.Elapsed}");
        var retries = Events.Where(e => e.Kind == ExchangeCommandEventKind.Retrying).ToList();
        Assert.Equal(2, retries.Count);
        Assert.All(retries, r => Assert.Equal(TimeSpan.FromSeconds(1), r.Delay));
    }

    [Fact]
    public async Task The_per_tenant_concurrency_message_is_retried_with_back_off()
    {
        Emulator.ConcurrencyLimitNext(2, statusCode: 500);
        using var client = Client();

        var config = await new ExchangeJournalingCommands(client).GetTransportConfigAsync();

        Assert.Null(config.JournalingReportNdrTo);
        Assert.Equal(new[] { 500, 500, 200 }, AdminRequests.Select(r => r.StatusCode));
        var delays = Events.Where(e => e.Kind == ExchangeCommandEventKind.Retrying).Select(e => e.Delay!.Value).ToList();
        Assert.Equal(2, delays.Count);
        Assert.True(delays[1] >= delays[0] * 1.5, "the second wait is longer");
        Assert.All(delays, d => Assert.True(d <= TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task When_retries_run_out_the_call_fails_as_Throttled()
    {
        Emulator.ThrottleNext(10, retryAfterSeconds: 0);
        using var client = Client(o => o.MaxRetries = 2);

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Get-JournalRule"));

        Assert.Equal(ExchangeErrorCategory.Throttled, e.Category);
        Assert.Equal(3, e.Attempts);
        Assert.Equal(3, AdminRequests.Count);
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_limit_is_not_waited_for()
    {
        Emulator.ThrottleNext(1, retryAfterSeconds: 3600);
        using var client = Client(o => o.MaxRetryAfter = TimeSpan.FromSeconds(30));

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("Get-JournalRule"));

        Assert.Equal(ExchangeErrorCategory.Throttled, e.Category);
        Assert.Equal(TimeSpan.FromHours(1), e.RetryAfter);
        Assert.Single(AdminRequests);
    }

    [Fact]
    public async Task A_New_that_went_through_despite_the_error_is_re_read_not_repeated()
    {
        Emulator.FailAfterExecuteNext(1); // the contact is created, but the answer is the concurrency error
        using var client = Client();

        var contact = await new ExchangeJournalingCommands(client).NewMailContactAsync(new NewMailContactRequest("Archive journal", "journal@archive.example"));

        Assert.Equal("Archive journal", contact.Name);
        Assert.Equal("journal@archive.example", contact.ExternalEmailAddress);
        Assert.Single(Emulator.State.MailContacts);
        var cmdlets = Emulator.State.Executed.Select(x => x.Cmdlet).ToList();
        Assert.Equal(new[] { "New-MailContact", "Get-MailContact" }, cmdlets); // re-read, no second New-
    }

    [Fact]
    public async Task A_throttled_New_that_did_not_go_through_is_retried_after_the_re_read()
    {
        Emulator.State.TransportConfig["JournalingReportNdrTo"] = "ndr@archive.example";
        Emulator.ThrottleNext(1, retryAfterSeconds: 0);
        using var client = Client();

        var rule = await new ExchangeJournalingCommands(client).NewJournalRuleAsync(new NewJournalRuleRequest("Archive", "journal@archive.example"));

        Assert.True(rule.Enabled);
        Assert.Equal(new[] { "Get-JournalRule", "New-JournalRule" }, Emulator.State.Executed.Select(x => x.Cmdlet));
    }

    [Fact]
    public async Task A_retry_hook_can_stop_the_retries()
    {
        Emulator.ThrottleNext(5, retryAfterSeconds: 0);
        using var client = Client();
        var contexts = new List<ExchangeRetryContext>();
        var options = new ExchangeInvokeOptions
        {
            BeforeRetry = (context, _) => { contexts.Add(context); return Task.FromResult(ExchangeRetryDecision.GiveUp); },
        };

        var e = await Assert.ThrowsAsync<ExchangeCommandException>(() => client.InvokeAsync("New-MailContact", P(("Name", "x"), ("ExternalEmailAddress", "x@archive.example")), options));

        Assert.Equal(ExchangeErrorCategory.Throttled, e.Category);
        var context = Assert.Single(contexts);
        Assert.False(context.IsIdempotent);
        Assert.Equal(ExchangeRetryReason.Throttled, context.Reason);
        Assert.Single(AdminRequests);
    }
}
