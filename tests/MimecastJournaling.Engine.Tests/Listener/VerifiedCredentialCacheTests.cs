using MimecastJournaling.Engine.Listener;
using MimecastJournaling.Engine.Tests.TestSupport;

namespace MimecastJournaling.Engine.Tests.Listener;

public sealed class VerifiedCredentialCacheTests
{
    private static readonly Guid Definition = Guid.NewGuid();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_remembered_check_holds_for_its_lifetime_only()
    {
        var cache = new VerifiedCredentialCache(TimeSpan.FromMinutes(10), _clock);
        cache.Remember(Definition, "exchange", "hash-1", "secret");

        Assert.True(cache.IsVerified(Definition, "exchange", "hash-1", "secret"));
        _clock.Advance(TimeSpan.FromMinutes(11));
        Assert.False(cache.IsVerified(Definition, "exchange", "hash-1", "secret"));
    }

    [Fact]
    public void Another_password_user_definition_or_stored_hash_is_not_a_hit()
    {
        var cache = new VerifiedCredentialCache(TimeSpan.FromMinutes(10), _clock);
        cache.Remember(Definition, "exchange", "hash-1", "secret");

        Assert.False(cache.IsVerified(Definition, "exchange", "hash-1", "Secret"));
        Assert.False(cache.IsVerified(Definition, "Exchange", "hash-1", "secret"));
        Assert.False(cache.IsVerified(Guid.NewGuid(), "exchange", "hash-1", "secret"));
        // The admin set a new password: the stored hash changed, the old proof no longer counts.
        Assert.False(cache.IsVerified(Definition, "exchange", "hash-2", "secret"));
    }

    [Fact]
    public void A_zero_lifetime_disables_the_cache()
    {
        var cache = new VerifiedCredentialCache(TimeSpan.Zero, _clock);
        cache.Remember(Definition, "exchange", "hash-1", "secret");

        Assert.False(cache.IsVerified(Definition, "exchange", "hash-1", "secret"));
    }
}
