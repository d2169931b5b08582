using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// SmtpServer's MAIL FROM and RCPT TO hook. MAIL FROM starts a transaction (any sender: the
/// journal report's sender is the Exchange postmaster); RCPT TO applies the <see cref="RecipientPolicy"/>.
/// A refusal is thrown as SmtpResponseException so the exact reply code reaches the client.
/// Not IDisposable: the library disposes such services after every command.
/// </summary>
internal sealed class JournalMailboxFilter : IMailboxFilter
{
    private readonly RecipientPolicy _policy;
    private readonly ListenerCounters _counters;

    public JournalMailboxFilter(RecipientPolicy policy, ListenerCounters counters)
    {
        _policy = policy;
        _counters = counters;
    }

    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        SessionFacts.StartTransaction(context);
        SmtpTransactionTracker.Of(context)?.Started();
        return Task.FromResult(true);
    }

    public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
    {
        var verdict = _policy.Check(context, Address(to));
        if (verdict.Definition is { } definition)
        {
            SessionFacts.AddRecipient(context, definition.Id);
            SmtpTransactionTracker.Of(context)?.RecipientAccepted(Address(to), definition.Description);
            return Task.FromResult(true);
        }
        _counters.Refused(verdict.Refusal!.Value);
        if (SmtpTransactionTracker.Of(context) is { } tracker)
        {
            tracker.RecipientRefused(Address(to), _policy.DefinitionNamed(Address(to)), verdict.Refusal!.Value, verdict.Reply!);
        }
        throw new SmtpResponseException(verdict.Reply!);
    }

    public static string Address(IMailbox mailbox) =>
        string.IsNullOrEmpty(mailbox.Host) ? mailbox.User : mailbox.User + "@" + mailbox.Host;
}
