using Explo.Server;

// Settings come from appsettings.json, the environment (Explo__Db, Explo__RateLimit, ASPNETCORE_URLS,
// EXPLO_API_TOKEN) and the command line (--db, --urls, --rate-limit), in that order.
return await ExploServer.RunAsync(args, Console.Out, Console.Error);
