using System.CommandLine;
using Explo.Contracts;
using Spectre.Console;

namespace Explo.Cli.Commands;

/// <summary>
/// <c>explo show ID</c>: a customer's own and computed fields, and where each computed value comes from (the core's
/// explanation). With <c>--json</c>, the API's customer object plus <c>computed_property_sources</c> and
/// <c>computed_mapping_sources</c>.
/// </summary>
internal static class ShowCommand
{
    public static Command Create(CliContext cli)
    {
        var id = new Argument<string>("provided-id") { Description = "The customer's provided id." };
        var command = new Command("show", "Show a customer: own and computed fields, and which ancestor each computed value comes from.") { id, cli.JsonOption };
        command.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var explained = CliContext.Ok(await service.ExplainCustomerAsync(CliContext.Admin, parse.GetValue(id)!));
            var customer = explained.Customer;
            if (cli.WantsJson(parse))
            {
                cli.Json(ExplainedCustomerBody.From(customer, explained.PropertySources, explained.MappingSources), ExploJson.Context.ExplainedCustomerBody);
                return 0;
            }

            var table = new Table().AddColumn("field").AddColumn("value");
            table.AddRow("provided_id", Markup.Escape(customer.ProvidedId));
            table.AddRow("name", Markup.Escape(customer.Name));
            table.AddRow("hierarchy_level", Markup.Escape(customer.HierarchyLevel));
            table.AddRow("access_group", Markup.Escape(customer.AccessGroup));
            table.AddRow("parent", Markup.Escape(customer.ParentProvidedId ?? "(root)"));
            table.AddRow("emails", Markup.Escape(string.Join(", ", customer.Emails)));
            table.AddRow("group_tags", Markup.Escape(string.Join(", ", customer.GroupTags)));
            table.AddRow("computed_group_tags", Markup.Escape(string.Join(", ", customer.ComputedGroupTags)));
            cli.Console.Write(table);
            var computed = new Table().AddColumn("computed property").AddColumn("value").AddColumn("from");
            foreach (var (key, value) in customer.ComputedProperties)
            {
                computed.AddRow(Markup.Escape(key), Markup.Escape(value.GetRawText()), Markup.Escape(explained.PropertySources[key]));
            }

            foreach (var (schema, source) in customer.ComputedMapping)
            {
                computed.AddRow(Markup.Escape("mapping " + schema), Markup.Escape(source), Markup.Escape(explained.MappingSources[schema]));
            }

            cli.Console.Write(computed);
            return 0;
        }));
        return command;
    }
}
