using System.Text.RegularExpressions;
using MimecastJournaling.Engine.Archive;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Tests.Listener;

/// <summary>
/// Status Error with the reason after repeated failures the listener sees for a definition (TLS,
/// SMTP AUTH, reports that cannot be parsed), an event for the change, and OK again with the next
/// good report.
/// </summary>
public sealed class DefinitionHealthTests : IAsyncLifetime
{
    private const string Service = "journal@journal.contoso.com";
    private readonly ListenerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private JournalDefinition Current(string name) => _h.Temp.Configuration.GetDefinition(name);

    private void AssertBecameError(string name, string reasonPattern)
    {
        var definition = Current(name);
        Assert.Equal(JournalStatus.Error, definition.Status);
        Assert.Matches(reasonPattern, definition.StatusReason);
        Assert.Contains(_h.Temp.Configuration.GetEvents(name), e => e is { Action: "StatusChanged", NewValue: "Error" });
    }

    private async Task AssertBackToOkAfterAGoodReport(string name, params string[] swaks)
    {
        var transcript = await _h.SwaksAsync(["--to", Service, .. swaks]);
        Assert.Matches(new Regex(@"^<[-~]  250 2\.0\.0", RegexOptions.Multiline), transcript);
        await ListenerHarness.WaitUntilAsync(() => Current(name).Status == JournalStatus.OK, "the status is OK again");
        Assert.Null(Current(name).StatusReason);
    }

    [Fact]
    public async Task Reports_sent_without_TLS_to_an_Encrypted_definition_set_Error_after_repeated_refusals()
    {
        _h.Define("TLS only", Service, s => s with { JournalNonInternalAddresses = true });
        await _h.StartAsync(o => o with { FailuresBeforeError = 2 });

        await _h.SwaksAsync("--to", Service);
        Assert.Equal(JournalStatus.AwaitingInitialRun, Current("TLS only").Status);   // one refusal is not yet a pattern
        await _h.SwaksAsync("--to", Service);

        AssertBecameError("TLS only", "127.0.0.1 arrive without TLS.*530 5.7.0.*2 failures in a row");
        await AssertBackToOkAfterAGoodReport("TLS only", "--tls");
    }

    [Fact]
    public async Task Wrong_SMTP_AUTH_passwords_set_Error_with_the_user_name_and_never_the_password()
    {
        _h.Define("Authenticated", Service, s => s with { SmtpCredential = ListenerHarness.Credential(), JournalNonInternalAddresses = true });
        await _h.StartAsync(o => o with { FailuresBeforeError = 2 });

        for (var i = 0; i < 2; i++)
        {
            var transcript = await _h.SwaksAsync("--to", Service, "--tls", "--auth", "PLAIN", "--auth-user", ListenerHarness.SmtpUser, "--auth-password", "Wrong-Password-42");
            Assert.Matches(new Regex(@"^<~\* 535 ", RegexOptions.Multiline), transcript);
        }

        AssertBecameError("Authenticated", $"SMTP AUTH as '{ListenerHarness.SmtpUser}' from 127.0.0.1 failed");
        Assert.DoesNotContain("Wrong-Password-42", Current("Authenticated").StatusReason);
        Assert.DoesNotContain(_h.Temp.Configuration.GetEvents("Authenticated"), e => $"{e.OldValue} {e.NewValue}".Contains("Wrong-Password-42"));
        await AssertBackToOkAfterAGoodReport("Authenticated", "--tls", "--auth", "PLAIN", "--auth-user", ListenerHarness.SmtpUser, "--auth-password", ListenerHarness.SmtpPassword);
    }

    [Fact]
    public async Task Failed_TLS_handshakes_from_an_allowed_source_set_Error_for_the_definitions_that_accept_it()
    {
        _h.Define("TLS only", Service, s => s with { JournalNonInternalAddresses = true });
        await _h.StartAsync(o => o with { FailuresBeforeError = 2 });

        for (var i = 0; i < 2; i++)
        {
            // TLS 1.0 only: the listener speaks TLS 1.2 and 1.3, so the handshake fails.
            var transcript = await _h.SwaksAsync("--to", Service, "--tls", "--tls-protocol", "tlsv1");
            Assert.DoesNotMatch(new Regex(@"^<~  250 2\.0\.0", RegexOptions.Multiline), transcript);
        }

        // The client may see the failed handshake a moment before the listener has recorded it.
        await ListenerHarness.WaitUntilAsync(() => Current("TLS only").Status == JournalStatus.Error, "the status is Error");
        AssertBecameError("TLS only", "The TLS handshake with 127.0.0.1 failed");
        await AssertBackToOkAfterAGoodReport("TLS only", "--tls");
    }

    [Fact]
    public async Task Reports_that_cannot_be_parsed_are_quarantined_and_set_Error_after_repeats()
    {
        _h.Define("Plain", Service, s => s with { Encrypted = false, JournalNonInternalAddresses = true });
        await _h.StartAsync(o => o with { FailuresBeforeError = 2 });
        var garbage = Path.Combine(_h.Temp.Root, "garbage.txt");
        await File.WriteAllTextAsync(garbage, "\u0001\u0002 this is not mail\r\n");

        for (var i = 0; i < 2; i++)
        {
            var transcript = await _h.SwaksAsync("--to", Service, "--data", "@" + garbage);
            Assert.Matches(new Regex(@"^<-  250 2\.0\.0", RegexOptions.Multiline), transcript);   // received and kept, never dropped
            var expected = i + 1;
            await ListenerHarness.WaitUntilAsync(() => _h.Archive.GetOutcomes(new()).Count == expected, "the report has its outcome");
        }

        Assert.All(_h.Archive.GetOutcomes(new()), o => Assert.Equal(JournalOutcomeKind.Quarantined, o.Outcome));
        await ListenerHarness.WaitUntilAsync(() => Current("Plain").Status == JournalStatus.Error, "the status is Error");
        AssertBecameError("Plain", "Reports from smtp:127.0.0.1 cannot be parsed and are quarantined");
        Assert.NotNull(Current("Plain").LastReceived);
        await AssertBackToOkAfterAGoodReport("Plain");
    }
}
