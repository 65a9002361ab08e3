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
    public static Process Start(string? apiToken, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
