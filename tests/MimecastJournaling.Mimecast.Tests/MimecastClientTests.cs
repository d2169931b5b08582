using System.Diagnostics;
using MimecastJournaling.Emulators.Mimecast;
using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Mimecast.Tests;

/// <summary>One emulator per test on 127.0.0.1; the client talks to it over loopback HTTP.</summary>
public abstract class MimecastTestBase : IAsyncLifetime
{
    protected MimecastEmulator Emulator { get; private set; } = null!;
    protected List<MimecastCallEvent> Events { get; } = new();

    public async Task InitializeAsync() => Emulator = await MimecastEmulator.StartAsync();

    public async Task DisposeAsync() => await Emulator.DisposeAsync();

    protected MimecastClient Client(Action<MimecastClientOptions>? configure = null, string? secret = null)
    {
        var options = new MimecastClientOptions { BaseUri = Emulator.BaseUri };
        options.CallLog = e => { lock (Events) Events.Add(e); };
        configure?.Invoke(options);
        return new MimecastClient(options, Emulator.ClientId, secret ?? Emulator.ClientSecret);
    }

    protected string LogText() { lock (Events) return string.Join("\n", Events.Select(e => e.ToString())); }

    protected static MimecastJournalServiceSettings Seed(string description = "Exchange Online journaling") => new()
    {
        Description = description,
        ServiceEmailAddress = "journal@journal.contoso.com",
        SourceIpRange = new[] { "40.92.0.0/15", "192.0.2.10" },
        InactivityPeriod = TimeSpan.FromMinutes(240),
        InitialProcessDelay = TimeSpan.FromMinutes(5),
    };
}

public sealed class SignInTests : MimecastTestBase
{
    [Fact]
    public async Task Signs_in_with_client_credentials_in_the_form_and_sends_the_bearer_token()
    {
        using var client = Client();
        await client.SignInAsync();
        var services = await new MimecastJournalServices(client).ListAsync();
        Assert.Empty(services);
        var token = Emulator.Requests.Single(r => r.PathAndQuery == "/oauth/token");
        Assert.Contains("grant_type=client_credentials", token.Body);
        Assert.Contains("client_id=" + Emulator.ClientId, token.Body);
        var api = Emulator.Requests.Single(r => r.PathAndQuery.StartsWith("/journaling", StringComparison.Ordinal));
        Assert.Equal("Bearer " + Emulator.IssuedTokens.Single(), api.Authorization);
        Assert.NotNull(client.TokenExpiresOn);
    }

    [Fact]
    public async Task A_wrong_secret_is_a_clear_authentication_error_without_the_secret()
    {
        const string wrong = "definitely-wrong-secret-7731";
        using var client = Client(secret: wrong);
        var e = await Assert.ThrowsAsync<MimecastApiException>(() => client.SignInAsync());
        Assert.Equal(MimecastErrorKind.AuthenticationFailed, e.Kind);
        Assert.Equal(401, e.StatusCode);
        Assert.Contains("invalid_client", e.Message);
        Assert.Contains("client secret", e.Message);
        Assert.DoesNotContain(wrong, e.Message);
        Assert.DoesNotContain(wrong, LogText());
        Assert.Contains("client_secret=***", LogText());
    }

    [Fact]
    public async Task Basic_client_authentication_is_a_setting()
    {
        using var client = Client(o => o.ClientAuthentication = MimecastClientAuthentication.BasicHeader);
        await client.SignInAsync();
        var token = Emulator.Requests.Single(r => r.PathAndQuery == "/oauth/token");
        Assert.StartsWith("Basic ", token.Authorization);
        Assert.DoesNotContain("client_secret", token.Body);
    }

    [Fact]
    public async Task A_token_is_reused_until_shortly_before_it_expires_then_renewed_before_the_call()
    {
        Emulator.TokenLifetimeSeconds = 3600;
        using (var client = Client())
        {
            var services = new MimecastJournalServices(client);
            await services.ListAsync();
            await services.ListAsync();
            Assert.Equal(1, Emulator.TokensIssued);
        }
        // A lifetime inside the renewal margin (60 s): every call gets a fresh token first, no 401 seen.
        Emulator.TokenLifetimeSeconds = 30;
        using (var client = Client())
        {
            var services = new MimecastJournalServices(client);
            await services.ListAsync();
            await services.ListAsync();
            Assert.Equal(3, Emulator.TokensIssued);
            Assert.DoesNotContain(Emulator.Requests, r => r.StatusCode == 401);
        }
    }

    [Fact]
    public async Task A_401_forces_one_new_token_and_one_retry()
    {
        using var client = Client();
        var services = new MimecastJournalServices(client);
        await services.ListAsync();
        Emulator.ExpireTokens();
        await services.ListAsync();
        Assert.Equal(2, Emulator.TokensIssued);
        Assert.Contains(Events, e => e.Kind == MimecastCallEventKind.Reauthenticating);
    }

    [Fact]
    public async Task A_second_401_fails_without_a_third_token()
    {
        using var client = Client();
        await client.SignInAsync();
        Emulator.ErrorNext(2, 401, "unauthorized");
        var e = await Assert.ThrowsAsync<MimecastApiException>(() => new MimecastJournalServices(client).ListAsync());
        Assert.Equal(MimecastErrorKind.AuthenticationFailed, e.Kind);
        Assert.Equal(2, Emulator.TokensIssued);
        Assert.Equal(2, Emulator.Requests.Count(r => r.PathAndQuery.StartsWith("/journaling", StringComparison.Ordinal)));
    }
}

public sealed class ErrorAndThrottlingTests : MimecastTestBase
{
    [Fact]
    public async Task A_fail_envelope_in_HTTP_200_is_a_failure()
    {
        using var client = Client();
        Emulator.FailInBodyNext(1);
        var e = await Assert.ThrowsAsync<MimecastApiException>(() => new MimecastJournalServices(client).ListAsync());
        Assert.Equal(200, e.StatusCode);
        Assert.Equal("err_request_failed", e.ErrorCode);
        Assert.Contains("failure in the body", e.Message);
    }

    [Fact]
    public async Task An_errors_envelope_gives_code_field_and_kind()
    {
        using var client = Client();
        var services = new MimecastJournalServices(client);
        var body = services.CreateBody(Seed());
        ((Dictionary<string, object?>)body["smtpJournalingConnection"]!)["inactivityTimeout"] = 100; // past the local check, to see Mimecast's answer
        var e = await Assert.ThrowsAsync<MimecastApiException>(() => client.SendAsync(HttpMethod.Post, client.Options.JournalServicesPath, body));
        Assert.Equal(MimecastErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("validation_range", e.ErrorCode);
        Assert.Equal("smtpJournalingConnection.inactivityTimeout", e.Errors.Single().Field);
        Emulator.ErrorNext(1, 404, "not_found");
        Assert.Equal(MimecastErrorKind.NotFound, (await Assert.ThrowsAsync<MimecastApiException>(() => services.GetAsync("nope"))).Kind);
        Emulator.ErrorNext(1, 403, "forbidden");
        var denied = await Assert.ThrowsAsync<MimecastApiException>(() => services.ListAsync());
        Assert.Equal(MimecastErrorKind.AccessDenied, denied.Kind);
        Assert.Contains("role", denied.Message);
    }

    [Fact]
    public async Task A_429_is_waited_out_for_X_RateLimit_Reset_milliseconds_then_repeated()
    {
        using var client = Client();
        await client.SignInAsync();
        Emulator.ThrottleNext(2, 400);
        var watch = Stopwatch.StartNew();
        await new MimecastJournalServices(client).ListAsync();
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(780), $"waited only {watch.Elapsed}");
        var calls = Emulator.Requests.Where(r => r.PathAndQuery.StartsWith("/journaling", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[] { 429, 429, 200 }, calls.Select(c => c.StatusCode));
        for (var i = 1; i < calls.Length; i++) Assert.True(calls[i].At - calls[i - 1].At >= TimeSpan.FromMilliseconds(380), "a retry came before the reset");
        Assert.Equal(2, Events.Count(e => e.Kind == MimecastCallEventKind.Waiting && e.StatusCode == 429));
    }

    [Fact]
    public async Task A_429_asking_for_more_than_the_limit_fails_at_once_as_throttled_without_hammering()
    {
        using var client = Client(o => o.MaxRateLimitWait = TimeSpan.FromMinutes(1));
        await client.SignInAsync();
        Emulator.ThrottleNext(5, 3_600_000);
        var e = await Assert.ThrowsAsync<MimecastApiException>(() => new MimecastJournalServices(client).ListAsync());
        Assert.Equal(MimecastErrorKind.Throttled, e.Kind);
        Assert.Equal(TimeSpan.FromHours(1), e.RetryAfter);
        Assert.Contains("3600 s", e.Message);
        Assert.Single(Emulator.Requests, r => r.PathAndQuery.StartsWith("/journaling", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Too_many_429s_in_a_row_fail_after_the_retry_limit()
    {
        using var client = Client(o => o.MaxRateLimitRetries = 2);
        await client.SignInAsync();
        Emulator.ThrottleNext(10, 50);
        var e = await Assert.ThrowsAsync<MimecastApiException>(() => new MimecastJournalServices(client).ListAsync());
        Assert.Equal(MimecastErrorKind.Throttled, e.Kind);
        Assert.Equal(3, Emulator.Requests.Count(r => r.PathAndQuery.StartsWith("/journaling", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Remaining_zero_with_a_reset_past_the_limit_fails_the_next_call_without_sending_it()
    {
        using var client = Client(o => o.MaxRateLimitWait = TimeSpan.FromSeconds(5));
        var services = new MimecastJournalServices(client);
        await client.SignInAsync();
        Emulator.RemainingZeroNext(1, 3_600_000);
        await services.ListAsync();
        var sent = Emulator.Requests.Count;
        var e = await Assert.ThrowsAsync<MimecastApiException>(() => services.ListAsync());
        Assert.Equal(MimecastErrorKind.Throttled, e.Kind);
        Assert.Equal(sent, Emulator.Requests.Count);
    }

    [Fact]
    public async Task Remaining_zero_holds_the_next_call_until_the_reset()
    {
        using var client = Client();
        var services = new MimecastJournalServices(client);
        await client.SignInAsync();
        Emulator.RemainingZeroNext(1, 500);
        await services.ListAsync();
        var watch = Stopwatch.StartNew();
        await services.ListAsync();
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(400), $"the second call went after {watch.Elapsed}");
        Assert.DoesNotContain(Emulator.Requests, r => r.StatusCode == 429);
    }
}

public sealed class JournalServiceTests : MimecastTestBase
{
    [Theory]
    [InlineData("services")]
    [InlineData("journalingServices")]
    [InlineData("data")]
    [InlineData("")]
    public async Task Every_list_shape_the_sources_show_is_read(string key)
    {
        using var client = Client();
        var services = new MimecastJournalServices(client);
        await services.CreateAsync(Seed());
        Emulator.ServiceListKey = key;
        var list = await services.ListAsync();
        Assert.Equal("Exchange Online journaling", Assert.Single(list).Description);
    }

    [Fact]
    public async Task An_unknown_list_key_is_a_clear_error_naming_the_setting()
    {
        using var client = Client();
        Emulator.ServiceListKey = "journalServiceDefinitions";
        var e = await Assert.ThrowsAsync<MimecastApiException>(() => new MimecastJournalServices(client).ListAsync());
        Assert.Equal(MimecastErrorKind.InvalidResponse, e.Kind);
        Assert.Contains("MimecastClientOptions", e.Message);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("full")]
    [InlineData("empty")]
    public async Task Create_reads_the_service_back_whatever_the_create_answer(string shape)
    {
        Emulator.CreateAnswer = shape;
        using var client = Client();
        var created = await new MimecastJournalServices(client).CreateAsync(Seed() with { SmtpAuthentication = true, SmtpPassword = "Smtp-Pa55word!" });
        Assert.NotEmpty(created.Id);
        Assert.Equal("journal@journal.contoso.com", created.ServiceEmailAddress);
        Assert.Equal(new[] { "40.92.0.0/15", "192.0.2.10/32" }, created.SourceIpRange);
        Assert.Equal(TimeSpan.FromMinutes(240), created.InactivityPeriod);
        Assert.Equal(TimeSpan.FromMinutes(5), created.InitialProcessDelay);
        Assert.True(created.SmtpAuthentication);
        Assert.Equal(MimecastServiceStatus.AwaitingInitialRun, created.Status);
        Assert.Equal("not_active", created.ApiStatus);
        Assert.Equal(2, created.Hostnames.Count);
    }

    [Fact]
    public async Task The_password_never_reaches_the_model_or_the_log_even_when_returned()
    {
        const string password = "Smtp-Pa55word-9911!";
        Emulator.ReturnPassword = true;
        using var client = Client();
        var services = new MimecastJournalServices(client);
        var created = await services.CreateAsync(Seed() with { SmtpAuthentication = true, SmtpPassword = password });
        Assert.Contains(password, Emulator.Snapshot()); // it was sent
        var read = await services.GetAsync(created.Id);
        Assert.DoesNotContain(typeof(MimecastJournalService).GetProperties(), p => p.Name.Contains("Password", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(password, LogText());
        Assert.Contains("\"password\":\"***\"", LogText());
        Assert.DoesNotContain(Emulator.ClientSecret, LogText());
        Assert.DoesNotContain(Emulator.IssuedTokens.Single(), LogText());
        Assert.True(read.SmtpAuthentication);
    }

    [Fact]
    public async Task Diff_is_empty_for_the_same_settings_and_the_patch_carries_only_changes_under_the_update_names()
    {
        using var client = Client();
        var services = new MimecastJournalServices(client);
        var created = await services.CreateAsync(Seed());
        Assert.Empty(services.Diff(created, Seed(), sendPassword: false).Changes);

        var (changes, body) = services.Diff(created, new MimecastJournalServiceSettings { Encrypted = false, PreferClearText = true, InactivityPeriod = TimeSpan.FromMinutes(300), Disabled = true }, sendPassword: false);
        Assert.Equal(new[] { "Disabled", "Encrypted", "PreferClearText", "InactivityPeriod" }, changes.Select(c => c.Name));
        Emulator.ClearRequests();
        var updated = await services.UpdateAsync(created.Id, body);
        var patch = Emulator.Requests.Single(r => r.Method == "PATCH").Body;
        Assert.Equal("{\"enabled\":false,\"smtpJournalingConnection\":{\"useTls\":false,\"preferClearText\":true,\"inactivityTimeout\":300}}", patch);
        Assert.False(updated.Encrypted);
        Assert.True(updated.PreferClearText);
        Assert.True(updated.Disabled);
        Assert.Equal(TimeSpan.FromMinutes(300), updated.InactivityPeriod);
    }

    [Fact]
    public async Task The_emulator_refuses_create_names_in_a_patch_so_the_names_matter()
    {
        using var client = Client();
        var services = new MimecastJournalServices(client);
        var created = await services.CreateAsync(Seed());
        var e = await Assert.ThrowsAsync<MimecastApiException>(() => services.UpdateAsync(created.Id, new Dictionary<string, object?> { ["smtpJournalingConnection"] = new Dictionary<string, object?> { ["usesTls"] = false } }));
        Assert.Equal(MimecastErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public async Task Status_names_map_to_the_console_and_unknown_ones_stay_visible()
    {
        using var client = Client();
        var services = new MimecastJournalServices(client);
        var created = await services.CreateAsync(Seed());
        Emulator.SetStatus(created.Id, "ok", 7);
        var ok = await services.GetAsync(created.Id);
        Assert.Equal(MimecastServiceStatus.OK, ok.Status);
        Assert.Equal(7, ok.QueueLength);
        Assert.NotNull(ok.LastReceived);
        Emulator.SetStatus(created.Id, "error");
        Assert.Equal(MimecastServiceStatus.Error, (await services.GetAsync(created.Id)).Status);
        Emulator.SetStatus(created.Id, "suspended");
        var unknown = await services.GetAsync(created.Id);
        Assert.Equal(MimecastServiceStatus.Unknown, unknown.Status);
        Assert.Equal("suspended", unknown.ApiStatus);
    }

    [Theory]
    [InlineData("InactivityPeriodOutOfRange", 100, 0.0, "192.0.2.0/24")]
    [InlineData("InactivityPeriodOutOfRange", 961, 0.0, "192.0.2.0/24")]
    [InlineData("MinutesNotWhole", 180, 1.5, "192.0.2.0/24")]
    [InlineData("InvalidSourceIpRange", 180, 0.0, "192.0.2.1/24")]
    [InlineData("InvalidSourceIpRange", 180, 0.0, "not-an-ip")]
    [InlineData("IPv6SourceIpRange", 180, 0.0, "2a01:111:f400::/48")]
    public async Task Local_checks_refuse_before_any_call(string id, int inactivity, double delay, string range)
    {
        using var client = Client();
        var services = new MimecastJournalServices(client);
        var e = Assert.Throws<MimecastCheckException>(() => services.Check(Seed() with
        {
            InactivityPeriod = TimeSpan.FromMinutes(inactivity),
            InitialProcessDelay = TimeSpan.FromMinutes(delay),
            SourceIpRange = new[] { range },
        }, creating: true));
        Assert.Equal(id, e.ErrorId);
        await Task.CompletedTask;
        Assert.Empty(Emulator.Requests);
    }

    [Fact]
    public void The_checks_pass_the_seed_values_and_use_the_engine_range_parser()
    {
        using var client = Client();
        new MimecastJournalServices(client).Check(Seed(), creating: true);
        Assert.True(IpRange.TryParse("40.92.0.0/15", out _, out _));
    }
}

public sealed class DomainTests : MimecastTestBase
{
    [Fact]
    public async Task Register_shows_the_code_verify_waits_for_the_TXT_record_and_a_rerun_changes_nothing()
    {
        using var client = Client();
        var domains = new MimecastJournalDomains(client);
        var (registered, created) = await domains.RegisterAsync("Journal.Contoso.com");
        Assert.True(created);
        Assert.Equal("journal.contoso.com", registered.Domain);
        Assert.Equal(MimecastDomainState.Pending, registered.State);
        Assert.StartsWith("mc-verify-", registered.VerificationCode);
        Assert.Equal(registered.VerificationCode, registered.TxtRecord);

        var (again, createdAgain) = await domains.RegisterAsync("journal.contoso.com");
        Assert.False(createdAgain);
        Assert.Equal(registered.Id, again.Id);
        Assert.Single(Emulator.Requests, r => r.Method == "POST" && r.PathAndQuery == "/domain/cloud-gateway/v1/pending-domains");

        var (before, detail) = await domains.VerifyAsync("journal.contoso.com");
        Assert.False(before.Verified);
        Assert.Equal("txt_record_not_found", detail);
        Emulator.PublishTxt("journal.contoso.com");
        var (after, _) = await domains.VerifyAsync("journal.contoso.com");
        Assert.True(after.Verified);
        Assert.Equal(MimecastDomainState.Internal, after.State);
    }

    [Theory]
    [InlineData("meta.nextPageToken")]
    [InlineData("meta.pagination.next")]
    [InlineData("meta.nextPage")]
    public async Task Lists_follow_page_tokens_wherever_the_answer_puts_them(string field)
    {
        for (var i = 0; i < 5; i++) Emulator.AddPendingDomain($"j{i}.contoso.com");
        Emulator.DomainPageLimit = 2;
        Emulator.NextPageField = field;
        using var client = Client();
        var pending = await new MimecastJournalDomains(client).ListPendingAsync();
        Assert.Equal(5, pending.Count);
        Assert.Equal(3, Emulator.Requests.Count(r => r.PathAndQuery.StartsWith("/domain/cloud-gateway/v1/pending-domains", StringComparison.Ordinal)));
        Assert.Contains(Emulator.Requests, r => r.PathAndQuery.Contains("pageToken=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_subdomain_that_becomes_internal_at_once_is_reported_verified()
    {
        Emulator.AddInternalDomain("contoso.com");
        Emulator.SubdomainsOfInternalAreInternal = true;
        using var client = Client();
        var (d, created) = await new MimecastJournalDomains(client).RegisterAsync("journal.contoso.com");
        Assert.True(created);
        Assert.True(d.Verified);
        Assert.Null(d.VerificationCode);
    }

    [Fact]
    public async Task Only_pending_domains_can_be_removed()
    {
        Emulator.AddInternalDomain("contoso.com");
        Emulator.AddPendingDomain("journal.contoso.com");
        using var client = Client();
        var domains = new MimecastJournalDomains(client);
        Assert.Equal("DomainIsInternal", Assert.Throws<MimecastCheckException>(() => domains.RemovePendingAsync("contoso.com").GetAwaiter().GetResult()).ErrorId);
        await domains.RemovePendingAsync("journal.contoso.com");
        Assert.Null(await domains.FindAsync("journal.contoso.com"));
        Assert.Equal("InvalidDomainName", Assert.Throws<MimecastCheckException>(() => MimecastJournalDomains.CheckName("not a domain")).ErrorId);
    }
}
