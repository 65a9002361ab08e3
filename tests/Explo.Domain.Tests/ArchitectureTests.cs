using System.Xml.Linq;

namespace Explo.Domain.Tests;

public sealed class ArchitectureTests
{
    [Fact]
    public void The_core_references_no_assembly_but_the_framework_and_OneOf()
    {
        var references = typeof(ExploService).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("OneOf", references);
        Assert.All(references, name => Assert.True(
            name == "OneOf" || name == "netstandard" || name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft.Win32", StringComparison.Ordinal),
            $"the core references {name}"));
    }

    [Fact]
    public void The_core_project_references_only_the_OneOf_package_and_no_project_but_its_analyzers()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Explo.Domain.sln")))
        {
            root = root.Parent!;
        }

        var project = XDocument.Load(Path.Combine(root.FullName, "src", "Explo.Domain", "Explo.Domain.csproj"));
        var packages = project.Descendants("PackageReference").Select(e => (string?)e.Attribute("Include")).ToList();
        Assert.Equal(["OneOf"], packages);
        Assert.Empty(project.Descendants("ProjectReference"));

        // The one project reference every project under src/ gets (Directory.Build.props) is the analyzers, as an analyzer.
        var shared = XDocument.Load(Path.Combine(root.FullName, "Directory.Build.props")).Descendants("ProjectReference").ToList();
        var analyzers = Assert.Single(shared);
        Assert.Equal("$(MSBuildThisFileDirectory)analyzers/Explo.Domain.Analyzers/Explo.Domain.Analyzers.csproj", (string?)analyzers.Attribute("Include"));
        Assert.Equal("Analyzer", (string?)analyzers.Attribute("OutputItemType"));
        Assert.Equal("false", (string?)analyzers.Attribute("ReferenceOutputAssembly"));
    }
}
