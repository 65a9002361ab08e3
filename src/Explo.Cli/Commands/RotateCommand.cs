using System.CommandLine;
using Explo.Domain;

namespace Explo.Cli.Commands;

/// <summary><c>explo rotate ID</c>: a new dashboard token for a customer.</summary>
internal static class RotateCommand
{
    public static Command Create(CliContext cli)
    {
        var id = new Argument<string>("provided-id") { Description = "The customer's provided id." };
        var command = new Command("rotate", "Give a customer a new dashboard token (the old one stops working).") { id };
        command.SetAction((parse, _) => cli.With(parse, async (_, service) =>
        {
            var rotated = CliContext.Ok(await service.GetCustomerAsync(CliContext.Admin, parse.GetValue(id)!)
                .ThenAsync(customer => service.RefreshCustomerTokenAsync(CliContext.Admin, new RefreshTokenRequest(customer.Token))));
            cli.Output.WriteLine($"New token of '{rotated.ProvidedId}':");
            cli.Output.WriteLine(rotated.Token);
            return 0;
        }));
        return command;
    }
}
