namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// The spool's length for back-pressure, without a COUNT(*) for every message: the processor
/// sets it from the spool after every round, and the writer adds what it appended since. It can
/// run ahead of the truth for one round (an append counted twice), never behind it for longer.
/// </summary>
internal sealed class SpoolLength
{
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Set(long value) => Interlocked.Exchange(ref _value, value);

    public void Add(int appended) => Interlocked.Add(ref _value, appended);
}
