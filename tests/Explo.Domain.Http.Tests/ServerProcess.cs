using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Explo.Domain.Http.Tests;

/// <summary>The real server as a child process (<c>dotnet Explo.Server.dll</c>), and a free loopback port for it.</summary>
internal static class ServerProcess
{
    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Starts the server with its output redirected; <paramref name="apiToken"/> is <c>EXPLO_API_TOKEN</c> (null: unset).</summary>
    public static Process Start(string? apiToken, params string[] args) => Start(apiToken, new Dictionary<string, string>(), null, args);

    /// <summary>
    /// Starts the server with more environment variables (<c>Explo__Db</c>, <c>ASPNETCORE_URLS</c>, ...) and, when given,
    /// in <paramref name="workingFolder"/> (its content root, where <c>appsettings.json</c> is read).
    /// </summary>
    public static Process Start(string? apiToken, IReadOnlyDictionary<string, string> environment, string? workingFolder, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingFolder is not null)
        {
            info.WorkingDirectory = workingFolder;
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Explo.Server.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (apiToken is null)
        {
            info.Environment.Remove("EXPLO_API_TOKEN");
        }
        else
        {
            info.Environment["EXPLO_API_TOKEN"] = apiToken;
        }

        return Process.Start(info)!;
    }
}
