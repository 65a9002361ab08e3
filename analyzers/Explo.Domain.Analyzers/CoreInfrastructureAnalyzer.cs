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
                start.RegisterSymbolAction(CheckSignature, SymbolKind.NamedType, SymbolKind.Field, SymbolKind.Property, SymbolKind.Event, SymbolKind.Method);
            });
        }

        /// <summary>The core is the Explo.Domain assembly, or any project that sets the MSBuild property ExploDomainCore=true.</summary>
        private static bool IsCore(Compilation compilation, AnalyzerOptions options) =>
            compilation.AssemblyName == Symbols.CoreAssemblyName
            || (options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue("build_property.ExploDomainCore", out var flag)
                && string.Equals(flag, "true", System.StringComparison.OrdinalIgnoreCase));

        private static void Check(OperationAnalysisContext context)
        {
            var member = MemberOf(context.Operation);
            if (member?.ContainingType is not { } type || Classify(type, member) is not { } what)
            {
                return;
            }

            // File.OpenRead(path).Length: one diagnostic, on the call that reaches the infrastructure first.
            if (InstanceOf(context.Operation) is { } instance && MemberOf(instance) is { ContainingType: { } inner } innerMember && Classify(inner, innerMember) is not null)
            {
                return;
            }

            var name = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? "new " + type.Name : type.Name + "." + member.Name;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.CoreInfrastructure, context.Operation.Syntax.GetLocation(), name, what));
        }

        internal static ISymbol? MemberOf(IOperation operation) => operation switch
        {
            IInvocationOperation i => i.TargetMethod,
            IObjectCreationOperation c => c.Constructor,
            IPropertyReferenceOperation p => p.Property,
            IFieldReferenceOperation f => f.Field,
            IEventReferenceOperation e => e.Event,
            IMethodReferenceOperation m => m.Method,
            _ => null,
        };

        internal static IOperation? InstanceOf(IOperation operation)
        {
            var instance = operation switch
            {
                IInvocationOperation i => i.Instance,
                IMemberReferenceOperation m => m.Instance,
                _ => null,
            };
            while (instance is IConversionOperation { IsImplicit: true } conversion)
            {
                instance = conversion.Operand;
            }

            return instance;
        }

        /// <summary>Infrastructure types in declarations: a port or field typed as a LiteDB, System.Net or file type is infrastructure too.</summary>
        private static void CheckSignature(SymbolAnalysisContext context)
        {
            var symbol = context.Symbol;
            if (symbol.IsImplicitlyDeclared || symbol.Locations.Length == 0 || !symbol.Locations[0].IsInSource)
            {
                return;
            }

            var types = new System.Collections.Generic.List<ITypeSymbol?>();
            switch (symbol)
            {
                case INamedTypeSymbol type:
                    types.Add(type.BaseType);
                    types.AddRange(type.Interfaces);
                    break;
                case IFieldSymbol field:
                    types.Add(field.Type);
                    break;
                case IPropertySymbol property:
                    types.Add(property.Type);
                    foreach (var parameter in property.Parameters)
                    {
                        types.Add(parameter.Type);
                    }

                    break;
                case IEventSymbol @event:
                    types.Add(@event.Type);
                    break;
                case IMethodSymbol method when method.AssociatedSymbol is null:
                    types.Add(method.ReturnType);
                    foreach (var parameter in method.Parameters)
                    {
                        types.Add(parameter.Type);
                    }

                    break;
            }

            foreach (var type in types)
            {
                if (Find(type) is { } found)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.CoreInfrastructure, symbol.Locations[0], found.Type.Name, found.What));
                    return;
                }
            }
        }

        /// <summary>The first infrastructure type in a type, its element type or its type arguments.</summary>
        private static (INamedTypeSymbol Type, string What)? Find(ITypeSymbol? type)
        {
            switch (type)
            {
                case IArrayTypeSymbol array:
                    return Find(array.ElementType);
                case IPointerTypeSymbol pointer:
                    return Find(pointer.PointedAtType);
                case INamedTypeSymbol named:
                    if (ClassifyType(named) is { } what)
                    {
                        return (named, what);
                    }

                    foreach (var argument in named.TypeArguments)
                    {
                        if (Find(argument) is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        private static readonly ImmutableHashSet<string> FileTypes = ImmutableHashSet.Create(
            "File", "Directory", "FileInfo", "DirectoryInfo", "FileSystemInfo", "FileStream", "DriveInfo", "FileSystemWatcher", "RandomAccess");

        /// <summary>Path's members that read the file system or the process's current directory (the rest is string work).</summary>
        private static readonly ImmutableHashSet<string> FileSystemPathMembers = ImmutableHashSet.Create(
            "GetTempFileName", "GetTempPath", "GetFullPath", "Exists");

        /// <summary>Why a member of a type is infrastructure, or null.</summary>
        private static string? Classify(INamedTypeSymbol type, ISymbol member)
        {
            if (ClassifyType(type) is { } what)
            {
                return what;
            }

            var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            if (ns == "System.IO" && (type.Name == "StreamReader" || type.Name == "StreamWriter")
                && member is IMethodSymbol { MethodKind: MethodKind.Constructor, Parameters.Length: > 0 } ctor
                && ctor.Parameters[0].Type.SpecialType == SpecialType.System_String)
            {
                return "the file system, System.IO";
            }

            if (ns == "System.IO" && type.Name == "Path" && FileSystemPathMembers.Contains(member.Name))
            {
                return "the file system, System.IO";
            }

            if ((ns == "System.Reflection" && type.Name == "Assembly"
                    && (member.Name.StartsWith("Load", System.StringComparison.Ordinal) || member.Name == "UnsafeLoadFrom" || member.Name.StartsWith("ReflectionOnlyLoad", System.StringComparison.Ordinal)))
                || (ns == "System" && type.Name == "AppDomain"
                    && (member.Name == "Load" || member.Name.StartsWith("ExecuteAssembly", System.StringComparison.Ordinal) || member.Name.StartsWith("CreateInstance", System.StringComparison.Ordinal)))
                || (ns == "System" && type.Name == "Activator" && member.Name == "CreateInstanceFrom")
                || (ns == "System" && type.Name == "Activator" && member is IMethodSymbol { Parameters.Length: > 0 } create && create.Parameters[0].Type.SpecialType == SpecialType.System_String)
                || (ns == "System" && type.Name == "Type" && member.Name == "GetType" && member is IMethodSymbol { IsStatic: true }))
            {
                return "reflection-based loading";
            }

            return null;
        }

        /// <summary>Why a whole type is infrastructure (any use of it, or of a type nested in it), or null.</summary>
        private static string? ClassifyType(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                var ns = current.ContainingNamespace?.ToDisplayString() ?? string.Empty;
                var what =
                    (ns == "System.IO" && FileTypes.Contains(current.Name))
                    || (ns == "System.IO.Compression" && (current.Name == "ZipFile" || current.Name == "ZipFileExtensions"))
                    || StartsWith(ns, "System.IO.IsolatedStorage") || StartsWith(ns, "System.IO.Enumeration")
                        ? "the file system, System.IO"
                    : StartsWith(ns, "System.IO.Pipes") || StartsWith(ns, "System.IO.MemoryMappedFiles") || StartsWith(ns, "System.IO.Ports")
                        ? "inter-process I/O, " + ns
                    : StartsWith(ns, "System.Net") ? "the network, " + ns
                    : StartsWith(ns, "System.Data") ? "a database API, " + ns
                    : StartsWith(ns, "LiteDB") ? "a database, LiteDB"
                    : StartsWith(ns, "Microsoft.AspNetCore") ? "a web framework, ASP.NET Core"
                    : ns == "System" && current.Name == "Console" ? "the console"
                    : ns == "System" && current.Name == "Environment" ? "the process environment"
                    : StartsWith(ns, "System.Runtime.Loader") ? "reflection-based loading"
                    : null;
                if (what is not null)
                {
                    return what;
                }
            }

            return null;
        }

        private static bool StartsWith(string ns, string prefix) =>
            ns == prefix || ns.StartsWith(prefix + ".", System.StringComparison.Ordinal);
    }
}
