using Explo.Server;

var (settings, error) = ServerSettings.Parse(args, Environment.GetEnvironmentVariable);
if (settings is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

return await ExploServer.RunAsync(settings, Console.Out, Console.Error);
