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

    public JournalAuthenticator(DefinitionLookup definitions, IJournalStore store, VerifiedCredentialCache cache, ListenerCounters counters, DefinitionHealth health)
    {
        _health = health;
        _definitions = definitions;
        _store = store;
        _configuration = new JournalConfiguration(store, "JournalListener");
        _cache = cache;
        _counters = counters;
    }

    public async Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
    {
        var verified = SessionFacts.IsSecure(context) && !string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(password)
            ? await Task.Run(() => Verify(user, password), cancellationToken).ConfigureAwait(false)
            : [];
        if (verified.Count == 0)
        {
            _counters.Refused(RefusalReason.AuthenticationFailed);
            RecordFailure(context, user);
            return false;
        }
        SessionFacts.AddVerified(context, verified);
        return true;
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
                _health.DeliveryFailed(definition, $"SMTP AUTH as '{user}' from {SessionFacts.RemoteAddress(context)} failed (wrong password); the sender gets 535 5.7.8");
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
            foreach (var definition in _definitions.FindBySmtpUser(user))
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
