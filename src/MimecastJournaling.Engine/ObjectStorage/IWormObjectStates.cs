namespace MimecastJournaling.Engine.ObjectStorage;

/// <summary>
/// What a sync pass last made of one original's object in one bucket, after the bucket call
/// succeeded: its retain-until (null: none) and legal-hold flag as the object has them then, and
/// whether a pass of this bucket put the object itself (false: it found the object there already).
/// </summary>
public sealed record WormObjectState(string Hash, DateTimeOffset? RetainUntil, bool LegalHold, bool Written);

/// <summary>
/// Storage of <see cref="WormObjectState"/> per object store (its identity, <see cref="JournalObjectStores.StoreKey"/>)
/// and content hash: primitives only. Which originals need a bucket call is <see cref="WormOriginals"/>'s rule.
/// Both archives (SQLite and PostgreSQL) implement it, in table worm_objects of their database.
/// </summary>
public interface IWormObjectStates
{
    /// <summary>The recorded states of those of <paramref name="hashes"/> (lower-case hex) that have one in <paramref name="storeKey"/>'s bucket, by hash.</summary>
    IReadOnlyDictionary<string, WormObjectState> ReadWormStates(string storeKey, IReadOnlyCollection<string> hashes);

    /// <summary>Inserts or replaces the states (by store and hash), all in one transaction.</summary>
    void SaveWormStates(string storeKey, IReadOnlyCollection<WormObjectState> states, DateTimeOffset updated);

    /// <summary>Removes the states of <paramref name="hashes"/> in <paramref name="storeKey"/>'s bucket; hashes without one are no error.</summary>
    void ForgetWormStates(string storeKey, IReadOnlyCollection<string> hashes);
}
