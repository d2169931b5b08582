namespace MimecastJournaling.Engine.Parsing;

/// <summary>What the envelope part says (internal; the parser folds it into a <see cref="JournalReport"/>).</summary>
internal sealed class EnvelopeFields
{
    public string? Sender;
    public string? OnBehalfOf;
    public string? Subject;
    public bool HasSubject;
    public string? MessageIdRaw;
    public bool HasMessageId;
    public readonly List<JournalRecipient> Recipients = new();
}
