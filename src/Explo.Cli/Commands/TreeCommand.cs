using System.CommandLine;
using Explo.Domain;
using Spectre.Console;

namespace Explo.Cli.Commands;

/// <summary><c>explo tree [ID]</c>: the hierarchy drawn as a tree, or nested JSON objects.</summary>
internal static class TreeCommand
{
    public static Command Create(CliContext cli)
    {
        var id = new Argument<string?>("provided-id") { Description = "The root of the tree to draw (default: every root).", Arity = ArgumentArity.ZeroOrOne };
        var depth = new Option<int?>("--depth") { Description = "How many levels to draw." };
        var command = new Command("tree", "Draw the hierarchy as a tree.") { id, depth, cli.JsonOption };
        command.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var all = CliContext.Ok(await service.ListCustomersAsync(CliContext.Admin, new CustomerFilter()));
            var children = all.Where(c => c.ParentProvidedId is not null).ToLookup(c => c.ParentProvidedId!, StringComparer.Ordinal);
            var roots = parse.GetValue(id) is { } start
                ? [CliContext.Ok(await service.GetCustomerAsync(CliContext.Admin, start))]
                : all.Where(c => c.ParentProvidedId is null).ToList();
            var maxDepth = parse.GetValue(depth) ?? int.MaxValue;
            if (maxDepth < 1)
            {
                throw new UsageException($"--depth must be at least 1; got {maxDepth}.");
            }

            if (cli.WantsJson(parse))
            {
                // Nested objects for scripts: each node with its level, DVG and children (down to --depth).
                TreeNodeJson Node(CustomerView customer, int level) => new(
                    customer.ProvidedId,
                    customer.HierarchyLevel,
                    customer.AccessGroup,
                    level < maxDepth ? [.. children[customer.ProvidedId].Select(c => Node(c, level + 1))] : []);
                cli.Json<IReadOnlyList<TreeNodeJson>>([.. roots.Select(r => Node(r, 1))], CliJson.Context.IReadOnlyListTreeNodeJson);
                return 0;
            }

            var tree = new Tree(Markup.Escape(Path.GetFileName(parse.GetValue(cli.Db)!)));
            void Add(IHasTreeNodes node, CustomerView customer, int level)
            {
                var child = node.AddNode(Markup.Escape($"{customer.ProvidedId} ({customer.HierarchyLevel}, {customer.AccessGroup})"));
                if (level < maxDepth)
                {
                    foreach (var next in children[customer.ProvidedId])
                    {
                        Add(child, next, level + 1);
                    }
                }
            }

            foreach (var root in roots)
            {
                Add(tree, root, 1);
            }

            cli.Console.Write(tree);
            return 0;
        }));
        return command;
    }
}
