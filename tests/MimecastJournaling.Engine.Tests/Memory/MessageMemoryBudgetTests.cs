using System.Text;
using MimecastJournaling.Engine.Search;

namespace MimecastJournaling.Engine.Tests.Memory;

/// <summary>The listener-wide budget for messages held whole in memory: over it a reservation waits, it never fails.</summary>
public sealed class MessageMemoryBudgetTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_reservation_that_does_not_fit_waits_until_the_holder_gives_its_bytes_back()
    {
        var budget = new MessageMemoryBudget(100);
        var first = budget.Reserve(60);
        var second = Task.Run(() => budget.Reserve(60));

        // Still waiting while the first is held (not refused, not granted).
        await Task.Delay(300);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, budget.Waited);
        Assert.Equal(60, budget.InUse);

        first.Dispose();
        using var granted = await second.WaitAsync(Bounded);
        Assert.Equal(60, budget.InUse);
    }

    [Fact]
    public void Reservations_that_fit_together_do_not_wait()
    {
        var budget = new MessageMemoryBudget(100);
        using var a = budget.Reserve(40);
        using var b = budget.Reserve(60);
        Assert.Equal(100, budget.InUse);
        Assert.Equal(0, budget.Waited);
    }

    [Fact]
    public async Task A_message_larger_than_the_whole_budget_runs_alone_and_is_never_refused()
    {
        var budget = new MessageMemoryBudget(100);
        using (var alone = budget.Reserve(1_000))
        {
            Assert.Equal(1_000, budget.InUse);
            // Anything else waits for it.
            var small = Task.Run(() => budget.Reserve(1));
            await Task.Delay(300);
            Assert.False(small.IsCompleted);
            alone.Dispose();
            (await small.WaitAsync(Bounded)).Dispose();
        }
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public void A_lease_given_back_twice_counts_once()
    {
        var budget = new MessageMemoryBudget(100);
        var lease = budget.Reserve(30);
        lease.Dispose();
        lease.Dispose();
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task A_waiting_reservation_ends_with_its_cancellation()
    {
        var budget = new MessageMemoryBudget(10);
        using var held = budget.Reserve(10);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Run(() => budget.Reserve(5, stop.Token)).WaitAsync(Bounded));
        Assert.Equal(10, budget.InUse);
    }

    [Fact]
    public void A_large_body_is_indexed_from_its_first_mebibyte_without_being_decoded_whole()
    {
        // About 40 MB of body: the words at its start are indexed, the capped text stays within the cap.
        var head = "Subject: big\r\nFrom: alice@contoso.com\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nzebra quarterly results\r\n";
        var raw = new StringBuilder(head);
        var line = string.Concat(Enumerable.Repeat("filler ", 10)) + "\r\n";
        while (raw.Length < 40 * 1024 * 1024)
        {
            raw.Append(line);
        }
        raw.Append("tailword\r\n");
        var bytes = Encoding.ASCII.GetBytes(raw.ToString());
        raw.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var text = SearchTextExtractor.Extract(1, bytes, "big");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(text.Failure);
        Assert.Equal(["zebra", "quarterly", "results"], SearchText.Tokens(text.Body).Take(3));
        Assert.DoesNotContain("tailword", SearchText.Tokens(text.Body));
        Assert.True(text.Body.Length <= SearchTextExtractor.MaxBodyChars);
        // Decoded whole, a 40 MB body costs 80 MB as text alone (and more for its copies).
        Assert.True(allocated < bytes.Length / 2, $"Extracting allocated {allocated / 1024 / 1024} MB for a {bytes.Length / 1024 / 1024} MB message.");
    }

    [Fact]
    public void A_capped_body_cut_inside_a_utf8_character_keeps_its_text()
    {
        // Multi-byte characters across the 1 MiB limit: read as UTF-8, not as Latin-1.
        var head = "Subject: u\r\nContent-Type: text/plain\r\n\r\n";
        var body = new StringBuilder("grüße ");
        while (Encoding.UTF8.GetByteCount(body.ToString()) < SearchTextExtractor.MaxBodyPartBytes + 10)
        {
            body.Append("äöü ");
        }
        var bytes = Encoding.UTF8.GetBytes(head + body);
        var text = SearchTextExtractor.Extract(1, bytes, "u");
        Assert.Null(text.Failure);
        Assert.StartsWith("grüße", text.Body);
    }
}
