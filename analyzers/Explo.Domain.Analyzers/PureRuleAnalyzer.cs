using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
                start.RegisterOperationAction(
                    c => CheckWrite(c, symbols),
                    OperationKind.SimpleAssignment,
                    OperationKind.CompoundAssignment,
                    OperationKind.CoalesceAssignment,
                    OperationKind.Increment,
                    OperationKind.Decrement);
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
                if (Problem(member) is { } problem && member.Locations.Length > 0)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.ImpureRule, member.Locations[0], type.Name, problem));
                }
            }

            // State inherited from a base class that is not a rule itself (a base rule is checked on its own).
            for (var current = type.BaseType; current is not null && current.SpecialType != SpecialType.System_Object && !symbols.IsRule(current); current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (Problem(member) is { } problem && type.Locations.Length > 0)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(Descriptors.ImpureRule, type.Locations[0], type.Name, problem + " (inherited from " + current.Name + ")"));
                    }
                }
            }
        }

        private static string? Problem(ISymbol member) => member switch
        {
            IFieldSymbol { IsConst: false, IsImplicitlyDeclared: false, IsReadOnly: false } f => $"has the mutable field '{f.Name}'",
            IFieldSymbol { IsConst: false, IsImplicitlyDeclared: false } f when IsMutableCollection(f.Type) => $"holds a mutable collection in '{f.Name}'",
            IPropertySymbol { SetMethod: { IsInitOnly: false } } p => $"has the settable property '{p.Name}'",
            IPropertySymbol p when p.GetMethod is not null && IsAutoProperty(p) && IsMutableCollection(p.Type) => $"holds a mutable collection in '{p.Name}'",
            _ => null,
        };

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

        /// <summary>
        /// Arrays, the BCL's mutable collections and anything else that implements ICollection&lt;T&gt;, IList or IDictionary
        /// (a class deriving from List&lt;T&gt; too), except the immutable, frozen and read-only wrappers.
        /// </summary>
        internal static bool IsMutableCollection(ITypeSymbol type)
        {
            if (type is IArrayTypeSymbol)
            {
                return true;
            }

            if (type is not INamedTypeSymbol named || IsReadOnlyCollection(named))
            {
                return false;
            }

            if (IsMutableCollectionType(named))
            {
                return true;
            }

            foreach (var implemented in named.AllInterfaces)
            {
                if (IsMutableCollectionType(implemented))
                {
                    return true;
                }
            }

            for (var current = named.BaseType; current is not null; current = current.BaseType)
            {
                if (IsMutableCollectionType(current))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsMutableCollectionType(INamedTypeSymbol named)
        {
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
                    case "PriorityQueue":
                    case "LinkedList":
                    case "ICollection":
                    case "IList":
                    case "IDictionary":
                    case "ISet":
                        return true;
                }
            }

            return (ns == "System.Collections.ObjectModel" && (named.Name == "Collection" || named.Name == "ObservableCollection" || named.Name == "KeyedCollection"))
                || (ns == "System.Collections" && (named.Name == "ArrayList" || named.Name == "Hashtable" || named.Name == "IList" || named.Name == "IDictionary"))
                || (ns == "System.Collections.Concurrent" && named.Name.StartsWith("Concurrent", System.StringComparison.Ordinal));
        }

        /// <summary>Collections that implement the mutable interfaces but refuse every change.</summary>
        private static bool IsReadOnlyCollection(INamedTypeSymbol named)
        {
            var ns = named.ContainingNamespace?.ToDisplayString();
            return (ns == "System.Collections.Immutable" && named.Name != "Builder") || ns == "System.Collections.Frozen"
                || (ns == "System.Collections.ObjectModel" && named.Name.StartsWith("ReadOnly", System.StringComparison.Ordinal));
        }

        /// <summary>A primary constructor parameter captured by a rule is a hidden field: changing it is mutable state.</summary>
        private static void CheckWrite(OperationAnalysisContext context, Symbols symbols)
        {
            var target = context.Operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation step => step.Target,
                _ => null,
            };
            if (target is not IParameterReferenceOperation { Parameter: var parameter }
                || parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
                || !symbols.IsRule(constructor.ContainingType)
                || !IsPrimaryConstructorParameter(parameter, context.CancellationToken))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ImpureRule, context.Operation.Syntax.GetLocation(), constructor.ContainingType.Name,
                $"changes its primary constructor parameter '{parameter.Name}', which is a mutable field of every instance"));
        }

        private static bool IsPrimaryConstructorParameter(IParameterSymbol parameter, System.Threading.CancellationToken cancellationToken)
        {
            foreach (var reference in parameter.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is ParameterSyntax { Parent: ParameterListSyntax { Parent: ClassDeclarationSyntax or StructDeclarationSyntax } })
                {
                    return true;
                }
            }

            return false;
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

            var member = CoreInfrastructureAnalyzer.MemberOf(context.Operation);
            if (member?.ContainingType is not { } type || Forbidden(type, member) is not { } what)
            {
                return;
            }

            // new Random().Next(): one diagnostic, on the expression that reaches the clock or the randomness first.
            if (CoreInfrastructureAnalyzer.InstanceOf(context.Operation) is { } instance
                && CoreInfrastructureAnalyzer.MemberOf(instance) is { ContainingType: { } inner } innerMember && Forbidden(inner, innerMember) is not null)
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
                case "System" when type.Name == "TimeProvider" && member.Name == "System":
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
