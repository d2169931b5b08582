using System.Text.Json;

namespace MimecastJournaling.Mimecast;

/// <summary>What went wrong with a Mimecast call.</summary>
public enum MimecastErrorKind
{
    /// <summary>The client id or secret was refused, or a new token was refused too.</summary>
    AuthenticationFailed,
    /// <summary>403: the API application's role lacks the permission.</summary>
    AccessDenied,
    /// <summary>404, or a not-found code.</summary>
    NotFound,
    /// <summary>409: it exists already, or conflicts.</summary>
    Conflict,
    /// <summary>429 longer than the client waits, or too many in a row.</summary>
    Throttled,
    /// <summary>400 or a validation code: the request was refused as given.</summary>
    InvalidArgument,
    /// <summary>The answer was not what the client can read.</summary>
    InvalidResponse,
    /// <summary>Anything else (500, an unknown code).</summary>
    Other,
}

/// <summary>One error item of an answer (errors[] or fail[].errors[]).</summary>
/// <param name="Code">Mimecast's code.</param>
/// <param name="Message">Its text.</param>
/// <param name="Field">The field concerned, when given.</param>
/// <param name="Retryable">Mimecast's retryable flag, when given.</param>
public sealed record MimecastErrorItem(string? Code, string? Message, string? Field = null, bool? Retryable = null)
{
    /// <inheritdoc />
    public override string ToString() =>
        string.Join(" ", new[] { Code is null ? null : $"[{Code}]", Message, Field is null ? null : $"(field {Field})" }.Where(x => !string.IsNullOrEmpty(x)));
}

/// <summary>A failed Mimecast call. The message never holds the client secret, a token or a password.</summary>
public sealed class MimecastApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MimecastApiException(MimecastErrorKind kind, string message, Exception? inner = null) : base(message, inner) => Kind = kind;

    /// <summary>What went wrong.</summary>
    public MimecastErrorKind Kind { get; }
    /// <summary>HTTP status (200 when the failure came in a 200's body).</summary>
    public int? StatusCode { get; init; }
    /// <summary>The first error code.</summary>
    public string? ErrorCode { get; init; }
    /// <summary>The call ("POST /journaling/cloud-gateway/v1/services").</summary>
    public string? Operation { get; init; }
    /// <summary>Every error item found.</summary>
    public IReadOnlyList<MimecastErrorItem> Errors { get; init; } = Array.Empty<MimecastErrorItem>();
    /// <summary>For Throttled: how long Mimecast asked to wait.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>
/// The only place that knows Mimecast's error envelopes: API 2.0 <c>errors[]{code,message,field}</c>,
/// API 1.0 <c>fail[]{key,errors[]{code,message,retryable}}</c> (both inside HTTP 200 too: a 200 is not
/// success), OAuth <c>error</c>/<c>error_description</c>, and <c>detail</c>/<c>message</c> texts.
/// Derive and override to adapt.
/// </summary>
public class MimecastErrorParser
{
    /// <summary>Codes read as "not found" whatever the status (lower case).</summary>
    public ISet<string> NotFoundCodes { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "not_found", "err_not_found", "notfound", "err_journal_service_not_found" };

    /// <summary>Codes read as "exists already".</summary>
    public ISet<string> ConflictCodes { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "conflict", "already_exists", "err_already_exists", "duplicate" };

    /// <summary>The error items of a body (empty when it has none or is not JSON).</summary>
    public virtual IReadOnlyList<MimecastErrorItem> ReadErrors(JsonElement body)
    {
        var items = new List<MimecastErrorItem>();
        if (body.ValueKind != JsonValueKind.Object) return items;
        if (body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in errors.EnumerateArray()) items.Add(Item(e));
        }
        if (body.TryGetProperty("fail", out var fail) && fail.ValueKind == JsonValueKind.Array)
        {
            foreach (var f in fail.EnumerateArray())
            {
                if (f.ValueKind == JsonValueKind.Object && f.TryGetProperty("errors", out var inner) && inner.ValueKind == JsonValueKind.Array)
                {
                    foreach (var e in inner.EnumerateArray()) items.Add(Item(e));
                }
                else
                {
                    items.Add(new MimecastErrorItem("fail", "The request failed for " + Truncate(f.GetRawText())));
                }
            }
        }
        if (body.TryGetProperty("error", out var oauth) && oauth.ValueKind == JsonValueKind.String)
        {
            items.Add(new MimecastErrorItem(oauth.GetString(), Text(body, "error_description")));
        }
        if (items.Count == 0)
        {
            var text = Text(body, "detail") ?? Text(body, "message");
            if (text is not null) items.Add(new MimecastErrorItem(null, text));
        }
        return items;
    }

    /// <summary>The kind of a failure from its status and codes.</summary>
    public virtual MimecastErrorKind Classify(int status, IReadOnlyList<MimecastErrorItem> errors)
    {
        if (errors.Any(e => e.Code is { } c && NotFoundCodes.Contains(c))) return MimecastErrorKind.NotFound;
        if (errors.Any(e => e.Code is { } c && ConflictCodes.Contains(c))) return MimecastErrorKind.Conflict;
        return status switch
        {
            400 or 422 => MimecastErrorKind.InvalidArgument,
            401 or 418 => MimecastErrorKind.AuthenticationFailed,
            403 => MimecastErrorKind.AccessDenied,
            404 => MimecastErrorKind.NotFound,
            409 => MimecastErrorKind.Conflict,
            429 => MimecastErrorKind.Throttled,
            200 => errors.Any(e => e.Field is not null) ? MimecastErrorKind.InvalidArgument : MimecastErrorKind.Other,
            _ => MimecastErrorKind.Other,
        };
    }

    private static MimecastErrorItem Item(JsonElement e) => e.ValueKind == JsonValueKind.Object
        ? new MimecastErrorItem(Text(e, "code"), Text(e, "message"), Text(e, "field"),
            e.TryGetProperty("retryable", out var r) && r.ValueKind is JsonValueKind.True or JsonValueKind.False ? r.GetBoolean() : null)
        : new MimecastErrorItem(null, e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText());

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : v.GetRawText() : null;

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
