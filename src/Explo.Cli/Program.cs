return await Explo.Cli.ExploCli.RunAsync(args, Console.Out, Console.Error);
