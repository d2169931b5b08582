using System.Text.RegularExpressions;
using MimecastJournaling.Engine.Configuration;
using Npgsql;

namespace MimecastJournaling.Engine.Storage;

/// <summary>
/// A PostgreSQL store location: Npgsql's keyword form (<c>Host=db1;Database=journaling;Username=mj</c>)
/// or a libpq URI (<c>postgresql://mj@db1:5432/journaling?sslmode=verify-full</c>), turned into one
/// Npgsql connection string. Everything Npgsql documents keeps working because nothing is taken
/// away: a password left out comes from PGPASSWORD or the .pgpass file (PGPASSFILE), SslMode and
/// the other keywords pass through. <see cref="Display"/> is the same location without its password,
/// the only form that reaches output, errors and events.
/// </summary>
internal sealed partial class PostgresLocation
{
    [GeneratedRegex(@"^\s*postgres(ql)?://", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UriPrefix();

    [GeneratedRegex(@"^\s*(host|server|database|db|username|user id|userid|user|port|sslmode|ssl mode)\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeywordForm();

    // libpq's URI parameter names and Npgsql's keywords where the two differ.
    private static readonly Dictionary<string, string> UriParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["target_session_attrs"] = "Target Session Attributes",
        ["options"] = "Options",
        ["keepalives_idle"] = "Keepalive",
        ["passfile"] = "Passfile",
    };

    public static bool IsPostgres(string location) => UriPrefix().IsMatch(location) || KeywordForm().IsMatch(location);

    private PostgresLocation(string connectionString, string display)
    {
        ConnectionString = connectionString;
        Display = display;
    }

    /// <summary>The Npgsql connection string (may hold a password: never show it).</summary>
    public string ConnectionString { get; }

    /// <summary>postgresql://user@host:port/database, without any password.</summary>
    public string Display { get; }

    public override string ToString() => Display;

    public static PostgresLocation Parse(string location)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = UriPrefix().IsMatch(location) ? FromUri(location.Trim()) : new NpgsqlConnectionStringBuilder(location);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            // The message names the problem (an unknown keyword, a bad port), never the string itself.
            throw new JournalConfigurationException("InvalidStoreLocation", JournalErrorKind.InvalidArgument,
                $"The store location is not a valid PostgreSQL connection string: {Redact(e.Message)} " +
                "Give postgresql://user@host:port/database?sslmode=... or Host=...;Database=...;Username=... (the password from PGPASSWORD or .pgpass).", null, e);
        }
        if (builder.Multiplexing)
        {
            throw new JournalConfigurationException("InvalidStoreLocation", JournalErrorKind.InvalidArgument,
                "Multiplexing is experimental in Npgsql and not supported for the journaling store; remove Multiplexing from the connection string.");
        }
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "MimecastJournaling";
        }
        var display = DisplayOf(builder);
        return new PostgresLocation(builder.ConnectionString, display);
    }

    private static string DisplayOf(NpgsqlConnectionStringBuilder builder)
    {
        var user = builder.Username is { Length: > 0 } u ? Uri.EscapeDataString(u) + "@" : string.Empty;
        var host = builder.Host ?? Environment.GetEnvironmentVariable("PGHOST") ?? "localhost";
        var port = builder.Port != 5432 ? ":" + builder.Port : string.Empty;
        var database = builder.Database is { Length: > 0 } d ? "/" + Uri.EscapeDataString(d) : string.Empty;
        var ssl = builder.SslMode != SslMode.Prefer ? "?sslmode=" + builder.SslMode.ToString().ToLowerInvariant() : string.Empty;
        return $"postgresql://{user}{host}{port}{database}{ssl}";
    }

    private static NpgsqlConnectionStringBuilder FromUri(string text)
    {
        var builder = new NpgsqlConnectionStringBuilder();
        var rest = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var query = string.Empty;
        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        var slash = rest.IndexOf('/');
        var authority = slash >= 0 ? rest[..slash] : rest;
        if (slash >= 0 && rest[(slash + 1)..] is { Length: > 0 } database)
        {
            builder.Database = Uri.UnescapeDataString(database);
        }
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }
        if (authority.Length > 0)
        {
            // host[:port][,host2[:port2]] — several hosts are Npgsql's Host=a:5432,b:5432.
            var hosts = authority.Split(',');
            if (hosts.Length == 1 && Regex.Match(hosts[0], @"^(?<host>\[[^\]]+\]|[^:]+)(:(?<port>\d+))?$") is { Success: true } one)
            {
                builder.Host = Uri.UnescapeDataString(one.Groups["host"].Value.Trim('[', ']'));
                if (one.Groups["port"].Success)
                {
                    builder.Port = int.Parse(one.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            else
            {
                builder.Host = Uri.UnescapeDataString(authority);
            }
        }
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(eq >= 0 ? pair[..eq] : pair);
            var value = eq >= 0 ? Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')) : string.Empty;
            builder[UriParameters.GetValueOrDefault(name, name)] = value;
        }
        return builder;
    }

    /// <summary>Removes anything after "password=" from a message, in case a library quoted part of the string.</summary>
    public static string Redact(string message) =>
        Regex.Replace(message, @"(password|pwd)\s*=\s*[^;]*", "$1=(hidden)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
