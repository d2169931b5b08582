using System.Net;
using SmtpServer;
using SmtpServer.Net;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// What the listener knows about a session, kept in the session's property bag. The peer address
/// is the socket's (never the PROXY command's, which any client can send).
/// </summary>
internal static class SessionFacts
{
    private const string VerifiedDefinitionsKey = "MimecastJournaling:VerifiedDefinitions";
    private const string TransactionDefinitionKey = "MimecastJournaling:TransactionDefinition";
    private const string TransactionRecipientsKey = "MimecastJournaling:TransactionRecipients";
    private const string ReceivedMessageKey = "MimecastJournaling:ReceivedMessage";

    public static IPAddress RemoteAddress(ISessionContext context)
    {
        var endpoint = (IPEndPoint)context.Properties[EndpointListener.RemoteEndPointKey];
        return endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
    }

    public static string Source(ISessionContext context) => "smtp:" + RemoteAddress(context);

    public static bool IsSecure(ISessionContext context) => context.Pipe?.IsSecure == true;

    /// <summary>The definitions whose SMTP credential this session proved with AUTH.</summary>
    public static bool HasVerified(ISessionContext context, Guid definitionId) =>
        context.Properties.TryGetValue(VerifiedDefinitionsKey, out var value) && value is HashSet<Guid> set && set.Contains(definitionId);

    public static void AddVerified(ISessionContext context, IEnumerable<Guid> definitionIds)
    {
        if (!context.Properties.TryGetValue(VerifiedDefinitionsKey, out var value) || value is not HashSet<Guid> set)
        {
            set = new HashSet<Guid>();
            context.Properties[VerifiedDefinitionsKey] = set;
        }
        set.UnionWith(definitionIds);
    }

    /// <summary>STARTTLS: a credential proved before TLS counts no more (RFC 3207 4.2).</summary>
    public static void ForgetVerified(ISessionContext context) => context.Properties.Remove(VerifiedDefinitionsKey);

    /// <summary>MAIL FROM starts a transaction: no definition and no recipients yet.</summary>
    public static void StartTransaction(ISessionContext context)
    {
        context.Properties.Remove(TransactionDefinitionKey);
        context.Properties[TransactionRecipientsKey] = 0;
    }

    public static Guid? TransactionDefinition(ISessionContext context) =>
        context.Properties.TryGetValue(TransactionDefinitionKey, out var value) ? (Guid)value : null;

    public static int TransactionRecipients(ISessionContext context) =>
        context.Properties.TryGetValue(TransactionRecipientsKey, out var value) ? (int)value : 0;

    public static void AddRecipient(ISessionContext context, Guid definitionId)
    {
        context.Properties[TransactionDefinitionKey] = definitionId;
        context.Properties[TransactionRecipientsKey] = TransactionRecipients(context) + 1;
    }

    /// <summary>The content of the DATA command that just ended, streamed past the library (see DataStreamingPipe).</summary>
    public static void PutReceivedMessage(ISessionContext context, ReceivedMessage message)
    {
        TakeReceivedMessage(context)?.Dispose();
        context.Properties[ReceivedMessageKey] = message;
    }

    /// <summary>Hands the received content to the caller, who disposes it.</summary>
    public static ReceivedMessage? TakeReceivedMessage(ISessionContext context)
    {
        if (!context.Properties.TryGetValue(ReceivedMessageKey, out var value))
        {
            return null;
        }
        context.Properties.Remove(ReceivedMessageKey);
        return value as ReceivedMessage;
    }
}
