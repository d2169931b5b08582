using System.Net;
using System.Text.Json;

namespace MimecastJournaling.ExchangeOnline;

/// <summary>What kind of failure a cmdlet call ended in (for error categories and idempotency).</summary>
public enum ExchangeErrorCategory
{
    /// <summary>Anything else.</summary>
    Other,
    /// <summary>The identity does not exist (ManagementObjectNotFoundException).</summary>
    NotFound,
    /// <summary>The name or address is taken (ManagementObjectAlreadyExistsException, "already being used").</summary>
    AlreadyExists,
    /// <summary>401/403: token, RBAC role, or an unknown cmdlet (which also answers 403).</summary>
    AccessDenied,
    /// <summary>429 or the per-tenant concurrency limit, after the retries ran out.</summary>
    Throttled,
    /// <summary>Exchange refused the parameters (validation, binding, invalid operation for these values).</summary>
    InvalidArgument,
}

/// <summary>One entry of <c>error.details</c>: <c>ExId|Exception.Type|Human text</c>.</summary>
/// <param name="ErrorId">Exchange's error id, e.g. Ex6F9304 (null when absent).</param>
/// <param name="ExceptionType">The .NET exception type Exchange threw (null when absent).</param>
/// <param name="Message">Exchange's own text.</param>
public sealed record ExchangeErrorDetail(string? ErrorId, string? ExceptionType, string Message);

/// <summary>An Exchange cmdlet failed. <see cref="Exception.Message"/> is Exchange's own text.</summary>
public sealed class ExchangeCommandException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExchangeCommandException(string cmdletName, ExchangeErrorCategory category, string message, Exception? inner = null)
        : base(message, inner)
    {
        CmdletName = cmdletName;
        Category = category;
    }

    /// <summary>The cmdlet that failed.</summary>
    public string CmdletName { get; }
    /// <summary>The classification.</summary>
    public ExchangeErrorCategory Category { get; }
    /// <summary>HTTP status of the failing response (null when the failure was local, e.g. an untrusted redirect).</summary>
    public int? StatusCode { get; init; }
    /// <summary><c>error.code</c> (e.g. NotFound), when present.</summary>
    public string? ErrorCode { get; init; }
    /// <summary>Exchange's error id (ExId) of the first detail.</summary>
    public string? ExchangeErrorId { get; init; }
    /// <summary>The Exchange exception type of the first detail, e.g. Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException.</summary>
    public string? ExchangeExceptionType { get; init; }
    /// <summary>All parsed details.</summary>
    public IReadOnlyList<ExchangeErrorDetail> Details { get; init; } = Array.Empty<ExchangeErrorDetail>();
    /// <summary>The <c>x-ms-diagnostics</c> header (the RBAC reason of a 403), when present.</summary>
    public string? Diagnostics { get; init; }
    /// <summary>The server's Retry-After, for throttling failures.</summary>
    public TimeSpan? RetryAfter { get; init; }
    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; init; } = 1;
}

/// <summary>A failed response, as handed to <see cref="ExchangeErrorParser"/>.</summary>
/// <param name="CmdletName">The cmdlet.</param>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="Body">The body as text (empty when absent, unreadable, or only NUL characters).</param>
/// <param name="Header">Reads a response header (null when absent).</param>
public sealed record ExchangeErrorResponse(string CmdletName, HttpStatusCode StatusCode, string Body, Func<string, string?> Header);

/// <summary>
/// Turns the admin API's error envelope into <see cref="ExchangeCommandException"/>. The envelope is
/// not a published contract, so all knowledge of it lives here; derive and override to adapt.
/// <code>{"error":{"code":"NotFound","message":"Error executing cmdlet","details":[{"message":"ExId|Type|Text"}],"innererror":{…}}}</code>
/// </summary>
public class ExchangeErrorParser
{
    /// <summary>Texts that mean the per-tenant concurrency limit (retryable), matched case-insensitively.</summary>
    public IList<string> ConcurrencyLimitTexts { get; } = new List<string> { "maximum number of concurrent requests per tenant" };

    /// <summary>Parses a failed response.</summary>
    public virtual ExchangeCommandException Parse(ExchangeErrorResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        string? code = null, topMessage = null, innerMessage = null;
        var details = new List<ExchangeErrorDetail>();
        var body = response.Body;
        if (LooksLikeJson(body))
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    code = StringOf(error, "code");
                    topMessage = StringOf(error, "message");
                    if (error.TryGetProperty("details", out var list) && list.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var d in list.EnumerateArray())
                        {
                            var m = d.ValueKind == JsonValueKind.Object ? StringOf(d, "message") : d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                            if (!string.IsNullOrWhiteSpace(m)) details.Add(ParseDetail(m));
                        }
                    }
                    if (error.TryGetProperty("innererror", out var inner) && inner.ValueKind == JsonValueKind.Object)
                    {
                        if (inner.TryGetProperty("internalexception", out var ie) && ie.ValueKind == JsonValueKind.Object) innerMessage = StringOf(ie, "message");
                        else if (inner.TryGetProperty("internalException", out ie) && ie.ValueKind == JsonValueKind.Object) innerMessage = StringOf(ie, "message");
                    }
                }
            }
            catch (JsonException)
            {
                // Not the envelope (an HTML page, a proxy's text): fall through with the status only.
            }
        }

        var first = details.Count > 0 ? details[0] : null;
        var diagnostics = response.Header("x-ms-diagnostics");
        var text = first?.Message ?? innerMessage ?? topMessage;
        if (string.IsNullOrWhiteSpace(text))
        {
            text = status switch
            {
                401 => $"Exchange Online refused the access token (HTTP 401) for {response.CmdletName}.",
                403 => $"Exchange Online denied {response.CmdletName} (HTTP 403): the cmdlet is unknown or the signed-in principal has no Exchange role that allows it." + (diagnostics is null ? "" : " Diagnostics: " + diagnostics),
                429 => $"Exchange Online throttled {response.CmdletName} (HTTP 429).",
                _ => $"{response.CmdletName} failed with HTTP {status} and no error details.",
            };
        }

        var category = Classify(status, first?.ExceptionType, text, code);
        return new ExchangeCommandException(response.CmdletName, category, text)
        {
            StatusCode = status,
            ErrorCode = code,
            ExchangeErrorId = first?.ErrorId,
            ExchangeExceptionType = first?.ExceptionType,
            Details = details,
            Diagnostics = diagnostics,
        };
    }

    /// <summary>
    /// Parses one <c>details[].message</c>: "ExId|Type|Text" (text may itself contain '|'), or a
    /// JSON object {"Message","TypeName"} as some clients decode, or plain text.
    /// </summary>
    public virtual ExchangeErrorDetail ParseDetail(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var m = message.Trim();
        if (m.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(m);
                var root = doc.RootElement;
                var text = StringOf(root, "Message") ?? StringOf(root, "message");
                if (text is not null)
                    return new ExchangeErrorDetail(StringOf(root, "ErrorId"), StringOf(root, "TypeName") ?? StringOf(root, "Type"), text);
            }
            catch (JsonException)
            {
                // plain text after all
            }
        }
        var parts = m.Split('|', 3);
        if (parts.Length == 3 && LooksLikeTypeName(parts[1]))
            return new ExchangeErrorDetail(parts[0].Length == 0 ? null : parts[0], parts[1], parts[2]);
        if (parts.Length >= 2 && LooksLikeTypeName(parts[0]))
            return new ExchangeErrorDetail(null, parts[0], m[(parts[0].Length + 1)..]);
        return new ExchangeErrorDetail(null, null, m);
    }

    /// <summary>True when the text is the per-tenant concurrency-limit message.</summary>
    public virtual bool IsConcurrencyLimit(string? text) =>
        !string.IsNullOrEmpty(text) && ConcurrencyLimitTexts.Any(t => text.Contains(t, StringComparison.OrdinalIgnoreCase));

    /// <summary>Maps status, exception type and text to a category. The exception type wins over the status.</summary>
    public virtual ExchangeErrorCategory Classify(int statusCode, string? exceptionType, string text, string? errorCode)
    {
        var type = ShortTypeName(exceptionType);
        if (statusCode == 429 || IsConcurrencyLimit(text)) return ExchangeErrorCategory.Throttled;
        switch (type)
        {
            case "ManagementObjectNotFoundException":
            case "ADNoSuchObjectException":
            case "ObjectNotFoundException":
                return ExchangeErrorCategory.NotFound;
            case "ManagementObjectAlreadyExistsException":
            case "ADObjectAlreadyExistsException":
            case "ProxyAddressExistsException":
                return ExchangeErrorCategory.AlreadyExists;
            case "UnauthorizedAccessException":
            case "AccessDeniedException":
            case "OperationRequiresGroupManagerException":
                return ExchangeErrorCategory.AccessDenied;
            case "ParameterBindingException":
            case "ArgumentException":
            case "ArgumentNullException":
            case "ArgumentOutOfRangeException":
            case "DataValidationException":
            case "RecipientTaskException":
            case "InvalidOperationException":
            case "TaskArgumentException":
            case "FormatException":
                return ExchangeErrorCategory.InvalidArgument;
        }
        // Text patterns for details without (known) type names.
        if (text.Contains("couldn't be found", StringComparison.OrdinalIgnoreCase)) return ExchangeErrorCategory.NotFound;
        if (text.Contains("is already being used", StringComparison.OrdinalIgnoreCase) || text.Contains("already exists", StringComparison.OrdinalIgnoreCase))
            return ExchangeErrorCategory.AlreadyExists;
        if (statusCode is 401 or 403) return ExchangeErrorCategory.AccessDenied;
        if (statusCode == 404 || string.Equals(errorCode, "NotFound", StringComparison.OrdinalIgnoreCase) && type is null) return ExchangeErrorCategory.NotFound;
        if (statusCode == 400) return ExchangeErrorCategory.InvalidArgument;
        return ExchangeErrorCategory.Other;
    }

    private static string? ShortTypeName(string? type)
    {
        if (string.IsNullOrEmpty(type)) return null;
        var i = type.LastIndexOf('.');
        return i >= 0 ? type[(i + 1)..] : type;
    }

    private static bool LooksLikeTypeName(string s) =>
        s.Length > 0 && s.EndsWith("Exception", StringComparison.Ordinal) && !s.Contains(' ', StringComparison.Ordinal);

    private static bool LooksLikeJson(string body)
    {
        var t = body.AsSpan().TrimStart();
        return t.Length > 0 && t[0] == '{';
    }

    private static string? StringOf(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
