using System.Text;
using MimecastJournaling.Engine.Parsing;

namespace MimecastJournaling.Engine.Tests.Parsing;

/// <summary>
/// A seeded mutation fuzzer over the parser: every fixture and every file under tests/Fixtures/Fuzz
/// (seed-*.eml, and crashers/ for inputs that once broke the parser) is mutated with byte flips,
/// truncations, line duplication, boundary damage, huge lines, token insertion, splicing and
/// line-ending changes. Deterministic: the same seed gives the same inputs on every run.
/// </summary>
public class JournalReportParserFuzzTests
{
    // Defaults keep the test deterministic and quick; longer exploratory runs can set
    // MIMECASTJOURNALING_FUZZ_SEED / MIMECASTJOURNALING_FUZZ_ITERATIONS (crashers are saved, see Check).
    private static readonly int Seed = EnvInt("MIMECASTJOURNALING_FUZZ_SEED", 20_261_126);
    private static readonly int Iterations = EnvInt("MIMECASTJOURNALING_FUZZ_ITERATIONS", 4_000);

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;

    private static readonly string[] Tokens =
    {
        "X-MS-Journal-Report:\r\n", "X-MS-Journal-Report: v2\r\n", "Content-Identifier: ExJournalReport\r\n", "Content-Identifer: exjournalreport\r\n",
        "Content-Type: message/rfc822\r\n\r\n", "Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\n", "Content-Type: multipart/report; boundary=\"\"\r\n",
        "Content-Transfer-Encoding: base64\r\n", "Content-Transfer-Encoding: quoted-printable\r\n", "Content-Transfer-Encoding: binary\r\n",
        "Content-Type: text/html; charset=iso-2022-jp\r\n", "Content-Type: text/plain; charset=\"x-unknown-charset\"\r\n",
        "Sender: ", "Subject: ", "Message-Id: ", "Message-ID: <>\r\n", "To: ", "Cc: ", "Bcc: ", "Recipient: ", "Recipients:\r\n", "On-Behalf-Of: ",
        ", Expanded: ", ", Forwarded: ", "<SMTP:", "<EX:/o=x>", "\"", "<", ">", ":", ",", "\0", "\r", "\n", "\r\n\r\n", "=\r\n", "=?utf-8?Q?=0D=0ABcc:_x@y?=",
        "=?iso-2022-jp?B?GyRCMnE1RBsoQg==?=", "Unknown Message-ID", "Unspecified Address", "&lt;br&gt;", "<br>", "\u00ff\u00fe",
    };

    [Fact]
    public void Mutated_reports_never_throw_and_stay_well_formed()
    {
        var corpus = Fixtures.AllReports().Concat(Fixtures.FuzzSeeds()).Select(File.ReadAllBytes).ToArray();
        Assert.True(corpus.Length >= 30, $"corpus has {corpus.Length} files");
        var random = new Random(Seed);
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var input = corpus[random.Next(corpus.Length)];
            var mutations = 1 + random.Next(3);
            for (var m = 0; m < mutations; m++)
            {
                input = Mutate(input, corpus, random);
            }
            Check(input, $"iteration {iteration} (seed {Seed})");
        }
    }

    [Fact]
    public void Corpus_and_saved_crashers_parse()
    {
        var files = Fixtures.FuzzSeeds().ToArray();
        Assert.Contains(files, f => Path.GetFileName(f) == "seed-envelope-minimal.eml");
        foreach (var file in files)
        {
            Check(File.ReadAllBytes(file), file);
        }
    }

    private static void Check(byte[] input, string what)
    {
        JournalReport report;
        try
        {
            report = JournalReportParser.Parse(input);
            FuzzInvariants.AssertWellFormed(input, report);
        }
        catch (Exception e)
        {
            // Keep the input so that it can be added to tests/Fixtures/Fuzz/crashers/.
            var directory = Path.Combine(Path.GetTempPath(), "mimecastjournaling-fuzz");
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, $"crash-{Guid.NewGuid():N}.eml");
            File.WriteAllBytes(path, input);
            throw new Xunit.Sdk.XunitException($"{what}: {e.GetType().Name}: {e.Message}\nInput saved to {path}\n{e.StackTrace}");
        }
    }

    internal static byte[] Mutate(byte[] input, byte[][] corpus, Random random)
    {
        switch (random.Next(9))
        {
            case 0: // byte flips
            {
                var copy = (byte[])input.Clone();
                var flips = 1 + random.Next(8);
                for (var i = 0; i < flips && copy.Length > 0; i++)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }
                return copy;
            }
            case 1: // truncation
                return input.Length == 0 ? input : input.AsSpan(0, random.Next(input.Length)).ToArray();
            case 2: // duplicate a line (headers, envelope fields, boundaries) 1..200 times
            {
                var (start, end) = RandomLine(input, random);
                var line = input.AsSpan(start, end - start).ToArray();
                var times = random.Next(4) == 0 ? 200 : 1 + random.Next(3);
                return Splice(input, end, end, Enumerable.Repeat(line, times).SelectMany(x => x).ToArray());
            }
            case 3: // boundary damage
                return DamageBoundary(input, random);
            case 4: // a huge line
            {
                var length = random.Next(5) == 0 ? 1 << 20 : 1 + random.Next(70_000);
                var prefix = random.Next(4) switch
                {
                    0 => "To: ",
                    1 => "Subject: ",
                    2 => "X-Long: ",
                    _ => string.Empty,
                };
                var fill = random.Next(3) switch
                {
                    0 => "A",
                    1 => ", Expanded: ",
                    _ => "<",
                };
                var sb = new StringBuilder(prefix, length + prefix.Length + 2);
                while (sb.Length < length)
                {
                    sb.Append(fill);
                }
                sb.Append("\r\n");
                var (start, _) = RandomLine(input, random);
                return Splice(input, start, start, Encoding.ASCII.GetBytes(sb.ToString()));
            }
            case 5: // insert a token that matters to the parser
            {
                var token = Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]);
                var at = random.Next(2) == 0 ? RandomLine(input, random).Start : random.Next(input.Length + 1);
                return Splice(input, at, at, token);
            }
            case 6: // splice two corpus files
            {
                var other = corpus[random.Next(corpus.Length)];
                var cut = random.Next(input.Length + 1);
                var from = random.Next(other.Length + 1);
                return input.AsSpan(0, cut).ToArray().Concat(other.AsSpan(from).ToArray()).ToArray();
            }
            case 7: // line endings
            {
                var text = Encoding.Latin1.GetString(input);
                text = random.Next(3) switch
                {
                    0 => text.Replace("\r\n", "\n", StringComparison.Ordinal),
                    1 => text.Replace("\r\n", "\r", StringComparison.Ordinal).Replace('\n', '\r'),
                    _ => text.Replace("\n", "\r\n", StringComparison.Ordinal),
                };
                return Encoding.Latin1.GetBytes(text);
            }
            default: // delete a run of lines
            {
                var (start, _) = RandomLine(input, random);
                var (_, end) = RandomLine(input, random);
                return end > start ? Splice(input, start, end, Array.Empty<byte>()) : input;
            }
        }
    }

    private static (int Start, int End) RandomLine(byte[] input, Random random)
    {
        if (input.Length == 0)
        {
            return (0, 0);
        }
        var at = random.Next(input.Length);
        var start = Array.LastIndexOf(input, (byte)'\n', at) + 1;
        var newline = Array.IndexOf(input, (byte)'\n', at);
        var end = newline < 0 ? input.Length : newline + 1;
        return (start, end);
    }

    private static byte[] DamageBoundary(byte[] input, Random random)
    {
        var text = Encoding.Latin1.GetString(input);
        var positions = new List<int>();
        for (var i = text.IndexOf("\n--", StringComparison.Ordinal); i >= 0 && positions.Count < 64; i = text.IndexOf("\n--", i + 1, StringComparison.Ordinal))
        {
            positions.Add(i + 1);
        }
        var boundaryParam = text.IndexOf("boundary=", StringComparison.OrdinalIgnoreCase);
        if (positions.Count == 0 && boundaryParam < 0)
        {
            return input;
        }
        var choice = random.Next(5);
        if (boundaryParam >= 0 && (positions.Count == 0 || choice == 0))
        {
            // Break the declared boundary: empty it, or cut it short.
            var end = text.IndexOfAny(new[] { '\r', '\n', ';' }, boundaryParam);
            end = end < 0 ? text.Length : end;
            var replacement = random.Next(2) == 0 ? "boundary=\"\"" : "boundary=" + text.Substring(boundaryParam + 9, Math.Max(0, (end - boundaryParam - 9) / 2));
            return Encoding.Latin1.GetBytes(text.Remove(boundaryParam, end - boundaryParam).Insert(boundaryParam, replacement));
        }
        var at = positions[random.Next(positions.Count)];
        var lineEnd = text.IndexOf('\n', at);
        lineEnd = lineEnd < 0 ? text.Length : lineEnd;
        return Encoding.Latin1.GetBytes(choice switch
        {
            1 => text.Remove(at, lineEnd - at),                                   // delete the delimiter line
            2 => text.Insert(lineEnd, "--"),                                       // turn it into a closing delimiter early
            3 => text.Remove(Math.Min(text.Length - 1, at + random.Next(Math.Max(1, lineEnd - at))), 1), // drop one character
            _ => text.Insert(at, text.Substring(at, lineEnd - at) + "\n"),        // repeat it
        });
    }

    private static byte[] Splice(byte[] input, int start, int end, byte[] insert)
    {
        var result = new byte[input.Length - (end - start) + insert.Length];
        input.AsSpan(0, start).CopyTo(result);
        insert.CopyTo(result.AsSpan(start));
        input.AsSpan(end).CopyTo(result.AsSpan(start + insert.Length));
        return result;
    }
}
