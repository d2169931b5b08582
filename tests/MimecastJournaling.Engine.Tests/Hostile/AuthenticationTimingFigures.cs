using System.Diagnostics;
using System.Globalization;
using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Tests.Listener;
using MimecastJournaling.Engine.Tests.TestSupport;
using Xunit.Abstractions;

namespace MimecastJournaling.Engine.Tests.Hostile;

/// <summary>
/// Issue 15 item 6, the figures: how long a wrong user name and a right user name with a wrong
/// password take to be answered over SMTP (first failures, before any throttling has built up),
/// and the throttle's schedule. Printed, not asserted on tight timings: the assertions are on the
/// replies and on the schedule's shape.
/// </summary>
public sealed class AuthenticationTimingFigures : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private const int Attempts = 7;
    private readonly ListenerHarness _h = new();
    private readonly ITestOutputHelper _output;

    public AuthenticationTimingFigures(ITestOutputHelper output) => _output = output;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    [Fact]
    public async Task A_wrong_user_name_and_a_wrong_password_are_both_refused_after_a_password_check_and_the_figures_are_printed()
    {
        _h.Define("Authenticated", Service, s => s with { SmtpCredential = ListenerHarness.Credential() });
        // A lockout window of 1 ms: each failure is a first failure again, so the medians are of first attempts.
        await _h.StartAsync(o => o with { AuthenticationLockout = TimeSpan.FromMilliseconds(1) });

        async Task<double> AttemptAsync(string user, string password)
        {
            using var client = _h.MailKitClient();
            await client.ConnectAsync("127.0.0.1", _h.Port, SecureSocketOptions.StartTls);
            var watch = Stopwatch.StartNew();
            var refused = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(user, password));
            var elapsed = watch.Elapsed.TotalMilliseconds;
            Assert.NotNull(refused);
            await Task.Delay(5);
            return elapsed;
        }

        var wrongUser = new List<double>();
        var wrongPassword = new List<double>();
        for (var i = 0; i < Attempts; i++)
        {
            wrongUser.Add(await AttemptAsync("nobody-" + i, "guess"));
            wrongPassword.Add(await AttemptAsync(ListenerHarness.SmtpUser, "guess-" + i));
        }

        var user = Median(wrongUser);
        var password = Median(wrongPassword);
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"AUTH over STARTTLS with MailKit AuthenticateAsync (it tries each mechanism the listener offers), {Attempts} first failures each: wrong user name median {user:0} ms (min {wrongUser.Min():0}, max {wrongUser.Max():0}); right user, wrong password median {password:0} ms (min {wrongPassword.Min():0}, max {wrongPassword.Max():0})."));
        // Both answered only after the first throttle delay (250 ms): a wrong user name is not answered at once.
        Assert.True(user >= 250 && password >= 250, $"wrong user {user} ms, wrong password {password} ms");

        var clock = new ManualClock(DateTimeOffset.Parse("2026-03-01T10:00:00Z", CultureInfo.InvariantCulture));
        var defaults = new ListenerOptions { Endpoints = [] };
        var throttle = new AuthenticationThrottle(defaults.AuthenticationFailuresBeforeLockout, defaults.AuthenticationLockout, clock);
        var source = IPAddress.Parse("192.0.2.7");
        var schedule = Enumerable.Range(1, 30).Select(_ => throttle.Failed(source)).ToList();
        foreach (var n in new[] { 1, 5, 10, 30 })
        {
            var (delay, lockedOut, _) = schedule[n - 1];
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Failure {n} (defaults: lockout after {defaults.AuthenticationFailuresBeforeLockout} for {defaults.AuthenticationLockout.TotalMinutes:0} min): answered after {delay.TotalMilliseconds:0} ms; locked out {(lockedOut || throttle.IsLockedOut(source) && n >= defaults.AuthenticationFailuresBeforeLockout ? "yes, every AUTH answered 454 4.7.0" : "no")}"));
        }
        Assert.True(throttle.IsLockedOut(source));
        Assert.Equal(TimeSpan.FromMilliseconds(4000), schedule[4].Delay);
    }
}
