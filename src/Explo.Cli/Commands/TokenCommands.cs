using System.CommandLine;
using System.Globalization;
using Explo.Domain;
using Spectre.Console;

namespace Explo.Cli.Commands;

/// <summary><c>explo token create|list|revoke</c>: the API tokens.</summary>
internal static class TokenCommands
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("token", "Create, list and revoke API tokens.");
        var dvg = new Option<string>("--dvg") { Description = "The token's data visibility group.", Required = true };
        var readOnly = new Option<bool>("--read-only") { Description = "A token that can only read." };
        var label = new Option<string>("--label") { Description = "A label for people.", DefaultValueFactory = _ => string.Empty };
        var create = new Command("create", "Create an API token; its secret is printed once.") { dvg, readOnly, label };
        create.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var created = CliContext.Ok(await service.CreateApiTokenAsync(CliContext.Admin, new CreateApiTokenRequest(parse.GetValue(dvg)!, parse.GetValue(readOnly), parse.GetValue(label)!)));
            cli.Output.WriteLine($"Created API token {created.Token.Id.Value} ({(created.Token.ReadOnly ? "read-only" : "read-write")}, {created.Token.AccessGroup}). Its secret, shown only now:");
            cli.Output.WriteLine(created.Secret);
            return 0;
        }));
        var list = new Command("list", "List the API tokens (never their secrets).") { cli.JsonOption };
        list.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var tokens = CliContext.Ok(await service.ListApiTokensAsync(CliContext.Admin));
            if (cli.WantsJson(parse))
            {
                cli.Json<IReadOnlyList<TokenJson>>(
                    [.. tokens.Select(t => new TokenJson(t.Id.Value, t.AccessGroup, t.ReadOnly, t.Label, t.CreatedAt, t.RevokedAt))],
                    CliJson.Context.IReadOnlyListTokenJson);
            }
            else
            {
                var table = new Table().AddColumn("id").AddColumn("dvg").AddColumn("access").AddColumn("label").AddColumn("state");
                foreach (var t in tokens)
                {
                    table.AddRow(t.Id.Value.ToString(CultureInfo.InvariantCulture), Markup.Escape(t.AccessGroup), t.ReadOnly ? "read-only" : "read-write", Markup.Escape(t.Label), t.RevokedAt is null ? "active" : "revoked");
                }

                cli.Console.Write(table);
            }

            return 0;
        }));
        var id = new Argument<int>("id") { Description = "The token's id (see 'token list')." };
        var revoke = new Command("revoke", "Revoke an API token.") { id };
        revoke.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            CliContext.Ok(await service.RevokeApiTokenAsync(CliContext.Admin, new ApiTokenId(parse.GetValue(id))));
            cli.Output.WriteLine($"Revoked API token {parse.GetValue(id)}.");
            return 0;
        }));
        command.Subcommands.Add(create);
        command.Subcommands.Add(list);
        command.Subcommands.Add(revoke);
        return command;
    }
}
