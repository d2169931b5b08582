namespace MimecastJournaling.Engine.Storage;

/// <summary>A named store-wide lease: who has it and until when.</summary>
public sealed record StoreLease(string Name, string Holder, DateTimeOffset Until);

/// <summary>
/// Store-wide leases (table leases): at most one holder per name at a time across every host of a
/// shared store. Primitives only; what a lease guards and how long it lasts is the caller's rule.
/// Both stores (SQLite and PostgreSQL) implement it.
/// </summary>
public interface IStoreLeases
{
    /// <summary>
    /// Takes lease <paramref name="name"/> for <paramref name="holder"/> until <paramref name="until"/>
    /// when nobody has it, its holder's time ran out (until at or before <paramref name="now"/>), or
    /// <paramref name="holder"/> has it already (a renewal), in one statement; true when the holder has it now.
    /// </summary>
    bool TryTakeLease(string name, string holder, DateTimeOffset now, DateTimeOffset until);

    /// <summary>Gives the lease back if <paramref name="holder"/> still has it.</summary>
    void ReleaseLease(string name, string holder);

    /// <summary>The lease as stored (possibly run out), or null when nobody took it or it was given back.</summary>
    StoreLease? GetLease(string name);
}
