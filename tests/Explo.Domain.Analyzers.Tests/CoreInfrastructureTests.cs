namespace Explo.Domain.Analyzers.Tests;

/// <summary>EXD001: code of the core assembly uses no infrastructure.</summary>
public sealed class CoreInfrastructureTests
{
    private const string Id = "EXD001";

    [Fact]
    public Task File_network_console_and_environment_calls_in_the_core_are_reported() => AnalyzerHarness.VerifyAsync(Id, """
        public sealed class Settings
        {
            public string Load(string path) => [|File.ReadAllText(path)|];

            public HttpClient [|Client|]() => [|new HttpClient()|];

            public void Log(string line) => [|Console.WriteLine(line)|];

            public string? Home() => [|Environment.GetEnvironmentVariable("HOME")|];

            public Func<string, bool> Exists() => [|File.Exists|];
        }
        """, asCore: true);

    [Fact]
    public Task Databases_web_frameworks_and_reflection_loading_in_the_core_are_reported() => AnalyzerHarness.VerifyAsync(Id, """
        using System.Reflection;

        namespace LiteDB { public sealed class LiteDatabase(string path) { public string Path => path; } }
        namespace Microsoft.AspNetCore.Http { public static class Results { public static object Ok() => new(); } }

        public sealed class Infrastructure
        {
            public object Open() => [|new LiteDB.LiteDatabase("explo.db")|];

            public object Respond() => [|Microsoft.AspNetCore.Http.Results.Ok()|];

            public object Table() => [|new System.Data.DataTable()|];

            public Assembly Plugin() => [|Assembly.LoadFrom("plugin.dll")|];

            public Type? ByName() => [|Type.GetType("Some.Type")|];

            public string Host() => [|System.Net.Dns.GetHostName()|];
        }
        """, asCore: true);

    [Fact]
    public Task The_assembly_named_Explo_Domain_is_the_core() => AnalyzerHarness.VerifyAsync(Id, """
        namespace Explo.Domain;

        public static class Reader
        {
            public static string Read() => [|System.IO.File.ReadAllText("x")|];

            public static void Write() => [|Console.Out|].WriteLine("x");
        }
        """, assemblyName: "Explo.Domain", referenceCore: false);

    [Fact]
    public Task Infrastructure_outside_the_core_is_not_reported() => AnalyzerHarness.VerifyAsync(Id, """
        public sealed class Adapter
        {
            public string Load(string path) => File.ReadAllText(path);

            public HttpClient Client() => new HttpClient();

            public void Log(string line) => Console.WriteLine(line);

            public string? Home() => Environment.GetEnvironmentVariable("HOME");
        }
        """);

    [Fact]
    public Task In_memory_streams_text_readers_and_path_strings_are_allowed_in_the_core() => AnalyzerHarness.VerifyAsync(Id, """
        using System.Text;

        namespace MyCore;

        public static class Text
        {
            public static string RoundTrip(string text)
            {
                using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
                using var reader = new StreamReader(stream);
                return reader.ReadToEnd() + new StringReader(text).ReadLine() + Path.Combine("a", "b") + Path.GetExtension("x.json");
            }

            public static void Write(TextWriter writer, Stream stream)
            {
                writer.Write(stream.Length);
            }

            public static string File(string name) => name; // a member named like an API is not the API
        }
        """, asCore: true);

    [Fact]
    public Task Infrastructure_types_in_declarations_and_file_system_paths_in_the_core_are_reported() => AnalyzerHarness.VerifyAsync(Id, """
        namespace LiteDB { public sealed class LiteDatabase { } }

        public interface IStore
        {
            LiteDB.LiteDatabase [|Open|]();
        }

        public abstract class [|Db|] : System.Data.Common.DbConnection
        {
        }

        public sealed class Remote
        {
            private readonly HttpClient [|_client|] = null!;

            public IReadOnlyList<FileInfo> [|Files|] { get; } = [];

            public Task<HttpResponseMessage> [|SendAsync|](string uri) => [|_client.GetAsync(uri)|];

            public string Temp() => [|Path.GetTempFileName()|];

            public long Size(string path) => [|File.OpenRead(path)|].Length;
        }
        """, asCore: true);
}
