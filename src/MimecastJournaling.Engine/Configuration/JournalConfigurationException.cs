namespace MimecastJournaling.Engine.Configuration;

/// <summary>What kind of failure, so the cmdlet layer can pick the right ErrorCategory.</summary>
public enum JournalErrorKind
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    InvalidOperation,
    ResourceUnavailable,
    ConnectionError,
}

/// <summary>
/// A refusal the user can act on. <see cref="ErrorId"/> is stable (scripts match on it) and the
/// message says what to fix. Never carries a secret.
/// </summary>
public class JournalConfigurationException : Exception
{
    public JournalConfigurationException(string errorId, JournalErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }
    public JournalErrorKind Kind { get; }
    public object? Target { get; }
}
