using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace MimecastJournaling.Engine.Listener;

/// <summary>
/// Remembers successful SMTP AUTH checks for a short time, so a sender that opens many sessions
/// does not pay a PBKDF2 derivation (600,000 iterations) each time. The key is a SHA-256 over the
/// definition, the user, the stored hash and the password: a changed password or hash never hits
/// an old entry, and the password itself is not kept. Failures are never cached.
/// </summary>
internal sealed class VerifiedCredentialCache
{
    private const int MaxEntries = 1024;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _clock;

    public VerifiedCredentialCache(TimeSpan lifetime, TimeProvider clock)
    {
        _lifetime = lifetime;
        _clock = clock;
    }

    public bool IsVerified(Guid definitionId, string user, string storedHash, string password) =>
        _lifetime > TimeSpan.Zero
        && _entries.TryGetValue(Key(definitionId, user, storedHash, password), out var expires)
        && expires > _clock.GetUtcNow();

    public void Remember(Guid definitionId, string user, string storedHash, string password)
    {
        if (_lifetime <= TimeSpan.Zero)
        {
            return;
        }
        var now = _clock.GetUtcNow();
        if (_entries.Count >= MaxEntries)
        {
            foreach (var stale in _entries.Where(e => e.Value <= now).Select(e => e.Key).ToList())
            {
                _entries.TryRemove(stale, out _);
            }
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }
        }
        _entries[Key(definitionId, user, storedHash, password)] = now + _lifetime;
    }

    private static string Key(Guid definitionId, string user, string storedHash, string password) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{definitionId:N}\0{user}\0{storedHash}\0{password}")));
}
