using Spectre.Console;

// Tables, trees and progress bars go to the terminal when there is one; plain text when the output is redirected.
var terminal = Console.IsOutputRedirected ? null : AnsiConsole.Console;
return await Explo.Cli.ExploCli.RunAsync(args, Console.Out, Console.Error, terminal);
