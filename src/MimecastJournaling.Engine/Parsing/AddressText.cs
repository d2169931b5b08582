namespace MimecastJournaling.Engine.Parsing;

/// <summary>Address clean-up shared by the envelope readers.</summary>
internal static class AddressText
{
    /// <summary>
    /// "addr", "&lt;addr&gt;", "Name &lt;addr&gt;" or "&lt;SMTP:addr&gt;" → "addr"; blank → null.
    /// </summary>
    internal static string? Normalize(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var s = InsideAngleBrackets(text.AsSpan().Trim());
        s = s.Trim().TrimEnd(",;").Trim();
        if (s.StartsWith("SMTP:", StringComparison.OrdinalIgnoreCase))
        {
            s = s.Slice(5).Trim();
        }
        if (s.Length >= 2 && s[0] == '"' && s[^1] == '"')
        {
            s = s.Slice(1, s.Length - 2).Trim();
        }
        return s.IsEmpty ? null : s.ToString();
    }

    /// <summary>The text between the first '&lt;' and the '&gt;' after it (to the end when unclosed); all of it when there is none.</summary>
    private static ReadOnlySpan<char> InsideAngleBrackets(ReadOnlySpan<char> s)
    {
        var open = s.IndexOf('<');
        if (open < 0)
        {
            return s;
        }
        var close = s.Slice(open + 1).IndexOf('>');
        return close >= 0 ? s.Slice(open + 1, close) : s.Slice(open + 1);
    }

    /// <summary>Message-ID without angle brackets; "Unknown Message-ID" and blanks → null.</summary>
    internal static string? MessageId(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var s = InsideAngleBrackets(text.AsSpan().Trim());
        // A msg-id never contains angle brackets; doubled ones ("<<id>") are damage, not content.
        s = s.Trim().Trim("<>").Trim();
        return s.IsEmpty ? null : s.ToString();
    }

    /// <summary>
    /// Exchange 2003 address entries: <c>["Display Name"] &lt;TYPE:address&gt;[,]</c>, several per text;
    /// bare <c>user@domain</c> tokens are accepted too. <c>&lt;&gt;</c> (null reverse path) is skipped.
    /// </summary>
    internal static void Extract2003(string text, List<JournalRecipient> into, DefectList defects)
    {
        var pos = 0;
        var sawBracket = false;
        while (pos < text.Length)
        {
            var open = text.IndexOf('<', pos);
            if (open < 0)
            {
                break;
            }
            sawBracket = true;
            var close = text.IndexOf('>', open + 1);
            var inner = (close >= 0 ? text.AsSpan(open + 1, close - open - 1) : text.AsSpan(open + 1)).Trim();
            pos = close >= 0 ? close + 1 : text.Length;
            if (inner.IsEmpty)
            {
                continue;
            }
            var colon = inner.IndexOf(':');
            string address;
            if (colon > 0 && colon <= 16 && IsAddressType(inner.Slice(0, colon)))
            {
                var type = inner.Slice(0, colon);
                var rest = inner.Slice(colon + 1).Trim();
                if (rest.IsEmpty)
                {
                    continue;
                }
                if (type.Equals("SMTP", StringComparison.OrdinalIgnoreCase))
                {
                    address = rest.ToString();
                }
                else
                {
                    address = inner.ToString();
                    defects.Add($"A recipient has a non-SMTP address ({type.ToString().ToUpperInvariant()}); it was kept as TYPE:address.");
                }
            }
            else if (inner.Contains('@'))
            {
                address = inner.ToString();
            }
            else
            {
                continue;
            }
            into.Add(new JournalRecipient { Address = address, Type = JournalRecipientType.Recipient });
        }
        if (sawBracket)
        {
            return;
        }
        foreach (var token in text.Split(new[] { ',', ';', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.Contains('@'))
            {
                into.Add(new JournalRecipient { Address = token.Trim('"'), Type = JournalRecipientType.Recipient });
            }
        }
    }

    private static bool IsAddressType(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
