using System.Diagnostics;
using System.Net;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Tests.Listener;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Hostile;

/// <summary>Issue 15 item 6: failed AUTH per source slows down, then 454 4.7.0 for a while; logged without the password.</summary>
public sealed class AuthenticationThrottleTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private readonly ListenerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public void The_delay_doubles_per_failure_and_the_lockout_starts_at_the_threshold_and_ends()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var throttle = new AuthenticationThrottle(4, TimeSpan.FromMinutes(15), clock);
        var source = IPAddress.Parse("192.0.2.5");

        var delays = Enumerable.Range(0, 4).Select(_ => throttle.Failed(source)).ToList();

        Assert.Equal([250, 500, 1000, 2000], delays.Select(d => (int)d.Delay.TotalMilliseconds));
        Assert.Equal([false, false, false, true], delays.Select(d => d.LockedOut));
        Assert.True(throttle.IsLockedOut(source));
        Assert.False(throttle.IsLockedOut(IPAddress.Parse("192.0.2.6")));
        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.False(throttle.IsLockedOut(source));
        Assert.Equal(250, (int)throttle.Failed(source).Delay.TotalMilliseconds);
    }

    [Fact]
    public async Task Over_SMTP_wrong_passwords_and_wrong_user_names_count_alike_then_454_even_for_the_right_password_and_the_event_has_no_password()
    {
        _h.Define("Authenticated", Service, s => s with { SmtpCredential = ListenerHarness.Credential() });
        await _h.StartAsync(o => o with { AuthenticationFailuresBeforeLockout = 3, AuthenticationLockout = TimeSpan.FromMinutes(5) });

        // One AUTH per session (swaks), as a guesser (or Exchange) reconnects.
        Task<string> AuthAsync(string user, string password) =>
            _h.SwaksAsync("--to", Service, "--tls", "--auth", "PLAIN", "--auth-user", user, "--auth-password", password, "--quit-after", "AUTH");
        var watch = Stopwatch.StartNew();
        ListenerReplyCodeTests.AssertRefused(await AuthAsync("nobody", "guess-1"), "535");
        var firstWait = watch.Elapsed;
        ListenerReplyCodeTests.AssertRefused(await AuthAsync(ListenerHarness.SmtpUser, "guess-2"), "535");
        ListenerReplyCodeTests.AssertRefused(await AuthAsync(ListenerHarness.SmtpUser, "guess-3"), "535");

        // Locked out: the right password too is answered 454 4.7.0 (temporary), not checked.
        ListenerReplyCodeTests.AssertRefused(await AuthAsync(ListenerHarness.SmtpUser, ListenerHarness.SmtpPassword), "454 4.7.0 Too many failed authentication attempts");
        Assert.True(firstWait >= TimeSpan.FromMilliseconds(250), $"the first failure was answered after {firstWait}");
        var counters = _h.Listener!.Counters.Snapshot();
        Assert.Equal(3, counters.Refused[RefusalReason.AuthenticationFailed]);
        Assert.Equal(1, counters.Refused[RefusalReason.AuthenticationLockedOut]);

        var definition = _h.Temp.Configuration.GetDefinition("Authenticated");
        Assert.True(definition.Status == JournalStatus.Error, $"{definition.Status} {definition.StatusReason} | {string.Join(" | ", _h.Temp.Configuration.GetEvents("Authenticated").Select(e => e.Action + " " + e.NewValue))}");
        var events = _h.Temp.Configuration.GetEvents("Authenticated");
        Assert.Contains(events, e => (e.NewValue ?? "").Contains("failed 3 times", StringComparison.Ordinal) || (definition.StatusReason ?? "").Contains("failed 3 times", StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => $"{e.OldValue} {e.NewValue}".Contains("guess-", StringComparison.Ordinal));
        Assert.DoesNotContain("guess-", definition.StatusReason);
    }

    [Fact]
    public async Task Another_address_is_not_locked_out_by_the_first_one()
    {
        _h.Define("Authenticated", Service, s => s with { SmtpCredential = ListenerHarness.Credential(), SourceIpRange = ["127.0.0.0/8"] });
        await _h.StartAsync(o => o with { AuthenticationFailuresBeforeLockout = 2 });
        using (var attacker = _h.MailKitClient())
        {
            await attacker.ConnectAsync("127.0.0.1", _h.Port, SecureSocketOptions.StartTls);
            await Assert.ThrowsAsync<AuthenticationException>(() => attacker.AuthenticateAsync("x", "y"));
            await Assert.ThrowsAsync<AuthenticationException>(() => attacker.AuthenticateAsync("x", "z"));
        }

        var reply = await _h.SendWithMailKitAsync(ListenerHarness.FixtureMessage("synthetic-bifurcated-fork1.eml"), Service, ListenerHarness.SmtpPassword, ListenerHarness.OtherLoopback);

        Assert.StartsWith("2.0.0 Queued as ", reply);
    }
}
