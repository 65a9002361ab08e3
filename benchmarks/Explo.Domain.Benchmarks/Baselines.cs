using System.Runtime.InteropServices;
using System.Text.Json;
using Explo.Domain.Inheritance;

namespace Explo.Domain.Benchmarks;

/// <summary>
/// What an export does with computed fields: reads every key and every value. It folds each customer's entries into a
/// hash that depends on their order, and adds the customers' hashes up (so customers may come in any order), so two ways
/// of resolving can be checked to give the same output.
/// </summary>
public sealed class Sink
{
    private long _customer;

    public long Checksum { get; private set; }

    public long Entries { get; private set; }

    private void Property(string key, JsonElement value)
    {
        // The value's raw UTF-8 bytes: read without copying or allocating.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        _customer = unchecked((_customer * 31) + key.Length + (key[^1] * 5) + (raw.Length * 7) + (raw.IsEmpty ? 0 : raw[^1]));
        Entries++;
    }

    private void Mapping(string schema, string dataSource)
    {
        _customer = unchecked((_customer * 31) + schema.Length + (dataSource.Length * 3) + dataSource[^1]);
        Entries++;
    }

    private void Begin() => _customer = 17;

    private void End() => Checksum = unchecked(Checksum + (_customer * 0x7E3779B97F4A7C15L));

    /// <summary>Reads a live computed view (the streaming walk).</summary>
    public void Read(ComputedView view)
    {
        Begin();
        var keys = view.Properties.Keys;
        var values = view.Properties.Values;
        for (var i = 0; i < keys.Length; i++)
        {
            Property(keys[i], values[i]);
        }

        var schemas = view.Mapping.Keys;
        var sources = view.Mapping.Values;
        for (var i = 0; i < schemas.Length; i++)
        {
            Mapping(schemas[i], sources[i]);
        }

        End();
    }

    /// <summary>Reads materialized computed fields.</summary>
    public void Read(ComputedFields fields) => Read(fields.Properties.Entries.AsSpan(), fields.Mapping.Entries.AsSpan());

    /// <summary>Reads entries in order: materialized fields, or entries worked out beforehand (the whole tree's floor).</summary>
    public void Read(ReadOnlySpan<KeyValuePair<string, JsonElement>> properties, ReadOnlySpan<KeyValuePair<string, string>> mapping)
    {
        Begin();
        foreach (var (key, value) in properties)
        {
            Property(key, value);
        }

        foreach (var (key, value) in mapping)
        {
            Mapping(key, value);
        }

        End();
    }

    /// <summary>Reads the naive resolver's dictionaries.</summary>
    public void Read(Dictionary<string, JsonElement> properties, Dictionary<string, string> mapping)
    {
        Begin();
        foreach (var (key, value) in properties)
        {
            Property(key, value);
        }

        foreach (var (key, value) in mapping)
        {
            Mapping(key, value);
        }

        End();
    }
}

/// <summary>
/// The naive baseline: for one customer, walk its ancestor chain and merge root first into fresh dictionaries, from
/// scratch, every time. (A dictionary without removals enumerates in insertion order and keeps an overwritten key in
/// its place, so the output order is the spec's too.)
/// </summary>
public static class Naive
{
    /// <summary>Every customer of a tree, each resolved from scratch, into one sink.</summary>
    public static long EveryCustomer(CustomerTree tree)
    {
        var sink = new Sink();
        foreach (var customer in tree.Customers)
        {
            var (properties, mapping) = Resolve(tree, customer);
            sink.Read(properties, mapping);
        }

        return sink.Checksum;
    }

    public static (Dictionary<string, JsonElement> Properties, Dictionary<string, string> Mapping) Resolve(CustomerTree tree, Customer customer)
    {
        var chain = new List<Customer>();
        for (var c = customer; ; c = tree.ById(c.ParentId!.Value))
        {
            chain.Add(c);
            if (c.ParentId is null)
            {
                break;
            }
        }

        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tree.DefaultMapping(customer.AccessGroupId).Entries)
        {
            mapping[key] = value;
        }

        for (var i = chain.Count - 1; i >= 0; i--)
        {
            foreach (var (key, value) in chain[i].Properties.Entries)
            {
                properties[key] = value;
            }

            foreach (var (key, value) in chain[i].Mapping.Entries)
            {
                mapping[key] = value;
            }
        }

        return (properties, mapping);
    }
}

/// <summary>
/// The floor of a read: the customer's computed entries, computed beforehand; what is left to do is producing the
/// output maps from them (exactly as the resolver's output is built).
/// </summary>
public sealed class PrecomputedEntries
{
    private readonly KeyValuePair<string, JsonElement>[][] _properties;
    private readonly KeyValuePair<string, string>[][] _mapping;

    public PrecomputedEntries(CustomerTree tree, IReadOnlyList<Customer> customers)
    {
        _properties = new KeyValuePair<string, JsonElement>[customers.Count][];
        _mapping = new KeyValuePair<string, string>[customers.Count][];
        for (var i = 0; i < customers.Count; i++)
        {
            var (properties, mapping) = Naive.Resolve(tree, customers[i]);
            _properties[i] = [.. properties];
            _mapping[i] = [.. mapping];
        }
    }

    public int Count => _properties.Length;

    /// <summary>Hands customer <paramref name="i"/>'s entries to the sink as they are (no output maps built).</summary>
    public void Consume(int i, Sink sink) => sink.Read(_properties[i], _mapping[i]);

    /// <summary>Produces the output maps of customer <paramref name="i"/> and hands them to the sink.</summary>
    public void Produce(int i, Sink sink)
    {
        var properties = OrderedMap<JsonElement>.FromDistinct(_properties[i]);
        var mapping = OrderedMap<string>.FromDistinct(_mapping[i]);
        sink.Read(new ComputedFields(properties, mapping, []));
    }
}

/// <summary>The streaming resolution: one depth-first walk over the tree's adjacency, every customer into one sink.</summary>
public static class Streaming
{
    public static long EveryCustomer(CustomerTree tree)
    {
        var sink = new Sink();
        InheritanceResolver.Walk(tree.Roots, tree.ChildrenOf, tree.DefaultMapping, static _ => true, (_, view) => sink.Read(view));
        return sink.Checksum;
    }

    /// <summary>The parallel walk: a sink per worker, whose checksums add up to the one sink's (customers in any order).</summary>
    public static long EveryCustomerInParallel(CustomerTree tree, int workers)
    {
        var sinks = new System.Collections.Concurrent.ConcurrentBag<Sink>();
        InheritanceResolver.WalkParallel(tree.Roots, tree.ChildrenOf, tree.DefaultMapping, static _ => true, () =>
        {
            var sink = new Sink();
            sinks.Add(sink);
            return (_, view) => sink.Read(view);
        }, workers);
        var checksum = 0L;
        foreach (var sink in sinks)
        {
            checksum = unchecked(checksum + sink.Checksum);
        }

        return checksum;
    }
}
