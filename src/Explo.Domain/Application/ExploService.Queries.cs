using System.Text.Json;
using Explo.Domain.Inheritance;
using Explo.Domain.Ports;

namespace Explo.Domain;

/// <summary>
/// Queries the in-process tools need beyond the API (explain, find, stats). They are methods of the service only, not
/// of <see cref="IExploService"/>, which the HTTP client also implements. Each sees what the caller sees: an
/// administrator every customer (or one DVG's, when it names one), a token its DVG's.
/// </summary>
public sealed partial class ExploService
{
    /// <summary>
    /// Gets a customer as <see cref="GetCustomerAsync"/> does, and where each computed value comes from: the customer
    /// itself or the nearest ancestor that holds the key, or the DVG's default for a mapping entry no customer holds.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="providedId">The provided id.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The customer and the sources of its computed values; <c>customer_not_found</c> when the caller does not see it.</returns>
    public Task<Result<CustomerExplanation>> ExplainCustomerAsync(Caller caller, string providedId, CancellationToken cancellationToken = default) =>
        Run<CustomerExplanation>(caller, Access.Read, cancellationToken, unit =>
        {
            if (CheckProvidedIdLookup(unit, FieldNames.ProvidedId, providedId) is { } invalid)
            {
                return invalid;
            }

            return unit.FindVisible(providedId) is { } customer ? unit.Explain(customer) : CustomerNotFound(providedId);
        });

    /// <summary>
    /// The customers whose computed property <paramref name="key"/> equals any of <paramref name="values"/> (often just
    /// one: <c>[value]</c>) as JSON (<see cref="JsonElement.DeepEquals"/>: numbers by value, objects regardless of member
    /// order), in creation order. One walk of the caller's customers computes every
    /// computed property once, each ancestor's layer applied once (<see cref="InheritanceResolver"/>).
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The property key (exact).</param>
    /// <param name="values">The values to match (any one).</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The matching customers the caller sees.</returns>
    public Task<Result<IReadOnlyList<CustomerView>>> FindCustomersByComputedPropertyAsync(Caller caller, string key, IReadOnlyCollection<JsonElement> values, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(key);
        Guard.NotNull(values);
        return Run<IReadOnlyList<CustomerView>>(caller, Access.Read, cancellationToken, unit =>
        {
            var customers = VisibleCustomers(unit);

            // No customer holds the key itself: none has it computed (and nothing needs walking).
            if (values.Count == 0 || !customers.Any(c => c.Properties.ContainsKey(key)))
            {
                return Result<IReadOnlyList<CustomerView>>.Success([]);
            }

            var byId = new Dictionary<CustomerId, Customer>(customers.Count);
            foreach (var customer in customers)
            {
                byId[customer.Id] = customer;
            }

            var found = new List<(Customer Customer, ComputedFields Fields)>();
            InheritanceResolver.Walk(customers, unit.Workspace.DefaultMapping, _ => true, (customer, view) =>
            {
                if (view.Properties.TryGetValue(key, out var computed) && values.Any(v => JsonElement.DeepEquals(computed, v)))
                {
                    found.Add((customer, view.Materialize()));
                }
            });

            found.Sort((a, b) => a.Customer.Id.Value.CompareTo(b.Customer.Id.Value));
            return found.Select(f => unit.ToView(f.Customer, f.Fields, f.Customer.ParentId is { } parent ? byId[parent].ProvidedId : null)).ToList();
        });
    }

    /// <summary>
    /// Counts over the customers the caller sees: how many, the depth of the deepest path, and how many per hierarchy
    /// level and per data visibility group. One pass over the customers; depths are found once each, without recursion.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The counts.</returns>
    public Task<Result<WorkspaceStats>> GetWorkspaceStatsAsync(Caller caller, CancellationToken cancellationToken = default) =>
        Run<WorkspaceStats>(caller, Access.Read, cancellationToken, unit =>
        {
            var parents = new Dictionary<CustomerId, CustomerId?>();
            var perLevel = new Dictionary<LevelId, long>();
            var perGroup = new Dictionary<AccessGroupId, long>();
            var customers = unit.Principal.Scope is { } scope
                ? unit.Reader.ListCustomers(new CustomerQuery(scope), 0, int.MaxValue)
                : unit.Reader.EnumerateCustomers();
            foreach (var customer in customers)
            {
                parents[customer.Id] = customer.ParentId;
                perLevel[customer.LevelId] = perLevel.GetValueOrDefault(customer.LevelId) + 1;
                perGroup[customer.AccessGroupId] = perGroup.GetValueOrDefault(customer.AccessGroupId) + 1;
            }

            var workspace = unit.Workspace;
            return new WorkspaceStats(
                parents.Count,
                MaxDepth(parents),
                OrderedMap<long>.From(workspace.Levels.Where(l => perLevel.ContainsKey(l.Id)).Select(l => KeyValuePair.Create(l.Name, perLevel[l.Id]))),
                OrderedMap<long>.From(workspace.AccessGroups.Where(g => perGroup.ContainsKey(g.Id)).Select(g => KeyValuePair.Create(g.Name, perGroup[g.Id]))));
        });

    /// <summary>The customers the caller sees, in creation order.</summary>
    private static IReadOnlyList<Customer> VisibleCustomers(UnitOfWork unit) =>
        unit.Principal.Scope is { } scope
            ? unit.Reader.ListCustomers(new CustomerQuery(scope), 0, int.MaxValue)
            : unit.Reader.EnumerateCustomers().ToList();

    /// <summary>
    /// The most customers on one root-to-leaf path of a set closed under "parent of": each customer's depth once, by
    /// walking up to the first ancestor whose depth is known and filling the path in (no recursion on a deep chain).
    /// </summary>
    private static int MaxDepth(Dictionary<CustomerId, CustomerId?> parents)
    {
        var depthOf = new Dictionary<CustomerId, int>(parents.Count);
        var path = new Stack<CustomerId>();
        var max = 0;
        foreach (var start in parents.Keys)
        {
            var at = start;
            var known = 0;
            while (!depthOf.TryGetValue(at, out known))
            {
                path.Push(at);
                if (path.Count > parents.Count)
                {
                    throw Guard.Corrupt("the parent links of the customers form a cycle.");
                }

                if (parents.GetValueOrDefault(at) is not { } parent)
                {
                    known = 0;
                    break;
                }

                if (!parents.ContainsKey(parent))
                {
                    throw Guard.Corrupt($"customer {parent.Value} is referenced as a parent but is missing.");
                }

                at = parent;
            }

            while (path.TryPop(out var next))
            {
                depthOf[next] = ++known;
            }

            max = Math.Max(max, known);
        }

        return max;
    }
}
