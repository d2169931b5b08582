using MimecastJournaling.Engine.Configuration;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The journal listener could not start: a port it cannot bind (in use, or below 1024 without the
/// right), or a server that failed while starting. Its <see cref="JournalConfigurationException.ErrorId"/>
/// says which (ListenerBindFailed, ListenerStartFailed) and its message what to do.
/// </summary>
public sealed class JournalListenerStartException : JournalConfigurationException
{
    public JournalListenerStartException(string errorId, JournalErrorKind kind, string message, ListenerEndpoint? endpoint = null, Exception? inner = null)
        : base(errorId, kind, message, endpoint?.ToString(), inner)
    {
        Endpoint = endpoint;
    }

    /// <summary>The endpoint that could not be bound, when that was the trouble.</summary>
    public ListenerEndpoint? Endpoint { get; }
}
