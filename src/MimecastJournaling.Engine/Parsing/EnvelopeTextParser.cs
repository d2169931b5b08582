namespace MimecastJournaling.Engine.Parsing;

/// <summary>
/// Reads the decoded text of an envelope part. Field names are recognised only at the start of a
/// line, case-insensitively; a value is never re-parsed, so a subject with "To:" or "Bcc:" in it is
/// just a subject. Work is linear in the length of the text.
/// </summary>
internal static class EnvelopeTextParser
{
    private const int MaxFieldNameLength = 64;

    // Fields of MS-XJRNL and of GCC reports that carry nothing the report exposes.
    private static readonly HashSet<string> KnownIgnoredFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "Label", "Mailbox", "SentUtc", "ReceivedUtc",
        "Rule-Names", "Received", "Mapi-Message-Class", "Original-Authenticator",
        "Original-Message-Size", "Recipient-Count",
    };

    /// <summary>Splits on CRLF, LF or a lone CR.</summary>
    internal static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' || c == '\r')
            {
                lines.Add(text.Substring(start, i - start));
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < text.Length)
        {
            lines.Add(text.Substring(start));
        }
        return lines;
    }

    /// <summary>Returns the field name at the start of the line (letters, digits, '-', then ':'), or null.</summary>
    internal static string? FieldName(string line, out string value)
    {
        value = string.Empty;
        var limit = Math.Min(line.Length, MaxFieldNameLength + 1);
        for (var i = 0; i < limit; i++)
        {
            var c = line[i];
            if (c == ':')
            {
                if (i == 0)
                {
                    return null;
                }
                value = line.Substring(i + 1).Trim();
                return line.Substring(0, i);
            }
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>Exchange 2007 and later: Sender, On-Behalf-Of, Subject, Message-Id, To/Cc/Bcc/Recipient lines.</summary>
    internal static EnvelopeFields Parse2007(string text, string? originalSubject, DefectList defects)
    {
        var fields = new EnvelopeFields();
        var lines = SplitLines(text);
        var unknownNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var notUnderstood = 0;
        // The original's subject without line breaks (decoders differ in what they keep of them).
        var flatOriginalSubject = originalSubject?.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var name = FieldName(line, out var value);
            if (name is null)
            {
                notUnderstood++;
                if (notUnderstood <= 3)
                {
                    defects.Add($"Envelope line {i + 1} is not a field and was ignored.");
                }
                continue;
            }

            if (name.Equals("Sender", StringComparison.OrdinalIgnoreCase))
            {
                if (fields.Sender is null)
                {
                    fields.Sender = AddressText.Normalize(value);
                }
                else
                {
                    defects.Add("The envelope has more than one Sender line; the first was used.");
                }
            }
            else if (name.Equals("On-Behalf-Of", StringComparison.OrdinalIgnoreCase))
            {
                fields.OnBehalfOf ??= AddressText.Normalize(value);
            }
            else if (name.Equals("Subject", StringComparison.OrdinalIgnoreCase))
            {
                if (fields.HasSubject)
                {
                    defects.Add("The envelope has more than one Subject line; the first was used.");
                    continue;
                }
                fields.HasSubject = true;
                // The value keeps its inner spacing; only the single space after the colon goes.
                var raw = line.Substring(name.Length + 1);
                if (raw.StartsWith(' '))
                {
                    raw = raw.Substring(1);
                }
                raw = raw.TrimEnd();
                // A subject with encoded line breaks is written raw by Exchange; its continuation
                // lines would look like fields ("Bcc: x"). When the original's subject goes on where
                // this line stops, follow it over the next lines instead of reading them as fields.
                if (flatOriginalSubject is not null && flatOriginalSubject.Length > raw.Length
                    && flatOriginalSubject.StartsWith(raw, StringComparison.Ordinal))
                {
                    var flat = raw;
                    var joined = raw;
                    var consumed = 0;
                    while (i + 1 < lines.Count && flat.Length < flatOriginalSubject.Length)
                    {
                        var next = lines[i + 1];
                        if (next.Length == 0 || !flatOriginalSubject.AsSpan(flat.Length).StartsWith(next, StringComparison.Ordinal))
                        {
                            break;
                        }
                        flat += next;
                        joined += "\n" + next;
                        consumed++;
                        i++;
                    }
                    if (consumed > 0)
                    {
                        defects.Add("The subject contains line breaks; its continuation lines were read as subject text, not as fields.");
                    }
                    raw = joined;
                }
                fields.Subject = raw;
            }
            else if (name.Equals("Message-Id", StringComparison.OrdinalIgnoreCase))
            {
                if (fields.HasMessageId)
                {
                    defects.Add("The envelope has more than one Message-Id line; the first was used.");
                    continue;
                }
                fields.HasMessageId = true;
                fields.MessageIdRaw = value;
            }
            else if (TryRecipientType(name, out var type))
            {
                ParseRecipient(type, value, fields.Recipients, defects);
            }
            else if (!KnownIgnoredFields.Contains(name))
            {
                if (unknownNames.Add(name) && unknownNames.Count <= 5)
                {
                    defects.Add($"Unknown envelope field '{name}' was ignored.");
                }
            }
        }
        if (notUnderstood > 3)
        {
            defects.Add($"{notUnderstood} envelope lines in all were not fields and were ignored.");
        }
        return fields;
    }

    private static bool TryRecipientType(string name, out JournalRecipientType type)
    {
        if (name.Equals("To", StringComparison.OrdinalIgnoreCase))
        {
            type = JournalRecipientType.To;
        }
        else if (name.Equals("Cc", StringComparison.OrdinalIgnoreCase))
        {
            type = JournalRecipientType.Cc;
        }
        else if (name.Equals("Bcc", StringComparison.OrdinalIgnoreCase))
        {
            type = JournalRecipientType.Bcc;
        }
        else if (name.Equals("Recipient", StringComparison.OrdinalIgnoreCase))
        {
            type = JournalRecipientType.Recipient;
        }
        else
        {
            type = default;
            return false;
        }
        return true;
    }

    /// <summary><c>addr[, Expanded: addr | , Forwarded: addr]</c>; the left address is the recipient.</summary>
    private static void ParseRecipient(JournalRecipientType type, string value, List<JournalRecipient> into, DefectList defects)
    {
        string? expanded = null;
        string? forwarded = null;
        var left = value;
        var cut = FindRedirect(value, 0, out var kind, out var valueStart);
        if (cut >= 0)
        {
            left = value.Substring(0, cut);
            var hops = 0;
            while (cut >= 0)
            {
                var next = FindRedirect(value, valueStart, out var nextKind, out var nextValueStart);
                var target = AddressText.Normalize(next >= 0 ? value.Substring(valueStart, next - valueStart) : value.Substring(valueStart));
                hops++;
                if (kind == 'E')
                {
                    expanded ??= target;
                }
                else
                {
                    forwarded ??= target;
                }
                cut = next;
                kind = nextKind;
                valueStart = nextValueStart;
            }
            if (hops > 1)
            {
                defects.Add($"A recipient line names {hops} redirections; Exchange writes only one.");
            }
        }

        var address = AddressText.Normalize(left);
        if (address is null)
        {
            defects.Add($"A {type} line has no address and was ignored.");
            return;
        }
        into.Add(new JournalRecipient
        {
            Address = address,
            Type = type,
            ExpandedFrom = string.IsNullOrEmpty(expanded) ? null : expanded,
            ForwardedFrom = string.IsNullOrEmpty(forwarded) ? null : forwarded,
        });
    }

    /// <summary>Finds ", Expanded:" or ", Forwarded:" at or after <paramref name="from"/>; returns the comma's index.</summary>
    private static int FindRedirect(string value, int from, out char kind, out int valueStart)
    {
        kind = '\0';
        valueStart = -1;
        var comma = value.IndexOf(',', from);
        while (comma >= 0)
        {
            var j = comma + 1;
            while (j < value.Length && (value[j] == ' ' || value[j] == '\t'))
            {
                j++;
            }
            var rest = value.AsSpan(j);
            if (rest.StartsWith("Expanded:", StringComparison.OrdinalIgnoreCase))
            {
                kind = 'E';
                valueStart = j + "Expanded:".Length;
                return comma;
            }
            if (rest.StartsWith("Forwarded:", StringComparison.OrdinalIgnoreCase))
            {
                kind = 'F';
                valueStart = j + "Forwarded:".Length;
                return comma;
            }
            comma = value.IndexOf(',', comma + 1);
        }
        return -1;
    }

    /// <summary>
    /// Exchange 2003: <c>Sender:</c> and <c>Message-ID:</c> (each may wrap), then <c>Recipients:</c>
    /// followed by one <c>["Name"] &lt;TYPE:address&gt;[,]</c> per line until a blank line. Any order.
    /// </summary>
    internal static EnvelopeFields Parse2003(string text, DefectList defects)
    {
        var fields = new EnvelopeFields();
        var lines = SplitLines(text);
        var inRecipients = false;
        var notUnderstood = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line))
            {
                inRecipients = false;
                continue;
            }
            var name = FieldName(line, out var value);
            var isField = name is not null && (name.Equals("Sender", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Message-ID", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Recipients", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Subject", StringComparison.OrdinalIgnoreCase));
            if (inRecipients && !isField)
            {
                // One address per line; a display name may wrap, so join until the '>' closes.
                var entry = line;
                var extra = 0;
                while ((HasOpenBracket(entry) || HasOpenQuote(entry)) && i + 1 < lines.Count && extra < 5 && !string.IsNullOrWhiteSpace(lines[i + 1]))
                {
                    entry += " " + lines[++i].Trim();
                    extra++;
                }
                var before = fields.Recipients.Count;
                AddressText.Extract2003(entry, fields.Recipients, defects);
                if (fields.Recipients.Count == before && !entry.Contains("<>", StringComparison.Ordinal))
                {
                    defects.Add($"Exchange 2003 recipient line {i + 1} was not understood.");
                }
                continue;
            }
            inRecipients = false;
            if (name is null)
            {
                if (++notUnderstood <= 3)
                {
                    defects.Add($"Envelope line {i + 1} is not a field and was ignored.");
                }
                continue;
            }
            if (name.Equals("Sender", StringComparison.OrdinalIgnoreCase))
            {
                var extra = 0;
                while ((HasOpenBracket(value) || HasOpenQuote(value)) && i + 1 < lines.Count && extra < 5 && FieldName(lines[i + 1], out _) is null && !string.IsNullOrWhiteSpace(lines[i + 1]))
                {
                    value += lines[++i].Trim();
                    extra++;
                }
                if (fields.Sender is null)
                {
                    var list = new List<JournalRecipient>();
                    AddressText.Extract2003(value, list, defects);
                    fields.Sender = list.Count > 0 ? list[0].Address : AddressText.Normalize(value);
                }
            }
            else if (name.Equals("Message-ID", StringComparison.OrdinalIgnoreCase))
            {
                var extra = 0;
                while (HasOpenBracket(value) && i + 1 < lines.Count && extra < 14 && !string.IsNullOrWhiteSpace(lines[i + 1]))
                {
                    value += lines[++i].Trim();
                    extra++;
                }
                if (!fields.HasMessageId)
                {
                    fields.HasMessageId = true;
                    fields.MessageIdRaw = value;
                }
            }
            else if (name.Equals("Subject", StringComparison.OrdinalIgnoreCase))
            {
                if (!fields.HasSubject)
                {
                    fields.HasSubject = true;
                    fields.Subject = value;
                }
            }
            else
            {
                inRecipients = true;
                if (value.Length > 0)
                {
                    AddressText.Extract2003(value, fields.Recipients, defects);
                }
            }
        }
        if (notUnderstood > 3)
        {
            defects.Add($"{notUnderstood} envelope lines in all were not fields and were ignored.");
        }
        return fields;
    }

    /// <summary>A display name whose closing quote (and address) is on a following line.</summary>
    private static bool HasOpenQuote(string s) => !s.Contains('<') && s.Count(c => c == '"') % 2 == 1;

    private static bool HasOpenBracket(string s)
    {
        var open = s.LastIndexOf('<');
        return open >= 0 && s.IndexOf('>', open) < 0;
    }
}
