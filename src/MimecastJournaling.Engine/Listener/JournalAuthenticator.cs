using MimecastJournaling.Engine.Configuration;
using MimecastJournaling.Engine.Storage;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// SMTP AUTH (PLAIN and LOGIN, offered only after TLS) against the salted hashes of the
/// definitions that expect this user name. Always registered, so the library's default
/// authenticator (which accepts any password) is never in use. A session remembers which
/// definitions it proved; RCPT TO then requires the proof for a definition with a credential.
/// </summary>
internal sealed class JournalAuthenticator : IUserAuthenticator
{
    private readonly DefinitionLookup _definitions;
    private readonly IJournalStore _store;
    private readonly JournalConfiguration _configuration;
    private readonly VerifiedCredentialCache _cache;
    private readonly ListenerCounters _counters;
    private readonly DefinitionHealth _health;
    private readonly AuthenticationThrottle _throttle;

    public JournalAuthenticator(DefinitionLookup definitions, IJournalStore store, VerifiedCredentialCache cache, ListenerCounters counters, DefinitionHealth health, AuthenticationThrottle throttle)
    {
        _throttle = throttle;
        _health = health;
        _definitions = definitions;
        _store = store;
        _configuration = new JournalConfiguration(store, "JournalListener");
        _cache = cache;
        _counters = counters;
    }

    public async Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
    {
        var source = SessionFacts.RemoteAddress(context);
        if (_throttle.IsLockedOut(source))
        {
            _counters.Refused(RefusalReason.AuthenticationLockedOut);
            throw new SmtpResponseException(SmtpReplies.AuthenticationLockedOut);
        }
        var verified = SessionFacts.IsSecure(context) && !string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(password)
            ? await _throttle.HashAsync(() => Verify(user, password), cancellationToken).ConfigureAwait(false)
            : [];
        if (verified.Count == 0)
        {
            _counters.Refused(RefusalReason.AuthenticationFailed);
            RecordFailure(context, user);
            var (delay, lockedOut, count) = _throttle.Failed(source);
            if (lockedOut)
            {
                RecordLockout(source, user, count);
            }
            // The same wait for a wrong user name as for a wrong password.
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            return false;
        }
        _throttle.Succeeded(source);
        SessionFacts.AddVerified(context, verified);
        return true;
    }

    /// <summary>The lockout is written to the status (and so the event log) of every definition that takes reports from the address; never the password.</summary>
    private void RecordLockout(System.Net.IPAddress source, string user, int failures)
    {
        try
        {
            foreach (var definition in _definitions.AcceptingFrom(source))
            {
                _health.DeliveryFailed(definition, $"SMTP AUTH from {source} failed {failures} times (last as '{user}'); its AUTH is answered {SmtpReplies.Quote(SmtpReplies.AuthenticationLockedOut)} for a while");
            }
        }
        catch (Exception)
        {
            // Store trouble: the lockout stands; the status catches up later.
        }
    }

    /// <summary>A wrong password counts against the definitions that expect this user name (never the password itself).</summary>
    private void RecordFailure(ISessionContext context, string user)
    {
        if (string.IsNullOrEmpty(user))
        {
            return;
        }
        try
        {
            foreach (var definition in _definitions.FindBySmtpUser(user))
            {
                _health.DeliveryFailed(definition, $"SMTP AUTH as '{user}' from {SessionFacts.RemoteAddress(context)} failed (wrong password); the sender gets {SmtpReplies.Quote(SmtpReplies.AuthenticationFailed)}");
            }
        }
        catch (Exception)
        {
            // Store trouble: the refusal stands; the status catches up later.
        }
    }

    private List<Guid> Verify(string user, string password)
    {
        var verified = new List<Guid>();
        try
        {
            var candidates = _definitions.FindBySmtpUser(user);
            if (candidates.Count == 0)
            {
                // No definition expects this user name: spend what a wrong password costs, so the
                // answer's timing does not tell which user names exist.
                AuthenticationThrottle.SpendOneCheck(password);
            }
            foreach (var definition in candidates)
            {
                var hash = _store.GetSmtpPasswordHash(definition.Id);
                if (hash is null)
                {
                    continue;
                }
                if (_cache.IsVerified(definition.Id, user, hash, password)
                    || _configuration.VerifySmtpPassword(definition, user, password))
                {
                    _cache.Remember(definition.Id, user, hash, password);
                    verified.Add(definition.Id);
                }
            }
        }
        catch (JournalConfigurationException)
        {
            // The store cannot be read: not a wrong password. A 535 would be permanent, so answer
            // 454 4.7.0 (temporary authentication failure) and the sender retries.
            _counters.Refused(RefusalReason.StoreUnavailable);
            throw new SmtpResponseException(SmtpReplies.AuthenticationUnavailable);
        }
        return verified;
    }
}
