using MimecastJournaling.Engine.Configuration;
using SmtpServer;
using SmtpServer.Protocol;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The per-definition checks at RCPT TO, where the definition becomes known by its service
/// address. In order: recipient limit, known service address (550 5.1.1), source address in this
/// definition's SourceIpRange (550 5.7.1), TLS when Encrypted (530 5.7.0), AUTH when the definition
/// has a credential (530 5.7.0), not disabled (451 4.3.2), one definition per message (452 4.5.3).
/// </summary>
internal sealed class RecipientPolicy
{
    private readonly DefinitionLookup _definitions;
    private readonly DefinitionHealth _health;
    private readonly int _maxRecipients;

    public RecipientPolicy(DefinitionLookup definitions, DefinitionHealth health, int maxRecipients)
    {
        _definitions = definitions;
        _health = health;
        _maxRecipients = maxRecipients;
    }

    public sealed record Verdict(JournalDefinition? Definition, RefusalReason? Refusal, SmtpResponse? Reply)
    {
        public static Verdict Accept(JournalDefinition definition) => new(definition, null, null);
        public static Verdict Refuse(RefusalReason reason, SmtpResponse reply) => new(null, reason, reply);
    }

    public Verdict Check(ISessionContext context, string recipient)
    {
        if (SessionFacts.TransactionRecipients(context) >= _maxRecipients)
        {
            return Verdict.Refuse(RefusalReason.TooManyRecipients, SmtpReplies.TooManyRecipients);
        }
        JournalDefinition? definition;
        bool allowed;
        try
        {
            // Every store read of this check happens here, so store trouble is a 451, never a 5xx.
            (definition, allowed) = _definitions.FindForRecipient(recipient, SessionFacts.RemoteAddress(context));
        }
        catch (Exception)
        {
            return Verdict.Refuse(RefusalReason.StoreUnavailable, SmtpReplies.StoreUnavailableAtRecipient);
        }
        if (definition is null)
        {
            return Verdict.Refuse(RefusalReason.UnknownRecipient, SmtpReplies.UnknownRecipient);
        }
        if (!allowed)
        {
            return Verdict.Refuse(RefusalReason.SourceNotAllowed, SmtpReplies.SourceNotAllowedForDefinition);
        }
        if (definition.Encrypted && !SessionFacts.IsSecure(context))
        {
            _health.DeliveryFailed(definition, $"Reports from {SessionFacts.RemoteAddress(context)} arrive without TLS, which this definition requires (Encrypted); they are refused with {SmtpReplies.Quote(SmtpReplies.TlsRequired)}");
            return Verdict.Refuse(RefusalReason.TlsRequired, SmtpReplies.TlsRequired);
        }
        if (definition.SmtpAuthentication && !SessionFacts.HasVerified(context, definition.Id))
        {
            _health.DeliveryFailed(definition, $"Reports from {SessionFacts.RemoteAddress(context)} arrive without SMTP AUTH, which this definition requires (it has a credential); they are refused with {SmtpReplies.Quote(SmtpReplies.AuthenticationRequired)}");
            return Verdict.Refuse(RefusalReason.AuthenticationRequired, SmtpReplies.AuthenticationRequired);
        }
        if (definition.Disabled)
        {
            return Verdict.Refuse(RefusalReason.DefinitionDisabled, SmtpReplies.DefinitionDisabled);
        }
        if (SessionFacts.TransactionDefinition(context) is { } chosen && chosen != definition.Id)
        {
            return Verdict.Refuse(RefusalReason.MixedDefinitions, SmtpReplies.MixedDefinitions);
        }
        return Verdict.Accept(definition);
    }

    /// <summary>The Description of the definition a (refused) recipient names, for the transaction record; null when none or on store trouble.</summary>
    public string? DefinitionNamed(string recipient)
    {
        try
        {
            return _definitions.FindForRecipient(recipient, System.Net.IPAddress.None).Definition?.Description;
        }
        catch (Exception)
        {
            return null;
        }
    }
}
