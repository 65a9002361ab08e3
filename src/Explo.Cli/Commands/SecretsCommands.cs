using System.CommandLine;
using Explo.Domain;
using Spectre.Console;

namespace Explo.Cli.Commands;

/// <summary><c>explo secrets create|list|revoke</c>: the embed secrets that encrypt the embed tokens of <c>generate_jwt</c>.</summary>
internal static class SecretsCommands
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("secrets", "Create, list and revoke embed secrets (the keys of generate_jwt's embed tokens).");
        var label = new Option<string>("--label") { Description = "A label for people.", DefaultValueFactory = _ => string.Empty };
        var create = new Command("create", "Create an embed secret; its key id and secret are printed, the secret only now.") { label };
        create.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var created = CliContext.Ok(await service.CreateEmbedSecretAsync(CliContext.Admin, parse.GetValue(label)));
            cli.Output.WriteLine($"key_id: {created.Info.KeyId}");
            cli.Output.WriteLine($"secret: {created.Secret}");
            return 0;
        }));
        var list = new Command("list", "List the embed secrets (never the secrets themselves).") { cli.JsonOption };
        list.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var secrets = CliContext.Ok(await service.ListEmbedSecretsAsync(CliContext.Admin));
            if (cli.WantsJson(parse))
            {
                cli.Json<IReadOnlyList<EmbedSecretJson>>(
                    [.. secrets.Select(s => new EmbedSecretJson(s.KeyId, s.Label, s.CreatedAt, s.RevokedAt))],
                    CliJson.Context.IReadOnlyListEmbedSecretJson);
            }
            else
            {
                var table = new Table().AddColumn("key_id").AddColumn("label").AddColumn("created").AddColumn("state");
                foreach (var s in secrets)
                {
                    table.AddRow(s.KeyId, Markup.Escape(s.Label), s.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), s.RevokedAt is null ? "live" : "revoked");
                }

                cli.Console.Write(table);
            }

            return 0;
        }));
        var keyId = new Argument<string>("key-id") { Description = "The secret's key id (see 'secrets list')." };
        var revoke = new Command("revoke", "Revoke an embed secret: the tokens it encrypted no longer validate.") { keyId };
        revoke.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            CliContext.Ok(await service.RevokeEmbedSecretAsync(CliContext.Admin, parse.GetValue(keyId)!));
            cli.Output.WriteLine($"Revoked embed secret {parse.GetValue(keyId)}.");
            return 0;
        }));
        command.Subcommands.Add(create);
        command.Subcommands.Add(list);
        command.Subcommands.Add(revoke);
        return command;
    }
}
