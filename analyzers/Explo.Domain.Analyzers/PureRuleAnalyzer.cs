using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Explo.Domain.Analyzers
{
    /// <summary>EXD002: a rule class has no mutable state and no clock, randomness, timing or thread-pool calls.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PureRuleAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptors.ImpureRule);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var symbols = Symbols.From(start.Compilation);
                if (symbols.Rule is null)
                {
                    return;
                }

                start.RegisterSymbolAction(c => CheckState(c, symbols), SymbolKind.NamedType);
                start.RegisterOperationAction(
                    c => CheckCall(c, symbols),
                    OperationKind.Invocation,
                    OperationKind.ObjectCreation,
                    OperationKind.PropertyReference,
                    OperationKind.MethodReference);
            });
        }

        private static void CheckState(SymbolAnalysisContext context, Symbols symbols)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (!symbols.IsRule(type))
            {
                return;
            }

            foreach (var member in type.GetMembers())
            {
                string? problem = member switch
                {
                    IFieldSymbol { IsConst: false, IsImplicitlyDeclared: false, IsReadOnly: false } f => $"has the mutable field '{f.Name}'",
                    IFieldSymbol { IsConst: false, IsImplicitlyDeclared: false } f when IsMutableCollection(f.Type) => $"holds a mutable collection in '{f.Name}'",
                    IPropertySymbol { SetMethod: { IsInitOnly: false } } p => $"has the settable property '{p.Name}'",
                    IPropertySymbol p when p.GetMethod is not null && IsAutoProperty(p) && IsMutableCollection(p.Type) => $"holds a mutable collection in '{p.Name}'",
                    _ => null,
                };
                if (problem is not null && member.Locations.Length > 0)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.ImpureRule, member.Locations[0], type.Name, problem));
                }
            }
        }

        private static bool IsAutoProperty(IPropertySymbol property)
        {
            foreach (var member in property.ContainingType.GetMembers())
            {
                if (member is IFieldSymbol { IsImplicitlyDeclared: true } field && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
                {
                    return true;
                }
            }

            return false;
        }

        internal static bool IsMutableCollection(ITypeSymbol type)
        {
            if (type is IArrayTypeSymbol)
            {
                return true;
            }

            if (type is not INamedTypeSymbol named)
            {
                return false;
            }

            var ns = named.ContainingNamespace?.ToDisplayString();
            if (ns == "System.Collections.Generic")
            {
                switch (named.Name)
                {
                    case "List":
                    case "Dictionary":
                    case "HashSet":
                    case "SortedSet":
                    case "SortedDictionary":
                    case "SortedList":
                    case "Queue":
                    case "Stack":
                    case "LinkedList":
                    case "ICollection":
                    case "IList":
                    case "IDictionary":
                    case "ISet":
                        return true;
                }
            }

            return (ns == "System.Collections.ObjectModel" && (named.Name == "Collection" || named.Name == "ObservableCollection"))
                || (ns == "System.Collections" && (named.Name == "ArrayList" || named.Name == "Hashtable" || named.Name == "IList" || named.Name == "IDictionary"))
                || (ns == "System.Collections.Concurrent" && named.Name.StartsWith("Concurrent", System.StringComparison.Ordinal));
        }

        private static void CheckCall(OperationAnalysisContext context, Symbols symbols)
        {
            var rule = Symbols.ContainingType(context.ContainingSymbol);
            while (rule is not null && !symbols.IsRule(rule))
            {
                rule = rule.ContainingType;
            }

            if (rule is null)
            {
                return;
            }

            ISymbol? member = context.Operation switch
            {
                IInvocationOperation i => i.TargetMethod,
                IObjectCreationOperation c => c.Constructor,
                IPropertyReferenceOperation p => p.Property,
                IMethodReferenceOperation m => m.Method,
                _ => null,
            };
            if (member?.ContainingType is not { } type || Forbidden(type, member) is not { } what)
            {
                return;
            }

            // new Random().Next(): the creation is reported already.
            if (context.Operation is IInvocationOperation { Instance: IObjectCreationOperation creation }
                && SymbolEqualityComparer.Default.Equals(creation.Type, type))
            {
                return;
            }

            var name = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? "new " + type.Name : type.Name + "." + member.Name;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ImpureRule, context.Operation.Syntax.GetLocation(), rule.Name, $"{what} with '{name}'"));
        }

        private static string? Forbidden(INamedTypeSymbol type, ISymbol member)
        {
            var ns = type.ContainingNamespace?.ToDisplayString();
            switch (ns)
            {
                case "System" when (type.Name == "DateTime" || type.Name == "DateTimeOffset") && (member.Name == "Now" || member.Name == "UtcNow" || member.Name == "Today"):
                    return "reads the clock";
                case "System" when type.Name == "Environment" && (member.Name == "TickCount" || member.Name == "TickCount64"):
                    return "reads the clock";
                case "System" when type.Name == "Guid" && member.Name == "NewGuid":
                    return "makes a random GUID";
                case "System" when type.Name == "Random":
                    return "uses randomness";
                case "System.Security.Cryptography" when type.Name == "RandomNumberGenerator":
                    return "uses randomness";
                case "System.Diagnostics" when type.Name == "Stopwatch":
                    return "times itself";
                case "System.Threading" when type.Name == "ThreadPool" || type.Name == "Timer":
                    return "uses the thread pool";
                case "System.Threading.Tasks" when type.Name == "Parallel" || (type.Name == "Task" && member.Name == "Run") || (type.Name == "TaskFactory" && member.Name == "StartNew"):
                    return "uses the thread pool";
                default:
                    return null;
            }
        }
    }
}
