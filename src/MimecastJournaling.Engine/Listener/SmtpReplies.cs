using SmtpServer.Protocol;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Every reply the listener writes, in one place: its own, and (<see cref="OwnText"/>) the
/// library's phrases as the listener says them. 5xx only for what can never be
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

    // AUTH exchange (RFC 4954 4), answered by the session's stream before the library sees the command
    public static SmtpResponse AuthenticationMechanismUnknown { get; } = Reply(504, "5.5.4 Unrecognized authentication type; PLAIN and LOGIN are offered");
    public static SmtpResponse AuthenticationSyntax { get; } = Reply(501, "5.5.4 Syntax: AUTH PLAIN [initial-response] or AUTH LOGIN [initial-response]");
    public static SmtpResponse AuthenticationUndecodable { get; } = Reply(501, "5.5.2 Cannot decode the response (base64 expected)");
    public static SmtpResponse AuthenticationMalformedPlain { get; } = Reply(501, "5.5.2 Malformed PLAIN response (authorization-id NUL user NUL password expected)");
    public static SmtpResponse AuthenticationMalformedLogin { get; } = Reply(501, "5.5.2 Malformed LOGIN response (a user name and a password, without NUL, expected)");
    public static SmtpResponse AuthenticationCancelled { get; } = Reply(501, "5.7.0 Authentication cancelled");

    /// <summary>What a wrong password or user name gets (the library's 535, as the listener says it).</summary>
    public static string AuthenticationFailed => "535 " + AuthenticationFailedText;
    private const string AuthenticationFailedText = "5.7.8 Authentication credentials invalid";

    // Session resets and misbehaviour
    public static SmtpResponse HelloRequiredAfterTls { get; } = Reply(503, "5.5.1 Send EHLO again after STARTTLS (RFC 3207 4.2)");
    public static string TooManyBadCommands(string serverName) => $"421 4.7.0 {serverName} too many bad commands, closing connection";

    /// <summary>Bad commands (replies 500 to 504) a session may send; the last one is answered 421 and the connection closed.</summary>
    public const int MaxBadCommands = 5;

    /// <summary>A reply as the sender saw it, for a StatusReason: "530 5.7.0 Must issue a STARTTLS command first", quoted.</summary>
    public static string Quote(SmtpResponse reply) => Quote($"{(int)reply.ReplyCode} {reply.Message}");

    public static string Quote(string reply) => "\"" + reply + "\"";

    private static SmtpResponse Reply(int code, string text) => new((SmtpReplyCode)code, text);

    // The library's own replies (SmtpServer 11.1: SmtpResponse's statics and its commands' texts)
    // as the listener says them. ReplyTextWriter applies this to every line the library writes.
    private static readonly Dictionary<(int Code, string Text), string> LibraryTexts = new()
    {
        [(220, "ready when you are")] = "2.0.0 Ready to start TLS",
        [(235, "go ahead")] = "2.7.0 Authentication successful",
        [(250, "Ok")] = "2.0.0 OK",
        [(221, "bye")] = "2.0.0 Closing connection",
        [(221, "The session has be cancelled.")] = "2.0.0 Closing connection, the listener is stopping",
        [(221, "Timeout while waiting for input.")] = "2.0.0 Closing connection, no command within the time allowed",
        [(500, "Unrecognized command")] = "5.5.2 Command not recognized",
        [(502, "Unrecognized command")] = "5.5.1 Command not recognized",
        [(501, "syntax error")] = "5.5.4 Syntax error in parameters or arguments",
        [(501, "missing the FROM:")] = "5.5.4 Syntax: MAIL FROM:<address>",
        [(501, "missing the TO:")] = "5.5.4 Syntax: RCPT TO:<address>",
        [(503, "bad sequence of commands")] = "5.5.1 Bad sequence of commands",
        [(530, "authentication required")] = "5.7.0 Authentication required",
        [(535, "authentication failed")] = AuthenticationFailedText,
        [(550, "mailbox unavailable")] = "5.1.1 Mailbox unavailable",
        [(553, "mailbox name not allowed")] = "5.1.3 Mailbox name not allowed",
        [(552, "size limit exceeded")] = "5.3.4 Message size exceeds the limit",
        [(552, "message size exceeds fixed maximium message size")] = "5.3.4 Message size exceeds the limit",
        [(554, "no valid recipients given")] = "5.5.1 No valid recipients",
        [(554, "")] = "5.3.0 Transaction failed",
        [(354, "end with <CRLF>.<CRLF>")] = "Start mail input; end with <CRLF>.<CRLF>",
        [(334, "")] = "",
    };

    private static readonly System.Text.RegularExpressions.Regex RetryCount =
        new(@", \d+ (retry\(ies\)|attempt\(s\)) remaining\.$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private const string LibraryEhloTail = ", haven't we met before?";

    /// <summary>
    /// One reply line as the listener says it: the library's phrase replaced by ours (with its
    /// enhanced status code), its retry count and its EHLO quip removed. <paramref name="command"/> is
    /// the verb answered (MAIL, RCPT, …). Any other line is returned as it is.
    /// </summary>
    public static string OwnText(string line, string? command = null)
    {
        if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
        {
            return line;
        }
        var separator = line.Length > 3 ? line[3] : ' ';
        var text = line.Length > 4 ? line[4..] : string.Empty;
        text = RetryCount.Replace(text, string.Empty);
        if (text.EndsWith(LibraryEhloTail, StringComparison.Ordinal))
        {
            text = text[..^LibraryEhloTail.Length];
        }
        if (code == 250 && text == "Ok" && command is "MAIL" or "RCPT")
        {
            text = command == "MAIL" ? "2.1.0 Sender OK" : "2.1.5 Recipient OK";
        }
        else if (LibraryTexts.TryGetValue((code, text.Trim()), out var own))
        {
            text = own;
        }
        else if (text.StartsWith("expected ", StringComparison.Ordinal))
        {
            // The state machine's refusal of a command out of order ("expected MAIL/RSET/…"),
            // which the library answers 501: RFC 5321 4.2.4 calls that 503.
            text = "5.5.1 Bad sequence of commands, " + text;
            code = 503;
        }
        return $"{code}{separator}{text}";
    }
}
