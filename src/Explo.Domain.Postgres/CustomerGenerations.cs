using System.Collections.Concurrent;

namespace Explo.Domain.Postgres;

/// <summary>
/// The store's per-instance cache of customers read by id (the ancestors every view resolves), valid for one version of
/// the customers. The database raises <c>explo_state.customers_version</c> in every transaction that changes a customer
/// (schema 4's triggers), and a read learns the version of its snapshot first: customers read at one version are the
/// same at every read that finds that version, in any instance, so they are shared by those reads. A read at a newer
/// version starts a new, empty generation; a read at an older one (a snapshot taken before a commit it raced) uses none.
/// </summary>
internal sealed class CustomerGenerations(int capacity)
{
    private Generation _current = new(-1, capacity);

    /// <summary>How many lookups the current generation answered (for the tests).</summary>
    public long CurrentHits => Volatile.Read(ref _current).Hits;

    /// <summary>The generation of a read whose snapshot found <paramref name="version"/>; null when it is older than the current one.</summary>
    public Generation? For(long version)
    {
        while (true)
        {
            var current = Volatile.Read(ref _current);
            if (current.Version == version)
            {
                return current;
            }

            if (version < current.Version || capacity == 0)
            {
                return null;
            }

            var fresh = new Generation(version, capacity);
            if (Interlocked.CompareExchange(ref _current, fresh, current) == current)
            {
                return fresh;
            }
        }
    }

    /// <summary>The customers of one version, by id; at most <c>capacity</c> are kept.</summary>
    internal sealed class Generation(long version, int capacity)
    {
        private readonly ConcurrentDictionary<long, Customer> _customers = new();
        private int _count;
        private long _hits;

        /// <summary>The version of the customers this generation holds.</summary>
        public long Version { get; } = version;

        /// <summary>How many lookups this generation answered (for the tests).</summary>
        public long Hits => Interlocked.Read(ref _hits);

        public bool TryGet(long id, out Customer customer)
        {
            if (_customers.TryGetValue(id, out customer!))
            {
                Interlocked.Increment(ref _hits);
                return true;
            }

            return false;
        }

        /// <summary>Keeps a customer read at this version (until the generation is full).</summary>
        public void Add(Customer customer)
        {
            if (Volatile.Read(ref _count) < capacity && _customers.TryAdd(customer.Id.Value, customer))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}
