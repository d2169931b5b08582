using SmtpServer.Protocol;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Every reply the listener writes itself, in one place. 5xx only for what can never be
/// accepted; anything the sender should retry (store trouble, shutdown, a disabled definition,
/// a full spool) is 4xx so Exchange keeps the report queued.
/// </summary>
internal static class SmtpReplies
{
    // Connection time (written by the endpoint listener before the session starts).
    public static string SourceNotAllowedGreeting(string serverName) => $"554 5.7.1 {serverName} does not accept journal reports from this address";
    public static string TooManyConnectionsGreeting(string serverName) => $"421 4.7.0 {serverName} too many connections, try again later";
    public static string TemporaryProblemGreeting(string serverName) => $"421 4.3.0 {serverName} temporary local problem, try again later";
    public static string Greeting(string serverName) => $"220 {serverName} ESMTP ready";

    // RCPT TO
    public static SmtpResponse UnknownRecipient { get; } = Reply(550, "5.1.1 No journal definition has this service address");
    public static SmtpResponse SourceNotAllowedForDefinition { get; } = Reply(550, "5.7.1 This journal definition does not accept reports from your address");
    public static SmtpResponse TlsRequired { get; } = Reply(530, "5.7.0 Must issue a STARTTLS command first");
    public static SmtpResponse AuthenticationRequired { get; } = Reply(530, "5.7.0 Authentication required");
    public static SmtpResponse DefinitionDisabled { get; } = Reply(451, "4.3.2 This journal definition is suspended, try again later");
    public static SmtpResponse TooManyRecipients { get; } = Reply(452, "4.5.3 Too many recipients");
    public static SmtpResponse MixedDefinitions { get; } = Reply(452, "4.5.3 One journal definition per message; send this recipient in another transaction");
    public static SmtpResponse AuthenticationUnavailable { get; } = Reply(454, "4.7.0 Temporary authentication failure, try again later");
    public static SmtpResponse StoreUnavailableAtRecipient { get; } = Reply(451, "4.3.0 Temporary local problem, try again later");

    // DATA
    public static SmtpResponse Accepted(long spoolId) => Reply(250, $"2.0.0 Queued as {spoolId}");
    public static SmtpResponse TooLarge(int limit) => Reply(552, $"5.3.4 Message size exceeds the limit of {limit} bytes");
    public static SmtpResponse ForeignTenant { get; } = Reply(550, "5.7.1 This journal definition does not take reports from your Exchange Online tenant");
    public static SmtpResponse SpoolFull { get; } = Reply(452, "4.3.1 Journal queue is full, try again later");
    public static SmtpResponse StoreUnavailable { get; } = Reply(451, "4.3.0 Temporary local problem, the message was not stored; try again later");
    public static SmtpResponse ShuttingDown { get; } = Reply(421, "4.3.2 Service shutting down, try again later");

    // Limits of the session's input (written by the session's stream, DataStreamingReader)
    public static SmtpResponse LineTooLong(int limit) => Reply(500, $"5.5.2 Line too long (the limit is {limit} octets with CRLF)");
    public static SmtpResponse TooManyLongLines(string serverName) => Reply(421, $"4.7.0 {serverName} too many over-long lines, closing connection");
    public static SmtpResponse CommandTimeout(string serverName) => Reply(421, $"4.4.2 {serverName} no complete command in time, closing connection");
    public static SmtpResponse DataTooSlow(string serverName) => Reply(421, $"4.4.2 {serverName} message data too slow, closing connection");
    public static SmtpResponse NoValidRecipients { get; } = Reply(554, "5.5.1 No valid recipients");
    public static SmtpResponse EightBitEnvelopeWithoutSmtpUtf8 { get; } = Reply(553, "5.6.7 Non-ASCII address without SMTPUTF8 on MAIL FROM");
    public static string TooManyConnectionsFromSourceGreeting(string serverName) => $"421 4.7.0 {serverName} too many connections from your address, try again later";

    // AUTH throttling
    public static SmtpResponse AuthenticationLockedOut { get; } = Reply(454, "4.7.0 Too many failed authentication attempts from your address, try again later");

    private static SmtpResponse Reply(int code, string text) => new((SmtpReplyCode)code, text);
}
