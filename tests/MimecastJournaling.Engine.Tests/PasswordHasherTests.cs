using System.Text;
using MimecastJournaling.Engine.Security;

namespace MimecastJournaling.Engine.Tests;

public class PasswordHasherTests
{
    // Verify reads the iteration count from the stored hash, so a small count keeps these fast.
    private const int FewIterations = 1_000;

    [Fact]
    public void Default_hash_has_the_documented_format()
    {
        var hash = PasswordHasher.Hash("S3cret-journal!");

        var parts = hash.Split('$');
        Assert.Equal(4, parts.Length);
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("600000", parts[1]);
        Assert.Equal(600_000, PasswordHasher.DefaultIterations);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
        Assert.True(PasswordHasher.Verify("S3cret-journal!", hash));
    }

    [Fact]
    public void Hash_records_the_iteration_count_it_used()
    {
        var hash = PasswordHasher.Hash("pw", FewIterations);
        Assert.StartsWith("pbkdf2-sha256$1000$", hash, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_hashes_of_one_password_differ_because_of_the_salt()
    {
        var first = PasswordHasher.Hash("same password", FewIterations);
        var second = PasswordHasher.Hash("same password", FewIterations);

        Assert.NotEqual(first, second);
        Assert.NotEqual(first.Split('$')[2], second.Split('$')[2]);
        Assert.True(PasswordHasher.Verify("same password", first));
        Assert.True(PasswordHasher.Verify("same password", second));
    }

    [Fact]
    public void Hash_does_not_contain_the_password()
    {
        const string password = "cGFzc3dvcmQ";   // looks like base64, the alphabet the hash uses
        var hash = PasswordHasher.Hash(password, FewIterations);
        Assert.DoesNotContain(password, hash, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("S3cret-journal!", true)]
    [InlineData("s3cret-journal!", false)]
    [InlineData("S3cret-journal", false)]
    [InlineData("S3cret-journal!!", false)]
    [InlineData("", false)]
    public void Verify_accepts_only_the_exact_password(string attempt, bool expected)
    {
        var hash = PasswordHasher.Hash("S3cret-journal!", FewIterations);
        Assert.Equal(expected, PasswordHasher.Verify(attempt, hash));
    }

    [Fact]
    public void Verify_handles_non_ascii_passwords()
    {
        var hash = PasswordHasher.Hash("Grüße-日本-🔑", FewIterations);
        Assert.True(PasswordHasher.Verify("Grüße-日本-🔑", hash));
        Assert.False(PasswordHasher.Verify("Grusse-日本-🔑", hash));
    }

    public static TheoryData<string> MalformedHashes()
    {
        var good = PasswordHasher.Hash("pw", FewIterations).Split('$');
        return new TheoryData<string>
        {
            "",
            "pw",
            "$$$",
            string.Join('$', good[0], good[1], good[2]),
            string.Join('$', good[0], good[1], good[2], good[3], "extra"),
            string.Join('$', "pbkdf2-sha1", good[1], good[2], good[3]),
            string.Join('$', "PBKDF2-SHA256", good[1], good[2], good[3]),
            string.Join('$', good[0], "0", good[2], good[3]),
            string.Join('$', good[0], "-1000", good[2], good[3]),
            string.Join('$', good[0], "1e3", good[2], good[3]),
            string.Join('$', good[0], " 1000", good[2], good[3]),
            string.Join('$', good[0], "99999999999", good[2], good[3]),
            string.Join('$', good[0], "many", good[2], good[3]),
            string.Join('$', good[0], good[1], "not base64!", good[3]),
            string.Join('$', good[0], good[1], good[2], "not base64!"),
            string.Join('$', good[0], good[1], good[2], ""),
            string.Join('$', good[0], good[1], "", good[3]),
            string.Join('$', good[0], good[1], good[2], Convert.ToBase64String(new byte[32])),
        };
    }

    [Theory]
    [MemberData(nameof(MalformedHashes))]
    public void Verify_returns_false_for_a_malformed_hash_and_never_throws(string storedHash) =>
        Assert.False(PasswordHasher.Verify("pw", storedHash));

    [Fact]
    public void Verify_of_the_hash_string_itself_is_false()
    {
        var hash = PasswordHasher.Hash("pw", FewIterations);
        Assert.False(PasswordHasher.Verify(hash, hash));
        Assert.False(PasswordHasher.Verify(Encoding.UTF8.GetString(Convert.FromBase64String(hash.Split('$')[3])), hash));
    }
}
