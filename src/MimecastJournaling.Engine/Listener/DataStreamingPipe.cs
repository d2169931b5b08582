using System.Buffers;
using System.IO.Pipelines;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Protocol;

namespace MimecastJournaling.Engine.Listener;

/// <summary>What the DATA stream needs from the listener.</summary>
/// <param name="TlsFailed">Told of a failed TLS handshake (STARTTLS or implicit TLS) and the peer's address.</param>
/// <param name="TransactionCompleted">Told of every finished SMTP transaction (see <see cref="SmtpTransactionTracker"/>).</param>
internal sealed record DataStreamingOptions(int MaxMessageSize, string TemporaryDirectory, ListenerCounters Counters, Action<System.Net.IPAddress, Exception>? TlsFailed = null,
    Action<SmtpTransactionRecord>? TransactionCompleted = null)
{
    /// <summary>How long one command line may take to arrive, idle or trickling (RFC 5321 4.5.3.2.7: 5 minutes).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The slowest DATA allowed, in bytes per second averaged from the start of the content, once <see cref="DataRateGrace"/> has passed.</summary>
    public int MinimumDataRate { get; init; } = 1024;

    public TimeSpan DataRateGrace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The server name in replies the stream writes itself.</summary>
    public string ServerName { get; init; } = "journal";
}

/// <summary>
/// The session's pipe, taking the message content out of SmtpServer's hands. The library reads a
/// whole DATA block into memory before it calls the message store, and its DATA command cannot be
/// replaced (its command type has an internal abstract method). So when DATA is about to run, the
/// reader copies the incoming content into a <see cref="ReceivedMessage"/> as it arrives (memory
/// up to 1 MB, then a private file), enforces the size limit on the way (552 and the connection
/// closed, as soon as the limit is passed), and then hands the library a one-byte placeholder
/// block; <see cref="SpoolingMessageStore"/> takes the real content from the session.
/// </summary>
internal sealed class DataStreamingPipe : ISecurableDuplexPipe
{
    private readonly ISecurableDuplexPipe _inner;
    private readonly ISessionContext _context;
    private readonly DataStreamingOptions _options;
    private readonly DataStreamingReader _reader;

    public DataStreamingPipe(ISecurableDuplexPipe inner, ISessionContext context, DataStreamingOptions options, ReplyContext? replies = null)
    {
        _inner = inner;
        _context = context;
        _options = options;
        _reader = new DataStreamingReader(inner, context, options, replies);
        SmtpTransactionTracker.Attach(context, options.TransactionCompleted);
        // DATA runs only after at least one accepted recipient; otherwise the library refuses it
        // without a 354, and the client sends no content.
        context.CommandExecuting += (_, e) =>
        {
            if (e.Command is DataCommand && SessionFacts.TransactionRecipients(context) > 0)
            {
                _reader.ExpectContent();
            }
        };
        // Only an EHLO or HELO the library accepted ends the wait for one after STARTTLS.
        context.CommandExecuted += (_, e) =>
        {
            if (e.Command is EhloCommand or HeloCommand)
            {
                _reader.Greeted();
            }
        };
    }

    public PipeReader Input => _reader;
    public PipeWriter Output => _inner.Output;
    public bool IsSecure => _inner.IsSecure;
    public SslProtocols SslProtocol => _inner.SslProtocol;

    public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
    {
        try
        {
            await _inner.UpgradeAsync(certificate, protocols, cancellationToken).ConfigureAwait(false);
            _reader.TlsStarted();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _options.TlsFailed?.Invoke(SessionFacts.RemoteAddress(_context), e);
            SmtpTransactionTracker.Of(_context)?.TlsFailed(e);
            throw;
        }
    }

    public void Dispose()
    {
        // A message whose DATA ended but that never reached the store (the session broke first).
        SessionFacts.TakeReceivedMessage(_context)?.Dispose();
        SmtpTransactionTracker.Of(_context)?.SessionEnded();
        _inner.Dispose();
    }
}

/// <summary>Passes the session's input through, except for the content of a DATA command (see <see cref="DataStreamingPipe"/>).</summary>
internal sealed class DataStreamingReader : PipeReader
{
    // What the library gets instead of the content: one byte and the end-of-data line.
    private static readonly byte[] Placeholder = "X\r\n.\r\n"u8.ToArray();

    private readonly ISecurableDuplexPipe _pipe;
    private readonly ISessionContext _context;
    private readonly DataStreamingOptions _options;
    private readonly ReplyContext? _replies;
    private bool _contentExpected;
    private bool _closed;
    // What the library reads instead of the client's bytes: the DATA placeholder, or the AUTH
    // PLAIN line an AUTH exchange ended with.
    private ReadOnlySequence<byte>? _placeholder;
    private bool _helloRequired;

    public DataStreamingReader(ISecurableDuplexPipe pipe, ISessionContext context, DataStreamingOptions options, ReplyContext? replies = null)
    {
        _pipe = pipe;
        _context = context;
        _options = options;
        _replies = replies;
    }

    /// <summary>
    /// RFC 3207 4.2: after the TLS handshake the session starts again. Nothing from before TLS
    /// counts (the client's EHLO, a proved credential, SMTPUTF8), and the client must send EHLO
    /// before anything but NOOP, RSET or QUIT.
    /// </summary>
    /// <summary>The library accepted EHLO or HELO: after STARTTLS, the session may go on.</summary>
    public void Greeted() => _helloRequired = false;

    public void TlsStarted()
    {
        _helloRequired = true;
        _utf8Transaction = false;
        _authenticationLines = 0;
        SessionFacts.ForgetVerified(_context);
    }

    // The pipe's reader changes when STARTTLS upgrades the connection.
    private PipeReader Inner => _pipe.Input;

    public void ExpectContent() => _contentExpected = true;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_closed)
        {
            return ValueTask.FromResult(new ReadResult(ReadOnlySequence<byte>.Empty, false, true));
        }
        if (_placeholder is { } placeholder)
        {
            return ValueTask.FromResult(new ReadResult(placeholder, false, false));
        }
        if (_contentExpected)
        {
            _contentExpected = false;
            return ReceiveContentAsync(cancellationToken);
        }
        return ReadCommandAsync(cancellationToken);
    }

    // Every command line goes through ReadCommandAsync (its length and time limits), never past it.
    public override bool TryRead(out ReadResult result)
    {
        result = default;
        return false;
    }

    /// <summary>RFC 5321 4.5.3.1.4: a command line is at most 512 octets with its CRLF.</summary>
    internal const int MaxCommandLine = 512;

    /// <summary>RFC 4954 4: AUTH command lines (and the responses to its challenges) may be 12,288 octets.</summary>
    internal const int MaxAuthenticationLine = 12_288;

    /// <summary>Over-long lines answered 500 before the connection is closed.</summary>
    internal const int MaxLongLines = 3;

    private int _longLines;
    private bool _discarding;
    private int _authenticationLines;
    private bool _utf8Transaction;
    private DateTimeOffset? _commandDeadline;

    /// <summary>
    /// Hands the library one command line at a time, within bounds it does not keep itself: a line
    /// longer than the RFC limit is answered 500 and thrown away as it arrives (the connection is
    /// closed after <see cref="MaxLongLines"/> of them), a line must arrive within the command
    /// timeout however slowly it trickles (421 and closed), and an envelope address with 8-bit
    /// bytes needs SMTPUTF8 on MAIL (553 5.6.7, RFC 6531).
    /// </summary>
    private async ValueTask<ReadResult> ReadCommandAsync(CancellationToken cancellationToken)
    {
        _commandDeadline ??= DateTimeOffset.UtcNow + _options.CommandTimeout;
        while (true)
        {
            if (_replies?.CloseRequested == true)
            {
                // The 421 for the fifth bad command went out (ReplyContext): read nothing more.
                _options.Counters.Refused(RefusalReason.TooManyBadCommands);
                _closed = true;
                _pipe.Dispose();
                return new ReadResult(ReadOnlySequence<byte>.Empty, false, true);
            }
            var remaining = _commandDeadline.Value - DateTimeOffset.UtcNow;
            ReadResult result;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1));
                try
                {
                    result = await Inner.ReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return await RefuseAndCloseAsync(RefusalReason.Timeout, SmtpReplies.CommandTimeout(_options.ServerName), cancellationToken).ConfigureAwait(false);
                }
            }
            var buffer = result.Buffer;
            var lineFeed = buffer.PositionOf((byte)'\n');
            if (_discarding)
            {
                if (lineFeed is { } end)
                {
                    Inner.AdvanceTo(buffer.GetPosition(1, end));
                    _discarding = false;
                    continue;
                }
                Inner.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return new ReadResult(ReadOnlySequence<byte>.Empty, result.IsCanceled, result.IsCompleted);
                }
                continue;
            }
            var lineLength = lineFeed is { } found ? buffer.Slice(0, found).Length + 1 : buffer.Length;
            var limit = _authenticationLines > 0 || StartsWith(buffer, "AUTH "u8) ? MaxAuthenticationLine : MaxCommandLine;
            if (lineLength > limit)
            {
                _longLines++;
                if (_longLines >= MaxLongLines)
                {
                    Inner.AdvanceTo(buffer.End);
                    return await RefuseAndCloseAsync(RefusalReason.LineTooLong, SmtpReplies.TooManyLongLines(_options.ServerName), cancellationToken).ConfigureAwait(false);
                }
                _options.Counters.Refused(RefusalReason.LineTooLong);
                SkipOverlongLine(buffer, lineFeed);
                await WriteReplyAsync(SmtpReplies.LineTooLong(limit), cancellationToken).ConfigureAwait(false);
                _commandDeadline = DateTimeOffset.UtcNow + _options.CommandTimeout;
                continue;
            }
            if (lineFeed is { } complete)
            {
                var line = buffer.Slice(0, complete);
                if (RefuseEightBitEnvelope(line))
                {
                    Inner.AdvanceTo(buffer.GetPosition(1, complete));
                    _options.Counters.Refused(RefusalReason.EightBitEnvelope);
                    await WriteReplyAsync(SmtpReplies.EightBitEnvelopeWithoutSmtpUtf8, cancellationToken).ConfigureAwait(false);
                    _commandDeadline = DateTimeOffset.UtcNow + _options.CommandTimeout;
                    continue;
                }
                if (IsDataWithoutRecipients(line))
                {
                    // The library would answer 501 (a syntax error); RFC 5321 3.3 wants 503 or 554.
                    Inner.AdvanceTo(buffer.GetPosition(1, complete));
                    await WriteReplyAsync(SmtpReplies.NoValidRecipients, cancellationToken).ConfigureAwait(false);
                    _commandDeadline = DateTimeOffset.UtcNow + _options.CommandTimeout;
                    continue;
                }
                var verb = Verb(line);
                if (_helloRequired && verb is not ("EHLO" or "HELO" or "NOOP" or "RSET" or "QUIT"))
                {
                    Inner.AdvanceTo(buffer.GetPosition(1, complete));
                    await WriteReplyAsync(SmtpReplies.HelloRequiredAfterTls, cancellationToken).ConfigureAwait(false);
                    _commandDeadline = DateTimeOffset.UtcNow + _options.CommandTimeout;
                    continue;
                }
                if (verb == "AUTH" && _pipe.IsSecure)
                {
                    // Over TLS only (before it, the library refuses AUTH without asking for anything).
                    var command = Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
                    Inner.AdvanceTo(buffer.GetPosition(1, complete));
                    var (substitute, closed) = await AuthenticationExchangeAsync(command, cancellationToken).ConfigureAwait(false);
                    if (closed is { } end)
                    {
                        return end;
                    }
                    if (substitute is not null)
                    {
                        _commandDeadline = null;
                        _placeholder = new ReadOnlySequence<byte>(substitute);
                        return new ReadResult(_placeholder.Value, false, false);
                    }
                    _commandDeadline = DateTimeOffset.UtcNow + _options.CommandTimeout;
                    continue;
                }
                _authenticationLines = StartsWith(buffer, "AUTH "u8) ? 2 : Math.Max(0, _authenticationLines - 1);
                // The library takes this line; the next read starts the next command's time.
                _commandDeadline = null;
            }
            return result;
        }
    }

    /// <summary>The command's verb in upper case ("MAIL"), or "" when the line does not start with one.</summary>
    private static string Verb(ReadOnlySequence<byte> line)
    {
        Span<byte> head = stackalloc byte[4];
        if (line.Length < 4)
        {
            return "";
        }
        line.Slice(0, 4).CopyTo(head);
        if (line.Length > 4)
        {
            Span<byte> next = stackalloc byte[1];
            line.Slice(4, 1).CopyTo(next);
            if (next[0] is not ((byte)' ' or (byte)'\r'))
            {
                return "";
            }
        }
        foreach (var b in head)
        {
            if (b is < (byte)'A' or > (byte)'z' || b is > (byte)'Z' and < (byte)'a')
            {
                return "";
            }
        }
        return Encoding.ASCII.GetString(head).ToUpperInvariant();
    }

    /// <summary>
    /// An AUTH command over TLS, answered here (RFC 4954 4) so that every AUTH gets exactly one
    /// final reply: an unknown mechanism 504, a malformed answer (not base64, a PLAIN message
    /// without its two NULs, an empty user name or password) 501 5.5.2, "*" 501 5.7.0. The
    /// challenges of PLAIN and LOGIN are sent here too; well-formed credentials are handed to the
    /// library as one AUTH PLAIN line (the bytes as the client sent them), which checks the
    /// session's state and the password (JournalAuthenticator) and gives the 235, 535 or 454.
    /// Returns that line, or nothing after a reply written here, or the end of the session.
    /// </summary>
    private async ValueTask<(byte[]? Substitute, ReadResult? Closed)> AuthenticationExchangeAsync(string command, CancellationToken cancellationToken)
    {
        var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 2 or > 3)
        {
            await WriteReplyAsync(SmtpReplies.AuthenticationSyntax, cancellationToken).ConfigureAwait(false);
            return (null, null);
        }
        var mechanism = parts[1].ToUpperInvariant();
        if (mechanism is not ("PLAIN" or "LOGIN"))
        {
            await WriteReplyAsync(SmtpReplies.AuthenticationMechanismUnknown, cancellationToken).ConfigureAwait(false);
            return (null, null);
        }
        var initial = parts.Length == 3 ? parts[2] : null;
        if (mechanism == "PLAIN")
        {
            var (message, closed) = await AuthenticationAnswerAsync(initial, "334 ", cancellationToken).ConfigureAwait(false);
            if (message is null)
            {
                return (null, closed);
            }
            // RFC 4616 2: [authzid] NUL authcid NUL passwd, authcid and passwd not empty.
            var first = Array.IndexOf(message, (byte)0);
            var second = first < 0 ? -1 : Array.IndexOf(message, (byte)0, first + 1);
            if (second < 0 || Array.IndexOf(message, (byte)0, second + 1) >= 0 || second == first + 1 || second == message.Length - 1)
            {
                await WriteReplyAsync(SmtpReplies.AuthenticationMalformedPlain, cancellationToken).ConfigureAwait(false);
                return (null, null);
            }
            return (Encoding.ASCII.GetBytes("AUTH PLAIN " + Convert.ToBase64String(message) + "\r\n"), null);
        }
        var (user, userClosed) = await AuthenticationAnswerAsync(initial, "334 VXNlcm5hbWU6", cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return (null, userClosed);
        }
        var (password, passwordClosed) = await AuthenticationAnswerAsync(null, "334 UGFzc3dvcmQ6", cancellationToken).ConfigureAwait(false);
        if (password is null)
        {
            return (null, passwordClosed);
        }
        if (user.Length == 0 || password.Length == 0 || Array.IndexOf(user, (byte)0) >= 0 || Array.IndexOf(password, (byte)0) >= 0)
        {
            await WriteReplyAsync(SmtpReplies.AuthenticationMalformedLogin, cancellationToken).ConfigureAwait(false);
            return (null, null);
        }
        var plain = new byte[user.Length + password.Length + 2];
        user.CopyTo(plain, 1);
        password.CopyTo(plain, user.Length + 2);
        var line = Encoding.ASCII.GetBytes("AUTH PLAIN " + Convert.ToBase64String(plain) + "\r\n");
        Array.Clear(plain);
        return (line, null);
    }

    /// <summary>
    /// One decoded answer of the exchange: <paramref name="given"/> (the initial response), else
    /// what the client answers to <paramref name="challenge"/>. Null when the exchange is over: a
    /// reply was written (501 for what is not base64, or see <see cref="ReadAuthenticationAnswerAsync"/>), or the session ended (Closed).
    /// </summary>
    private async ValueTask<(byte[]? Answer, ReadResult? Closed)> AuthenticationAnswerAsync(string? given, string challenge, CancellationToken cancellationToken)
    {
        if (given is null)
        {
            var (answer, closed) = await ReadAuthenticationAnswerAsync(challenge, cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                return (null, closed);
            }
            given = answer;
        }
        if (Decode(given) is not { } decoded)
        {
            await WriteReplyAsync(SmtpReplies.AuthenticationUndecodable, cancellationToken).ConfigureAwait(false);
            return (null, null);
        }
        return (decoded, null);
    }

    /// <summary>Base64 (RFC 4954: "=" is an empty response), or null when it is not.</summary>
    private static byte[]? Decode(string text)
    {
        if (text == "=")
        {
            return [];
        }
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var written) && written > 0 ? bytes[..written] : null;
    }

    /// <summary>
    /// Moves past a refused over-long line: to its end when it is all here, otherwise past what
    /// arrived, discarding the rest of the line as it comes (never buffered).
    /// </summary>
    private void SkipOverlongLine(in ReadOnlySequence<byte> buffer, SequencePosition? lineFeed)
    {
        if (lineFeed is { } end)
        {
            Inner.AdvanceTo(buffer.GetPosition(1, end));
        }
        else
        {
            Inner.AdvanceTo(buffer.End);
            _discarding = true;
        }
    }

    /// <summary>
    /// Sends a 334 challenge and reads the client's answer line within the command timeout and
    /// AUTH's line limit. Null with nothing more to do after "*" (501 5.7.0 written), an over-long
    /// answer (500, the rest of the line discarded), or the end of the session (then Closed).
    /// </summary>
    private async ValueTask<(string? Answer, ReadResult? Closed)> ReadAuthenticationAnswerAsync(string challenge, CancellationToken cancellationToken)
    {
        await _pipe.Output.WriteAsync(Encoding.ASCII.GetBytes(challenge + "\r\n"), cancellationToken).ConfigureAwait(false);
        await _pipe.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        var deadline = DateTimeOffset.UtcNow + _options.CommandTimeout;
        while (true)
        {
            var remaining = deadline - DateTimeOffset.UtcNow;
            ReadResult result;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1));
                try
                {
                    result = await Inner.ReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return (null, await RefuseAndCloseAsync(RefusalReason.Timeout, SmtpReplies.CommandTimeout(_options.ServerName), cancellationToken).ConfigureAwait(false));
                }
            }
            var buffer = result.Buffer;
            var lineFeed = buffer.PositionOf((byte)'\n');
            var length = lineFeed is { } found ? buffer.Slice(0, found).Length + 1 : buffer.Length;
            if (length > MaxAuthenticationLine)
            {
                _options.Counters.Refused(RefusalReason.LineTooLong);
                SkipOverlongLine(buffer, lineFeed);
                await WriteReplyAsync(SmtpReplies.LineTooLong(MaxAuthenticationLine), cancellationToken).ConfigureAwait(false);
                return (null, null);
            }
            if (lineFeed is { } complete)
            {
                var answer = Encoding.ASCII.GetString(buffer.Slice(0, complete).ToArray()).TrimEnd('\r').Trim();
                Inner.AdvanceTo(buffer.GetPosition(1, complete));
                if (answer == "*")
                {
                    await WriteReplyAsync(SmtpReplies.AuthenticationCancelled, cancellationToken).ConfigureAwait(false);
                    return (null, null);
                }
                return (answer, null);
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                Inner.AdvanceTo(buffer.End);
                _closed = true;
                return (null, new ReadResult(ReadOnlySequence<byte>.Empty, result.IsCanceled, true));
            }
            Inner.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>DATA (with its CR) while the transaction has no accepted recipient.</summary>
    private bool IsDataWithoutRecipients(ReadOnlySequence<byte> line)
    {
        if (line.Length is < 4 or > 6 || !StartsWith(line, "DATA"u8))
        {
            return false;
        }
        var rest = line.Slice(4).ToArray();
        return rest.All(b => b is (byte)'\r' or (byte)' ') && SessionFacts.TransactionRecipients(_context) == 0;
    }

    /// <summary>MAIL and RCPT with bytes beyond ASCII, without SMTPUTF8 on the transaction's MAIL.</summary>
    private bool RefuseEightBitEnvelope(ReadOnlySequence<byte> line)
    {
        var isMail = StartsWith(line, "MAIL "u8);
        if (!isMail && !StartsWith(line, "RCPT "u8))
        {
            return false;
        }
        var bytes = line.ToArray();
        if (isMail)
        {
            _utf8Transaction = System.Text.Encoding.ASCII.GetString(bytes).Contains(" SMTPUTF8", StringComparison.OrdinalIgnoreCase);
        }
        return !_utf8Transaction && bytes.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;
    }

    private static bool StartsWith(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> prefix)
    {
        if (buffer.Length < prefix.Length)
        {
            return false;
        }
        Span<byte> head = stackalloc byte[prefix.Length];
        buffer.Slice(0, prefix.Length).CopyTo(head);
        for (var i = 0; i < head.Length; i++)
        {
            if ((head[i] | 0x20) != (prefix[i] | 0x20))
            {
                return false;
            }
        }
        return true;
    }

    private async ValueTask WriteReplyAsync(SmtpResponse reply, CancellationToken cancellationToken)
    {
        await _pipe.Output.WriteAsync(Encoding.ASCII.GetBytes($"{(int)reply.ReplyCode} {reply.Message}\r\n"), cancellationToken).ConfigureAwait(false);
        await _pipe.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_placeholder is { } placeholder)
        {
            var rest = placeholder.Slice(consumed);
            _placeholder = rest.IsEmpty ? null : rest;
            return;
        }
        if (!_closed)
        {
            Inner.AdvanceTo(consumed, examined);
        }
    }

    public override void CancelPendingRead() => Inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => Inner.Complete(exception);

    private async ValueTask<ReadResult> ReceiveContentAsync(CancellationToken cancellationToken)
    {
        var message = new ReceivedMessage(_options.TemporaryDirectory);
        var unstuffer = new DotUnstuffer();
        var pieces = new List<ReadOnlyMemory<byte>>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (true)
            {
                ReadResult result;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    // Nothing at all for a command timeout, or slower on average than the minimum rate: 421, closed.
                    idle.CancelAfter(_options.CommandTimeout);
                    try
                    {
                        result = await Inner.ReadAsync(idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        message.Dispose();
                        return await RefuseAndCloseAsync(RefusalReason.Timeout, SmtpReplies.DataTooSlow(_options.ServerName), cancellationToken).ConfigureAwait(false);
                    }
                }
                if (started.Elapsed > _options.DataRateGrace && (message.Length + result.Buffer.Length) / started.Elapsed.TotalSeconds < _options.MinimumDataRate)
                {
                    Inner.AdvanceTo(result.Buffer.End);
                    message.Dispose();
                    return await RefuseAndCloseAsync(RefusalReason.Timeout, SmtpReplies.DataTooSlow(_options.ServerName), cancellationToken).ConfigureAwait(false);
                }
                pieces.Clear();
                var (consumed, ended) = unstuffer.Scan(result.Buffer, pieces);
                long size = message.Length;
                foreach (var piece in pieces)
                {
                    size += piece.Length;
                }
                if (size > _options.MaxMessageSize)
                {
                    Inner.AdvanceTo(result.Buffer.End);
                    message.Dispose();
                    return await RefuseAndCloseAsync(RefusalReason.TooLarge, SmtpReplies.TooLarge(_options.MaxMessageSize), cancellationToken).ConfigureAwait(false);
                }
                try
                {
                    foreach (var piece in pieces)
                    {
                        await message.WriteAsync(piece, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Local trouble (a full disk, an unusable folder for large content), not the
                    // sender's fault: a temporary refusal, so Exchange keeps the report and retries.
                    Inner.AdvanceTo(result.Buffer.End);
                    message.Dispose();
                    return await RefuseAndCloseAsync(RefusalReason.StoreUnavailable, SmtpReplies.StoreUnavailable, cancellationToken).ConfigureAwait(false);
                }
                var position = result.Buffer.GetPosition(consumed);
                Inner.AdvanceTo(position, ended ? position : result.Buffer.End);
                if (ended)
                {
                    break;
                }
                if (result.IsCompleted || result.IsCanceled)
                {
                    // The peer went away in the middle of DATA: nothing was received.
                    message.Dispose();
                    return new ReadResult(ReadOnlySequence<byte>.Empty, result.IsCanceled, result.IsCompleted);
                }
            }
            try
            {
                await message.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                message.Dispose();
                return await RefuseAndCloseAsync(RefusalReason.StoreUnavailable, SmtpReplies.StoreUnavailable, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            message.Dispose();
            throw;
        }
        SessionFacts.PutReceivedMessage(_context, message);
        var placeholder = new ReadOnlySequence<byte>(Placeholder);
        _placeholder = placeholder;
        return new ReadResult(placeholder, false, false);
    }

    /// <summary>
    /// Answers in the middle of DATA and ends the session (as SmtpServer's strict size limit does):
    /// the rest of the content is not read.
    /// </summary>
    private async ValueTask<ReadResult> RefuseAndCloseAsync(RefusalReason reason, SmtpResponse reply, CancellationToken cancellationToken)
    {
        _options.Counters.Refused(reason);
        SmtpTransactionTracker.Of(_context)?.Replied(reply, reason);
        _closed = true;
        try
        {
            await _pipe.Output.WriteAsync(Encoding.ASCII.GetBytes($"{(int)reply.ReplyCode} {reply.Message}\r\n"), cancellationToken).ConfigureAwait(false);
            await _pipe.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // The peer is gone already.
        }
        _pipe.Dispose();
        return new ReadResult(ReadOnlySequence<byte>.Empty, false, true);
    }
}

/// <summary>
/// Finds the end of SMTP DATA (a line holding only ".") and removes dot-stuffing (RFC 5321
/// 4.5.2), across reads that split lines anywhere. The content keeps the line break that ends
/// its last line. Lines end with CRLF; a bare LF is content, not a line end.
/// </summary>
internal sealed class DotUnstuffer
{
    private static readonly ReadOnlyMemory<byte> HeldCarriageReturn = new byte[] { (byte)'\r' };

    private enum State
    {
        LineStart,
        InLine,
        Dot,
        DotCarriageReturn,
    }

    private State _state = State.LineStart;
    private bool _previousWasCarriageReturn;

    /// <summary>
    /// Adds the content in <paramref name="buffer"/> to <paramref name="content"/> (slices of the
    /// buffer, valid until it is advanced). Returns how many bytes were used, and whether the end
    /// of data was among them.
    /// </summary>
    public (long Consumed, bool Ended) Scan(ReadOnlySequence<byte> buffer, List<ReadOnlyMemory<byte>> content)
    {
        long offset = 0;
        foreach (var memory in buffer)
        {
            var span = memory.Span;
            var i = 0;
            var from = 0;
            while (i < span.Length)
            {
                switch (_state)
                {
                    case State.InLine:
                        var lineFeed = span[i..].IndexOf((byte)'\n');
                        if (lineFeed < 0)
                        {
                            _previousWasCarriageReturn = span[^1] == '\r';
                            i = span.Length;
                            break;
                        }
                        var at = i + lineFeed;
                        var endsLine = at > 0 ? span[at - 1] == '\r' : _previousWasCarriageReturn;
                        _previousWasCarriageReturn = false;
                        i = at + 1;
                        if (endsLine)
                        {
                            _state = State.LineStart;
                        }
                        break;
                    case State.LineStart:
                        if (span[i] == '.')
                        {
                            Add(content, memory, from, i);
                            i++;
                            from = i;
                            _state = State.Dot;
                        }
                        else
                        {
                            _state = State.InLine;
                        }
                        break;
                    case State.Dot:
                        if (span[i] == '\r')
                        {
                            i++;
                            from = i;
                            _state = State.DotCarriageReturn;
                        }
                        else
                        {
                            // A stuffed dot: it is dropped, the rest of the line is content.
                            _state = State.InLine;
                        }
                        break;
                    case State.DotCarriageReturn:
                        if (span[i] == '\n')
                        {
                            return (offset + i + 1, true);
                        }
                        // ".\r" then something else: a stuffed dot before a carriage return.
                        content.Add(HeldCarriageReturn);
                        _previousWasCarriageReturn = true;
                        _state = State.InLine;
                        break;
                }
            }
            Add(content, memory, from, span.Length);
            offset += span.Length;
        }
        return (offset, false);
    }

    private static void Add(List<ReadOnlyMemory<byte>> content, ReadOnlyMemory<byte> memory, int from, int to)
    {
        if (to > from)
        {
            content.Add(memory[from..to]);
        }
    }
}
