using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Explo.Domain.Analyzers
{
    /// <summary>EXD001: code of the core assembly uses no infrastructure API.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CoreInfrastructureAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptors.CoreInfrastructure);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                if (!IsCore(start.Compilation, start.Options))
                {
                    return;
                }

                start.RegisterOperationAction(
                    Check,
                    OperationKind.Invocation,
                    OperationKind.ObjectCreation,
                    OperationKind.PropertyReference,
                    OperationKind.FieldReference,
                    OperationKind.EventReference,
                    OperationKind.MethodReference);
            });
        }

        /// <summary>The core is the Explo.Domain assembly, or any project that sets the MSBuild property ExploDomainCore=true.</summary>
        private static bool IsCore(Compilation compilation, AnalyzerOptions options) =>
            compilation.AssemblyName == Symbols.CoreAssemblyName
            || (options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue("build_property.ExploDomainCore", out var flag)
                && string.Equals(flag, "true", System.StringComparison.OrdinalIgnoreCase));

        private static void Check(OperationAnalysisContext context)
        {
            ISymbol? member = context.Operation switch
            {
                IInvocationOperation i => i.TargetMethod,
                IObjectCreationOperation c => c.Constructor,
                IPropertyReferenceOperation p => p.Property,
                IFieldReferenceOperation f => f.Field,
                IEventReferenceOperation e => e.Event,
                IMethodReferenceOperation m => m.Method,
                _ => null,
            };
            if (member?.ContainingType is not { } type || Classify(type, member) is not { } what)
            {
                return;
            }

            var name = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? "new " + type.Name : type.Name + "." + member.Name;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.CoreInfrastructure, context.Operation.Syntax.GetLocation(), name, what));
        }

        private static readonly ImmutableHashSet<string> FileTypes = ImmutableHashSet.Create(
            "File", "Directory", "FileInfo", "DirectoryInfo", "FileSystemInfo", "FileStream", "DriveInfo", "FileSystemWatcher", "RandomAccess");

        private static string? Classify(INamedTypeSymbol type, ISymbol member)
        {
            var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            if (ns == "System.IO" && FileTypes.Contains(type.Name))
            {
                return "the file system, System.IO";
            }

            if (ns == "System.IO" && (type.Name == "StreamReader" || type.Name == "StreamWriter")
                && member is IMethodSymbol { MethodKind: MethodKind.Constructor, Parameters.Length: > 0 } ctor
                && ctor.Parameters[0].Type.SpecialType == SpecialType.System_String)
            {
                return "the file system, System.IO";
            }

            if (StartsWith(ns, "System.IO.Pipes") || StartsWith(ns, "System.IO.MemoryMappedFiles") || StartsWith(ns, "System.IO.Ports"))
            {
                return "inter-process I/O, " + ns;
            }

            if (StartsWith(ns, "System.Net"))
            {
                return "the network, " + ns;
            }

            if (StartsWith(ns, "System.Data"))
            {
                return "a database API, " + ns;
            }

            if (StartsWith(ns, "LiteDB"))
            {
                return "a database, LiteDB";
            }

            if (StartsWith(ns, "Microsoft.AspNetCore"))
            {
                return "a web framework, ASP.NET Core";
            }

            if (ns == "System" && type.Name == "Console")
            {
                return "the console";
            }

            if (ns == "System" && type.Name == "Environment")
            {
                return "the process environment";
            }

            if (StartsWith(ns, "System.Runtime.Loader")
                || (ns == "System.Reflection" && type.Name == "Assembly" && member.Name.StartsWith("Load", System.StringComparison.Ordinal))
                || (ns == "System.Reflection" && type.Name == "Assembly" && member.Name == "UnsafeLoadFrom")
                || (ns == "System" && type.Name == "Activator" && member.Name == "CreateInstanceFrom")
                || (ns == "System" && type.Name == "Activator" && member is IMethodSymbol { Parameters.Length: > 0 } create && create.Parameters[0].Type.SpecialType == SpecialType.System_String)
                || (ns == "System" && type.Name == "Type" && member.Name == "GetType" && member is IMethodSymbol { IsStatic: true }))
            {
                return "reflection-based loading";
            }

            return null;
        }

        private static bool StartsWith(string ns, string prefix) =>
            ns == prefix || ns.StartsWith(prefix + ".", System.StringComparison.Ordinal);
    }
}
