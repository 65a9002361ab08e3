using Explo.Domain.LiteDb;
using Explo.Server;

var (settings, error) = ServerSettings.Parse(args, Environment.GetEnvironmentVariable);
if (settings is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

try
{
    var app = ExploServer.Build(settings, Console.Out);
    Console.WriteLine($"Explo server on {settings.Urls}, database {Path.GetFullPath(settings.DatabasePath)}. Ctrl+C stops it.");
    await app.RunAsync();
    return 0;
}
catch (ExploStoreException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Kestrel can't bind (the address is in use): one line, no stack trace.
    Console.Error.WriteLine(e.Message);
    return 1;
}
