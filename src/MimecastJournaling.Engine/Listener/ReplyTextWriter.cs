using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The session's output, with the SmtpServer library's own reply texts replaced by the listener's
/// (<see cref="SmtpReplies.OwnText"/>): the library writes fixed phrases and appends
/// "…, N retry(ies) remaining" to every refusal, none of which can be configured. Complete lines
/// are rewritten when the library flushes; what the listener writes itself passes unchanged.
/// </summary>
internal sealed class ReplyTextWriter : PipeWriter
{
    private readonly PipeWriter _inner;
    private readonly ReplyContext _context;
    private readonly ArrayBufferWriter<byte> _pending = new(512);

    public ReplyTextWriter(PipeWriter inner, ReplyContext context)
    {
        _inner = inner;
        _context = context;
    }

    public override void Advance(int bytes) => _pending.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => _pending.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _pending.GetSpan(sizeHint);

    public override void CancelPendingFlush() => _inner.CancelPendingFlush();

    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        WriteCompleteLines(final: false);
        return await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Complete(Exception? exception = null)
    {
        WriteCompleteLines(final: true);
        _inner.Complete(exception);
    }

    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        WriteCompleteLines(final: true);
        await _inner.CompleteAsync(exception).ConfigureAwait(false);
    }

    /// <summary>Moves every complete line (rewritten) to the inner writer; keeps a partial line unless <paramref name="final"/>.</summary>
    private void WriteCompleteLines(bool final)
    {
        if (_pending.WrittenCount == 0)
        {
            return;
        }
        var text = Encoding.ASCII.GetString(_pending.WrittenSpan);
        var end = final ? text.Length : text.LastIndexOf("\r\n", StringComparison.Ordinal) + 2;
        if (end < 2 && !final)
        {
            return;
        }
        var output = new StringBuilder(end + 32);
        var position = 0;
        while (position < end)
        {
            var lineEnd = text.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0 || lineEnd >= end)
            {
                output.Append(text, position, end - position);
                break;
            }
            output.Append(_context.Count(SmtpReplies.OwnText(text.Substring(position, lineEnd - position), _context.Command))).Append("\r\n");
            position = lineEnd + 2;
        }
        _inner.Write(Encoding.ASCII.GetBytes(output.ToString()));
        var rest = Encoding.ASCII.GetBytes(text.Substring(end));
        _pending.Clear();
        rest.CopyTo(_pending.GetSpan(rest.Length));
        _pending.Advance(rest.Length);
    }
}

/// <summary>
/// The command a session is answering (SMTP verb, e.g. MAIL), for the reply's text; and the
/// session's bad commands (replies 500 to 504, whoever wrote them): the
/// <see cref="SmtpReplies.MaxBadCommands"/>th is answered 421 instead, and the session's reader
/// closes the connection before it reads another command (<see cref="CloseRequested"/>).
/// </summary>
internal sealed class ReplyContext
{
    public volatile string? Command;

    /// <summary>The server name of the 421.</summary>
    public string ServerName { get; set; } = "journal";

    public int BadCommands { get; private set; }

    /// <summary>The 421 for too many bad commands went out: read nothing more.</summary>
    public bool CloseRequested { get; private set; }

    /// <summary>Counts a reply's last line and, at the limit, replaces it with the 421.</summary>
    public string Count(string line)
    {
        if (line.Length < 4 || line[3] != ' ' || line[0] != '5' || line[1] != '0' || line[2] is < '0' or > '4')
        {
            return line;
        }
        BadCommands++;
        if (BadCommands < SmtpReplies.MaxBadCommands)
        {
            return line;
        }
        CloseRequested = true;
        return SmtpReplies.TooManyBadCommands(ServerName);
    }
}
