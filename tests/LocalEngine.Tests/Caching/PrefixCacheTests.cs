using Glm4vSK.LocalEngine.Caching;
using Glm4vSK.LocalEngine.Model;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Caching;

/// <summary>The cache mechanics on their own: block copies, LRU order within the budget, content and block keys.</summary>
public sealed class PrefixCacheTests
{
    const int Layers = 2, Block = 4;

    /// <summary>A one-row KV cache whose 12 positions hold distinct values (offset by <paramref name="seed"/>).</summary>
    static KvCache Filled(float seed)
    {
        var cache = new KvCache(Layers, 1, 2, 16, 3, ScalarType.Float32, CPU);
        using var scope = NewDisposeScope();
        for (int layer = 0; layer < Layers; layer++)
        {
            var k = arange(2 * 12 * 3, ScalarType.Float32).view(1, 2, 12, 3) + seed + 1000 * layer;
            cache.Append(layer, k, -k);
        }
        cache.Advance(12);
        return cache;
    }

    static ContentHash[] Chain(long first) =>
        BlockHashes.Compute(Enumerable.Range(0, 12).Select(i => first + i).ToList(), [], Block, 3);

    [Fact]
    public void A_cache_salt_changes_every_block_key_and_equal_salts_give_equal_keys()
    {
        var ids = Enumerable.Range(0, 12).Select(i => (long)i).ToList();
        var plain = BlockHashes.Compute(ids, [], Block, 3);
        var a = BlockHashes.Compute(ids, [], Block, 3, "tenant-a");
        var b = BlockHashes.Compute(ids, [], Block, 3, "tenant-b");
        Assert.Equal(a, BlockHashes.Compute(ids, [], Block, 3, "tenant-a"));
        for (int k = 0; k < 3; k++)
        {
            Assert.NotEqual(plain[k], a[k]);
            Assert.NotEqual(a[k], b[k]);
        }
        Assert.NotEqual(plain[0], BlockHashes.Compute(ids, [], Block, 1, "")[0]); // an empty salt is a namespace too
    }

    [Fact]
    public void Restored_blocks_equal_the_stored_ones_and_the_least_recent_tails_go_first()
    {
        using var a = Filled(0);
        using var b = Filled(0.5f);
        long blockBytes = a.BlockBytes(Block);
        using var prefix = new PrefixCache(3 * blockBytes, Block);
        var chainA = Chain(100);
        var chainB = Chain(200);
        prefix.Store(chainA, 3, a, 0);
        Assert.Equal(3, prefix.Count);

        using (var target = new KvCache(Layers, 1, 2, 16, 3, ScalarType.Float32, CPU))
        {
            Assert.Equal(2, prefix.Restore(chainA, 2, target, 0));   // at most maxBlocks
            using var scope = NewDisposeScope();
            Assert.True(target.ReadBlock(0, 0, 8).equal(a.ReadBlock(0, 0, 8)).all().item<bool>());
        }

        prefix.Store(chainB, 2, b, 0);                                   // two of A's blocks make room: its tail
        Assert.Equal(3, prefix.Count);
        Assert.Equal(2, prefix.Evictions);
        Assert.InRange(prefix.Bytes, 0, prefix.BudgetBytes);
        using (var target = new KvCache(Layers, 1, 2, 16, 3, ScalarType.Float32, CPU))
        {
            Assert.Equal(1, prefix.Restore(chainA, 3, target, 0));
            Assert.Equal(2, prefix.Restore(chainB, 3, target, 0));      // B overwrites A's block 0 in this row
            using var scope = NewDisposeScope();
            Assert.True(target.ReadBlock(0, 0, 8).equal(b.ReadBlock(0, 0, 8)).all().item<bool>());
        }
    }

    [Fact]
    public void A_chain_longer_than_the_budget_keeps_its_head_and_a_budget_below_one_block_keeps_nothing()
    {
        using var a = Filled(0);
        using (var prefix = new PrefixCache(2 * a.BlockBytes(Block), Block))
        {
            prefix.Store(Chain(1), 3, a, 0);
            using var target = new KvCache(Layers, 1, 2, 16, 3, ScalarType.Float32, CPU);
            Assert.Equal(2, prefix.Restore(Chain(1), 3, target, 0));
        }
        using var tiny = new PrefixCache(a.BlockBytes(Block) - 1, Block);
        tiny.Store(Chain(1), 3, a, 0);
        Assert.Equal(0, tiny.Count);
    }

    [Fact]
    public async Task Concurrent_stores_and_restores_copy_whole_blocks_and_keep_to_the_budget()
    {
        using var source = Filled(0);
        long blockBytes = source.BlockBytes(Block);
        using var prefix = new PrefixCache(5 * blockBytes, Block);
        // Eight chains over the same contents, five blocks of room: stores evict while others restore.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                var chain = Chain(1000 * ((worker + i) % 8));
                prefix.Store(chain, 3, source, 0);
                using var target = new KvCache(Layers, 1, 2, 16, 3, ScalarType.Float32, CPU);
                int n = prefix.Restore(chain, 3, target, 0);
                using var scope = NewDisposeScope();
                if (n > 0) Assert.True(target.ReadBlock(0, 0, n * Block).equal(source.ReadBlock(0, 0, n * Block)).all().item<bool>());
                Assert.InRange(prefix.Bytes, 0, prefix.BudgetBytes);
            }
        })));
        Assert.True(prefix.Evictions > 0);
        Assert.InRange(prefix.Count, 1, 5);
    }

    [Fact]
    public void Content_hashes_follow_the_pixels_and_the_grid_and_block_keys_follow_the_pictures_they_cover()
    {
        using var scope = NewDisposeScope();
        var g = new GridThw(1, 2, 2);
        var pixels = cat([ones(4, 6), ones(4, 6), ones(4, 6) * 2], 0);   // items 0 and 1 equal, item 2 different
        MediaItem Item(long offset, GridThw grid)
        {
            var m = new MediaItem { Kind = TokenKind.Image, Grid = grid, PixelOffset = offset, Tokens = 1 };
            m.ComputeHash(pixels);
            return m;
        }
        Assert.Equal(Item(0, g).Hash, Item(4, g).Hash);
        Assert.NotEqual(Item(0, g).Hash, Item(8, g).Hash);
        Assert.NotEqual(Item(0, g).Hash, Item(0, new GridThw(1, 1, 4)).Hash);

        var ids = Enumerable.Range(0, 12).Select(i => (long)i).ToList();
        var one = Item(0, g);
        one.First = 6; one.End = 7;
        var two = Item(8, g);
        two.First = 6; two.End = 7;
        var withOne = BlockHashes.Compute(ids, [one], Block, 3);
        var withTwo = BlockHashes.Compute(ids, [two], Block, 3);
        Assert.Equal(withOne[0], withTwo[0]);          // the block before the picture is shared
        Assert.NotEqual(withOne[1], withTwo[1]);       // the picture's block differs
        Assert.NotEqual(withOne[2], withTwo[2]);       // and so does every block after it
    }
}
