using System.Linq;
using Microsoft.CodeAnalysis;

namespace Explo.Domain.Analyzers
{
    /// <summary>The core's types the analyzers recognise, looked up by metadata name (null when not referenced).</summary>
    internal sealed class Symbols
    {
        public const string CoreAssemblyName = "Explo.Domain";

        private Symbols(Compilation compilation)
        {
            Rule = compilation.GetTypeByMetadataName("Explo.Domain.Rules.IRule`1");
            Ports = new[] { "ICustomerService", "IGroupTagService", "IUserGroupService", "IWorkspaceAdmin", "IExploService" }
                .Select(name => compilation.GetTypeByMetadataName("Explo.Domain." + name))
                .Where(port => port is not null)
                .Select(port => port!)
                .ToArray();
            Entity = compilation.GetTypeByMetadataName("Explo.Domain.EntityAttribute");
        }

        public INamedTypeSymbol? Rule { get; }

        /// <summary>The use-case ports (each concern's, and the whole service's) that the compilation references.</summary>
        public INamedTypeSymbol[] Ports { get; }

        public INamedTypeSymbol? Entity { get; }

        public static Symbols From(Compilation compilation) => new Symbols(compilation);

        /// <summary>A class or struct implementing IRule&lt;T&gt; (directly or through a base class).</summary>
        public bool IsRule(INamedTypeSymbol? type) =>
            Rule is not null && type is { TypeKind: TypeKind.Class or TypeKind.Struct }
            && Any(type.AllInterfaces, i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, Rule));

        /// <summary>A class or struct implementing one of the application service's ports.</summary>
        public bool IsUseCase(INamedTypeSymbol? type)
        {
            var ports = Ports;
            return ports.Length > 0 && type is { TypeKind: TypeKind.Class or TypeKind.Struct }
                && Any(type.AllInterfaces, i => ports.Any(port => SymbolEqualityComparer.Default.Equals(i, port)));
        }

        /// <summary>A type marked [Entity].</summary>
        public bool IsEntity(INamedTypeSymbol? type) =>
            Entity is not null && type is not null
            && Any(type.GetAttributes(), a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, Entity));

        /// <summary>The nearest enclosing named type of a symbol (for lambdas and local functions too).</summary>
        public static INamedTypeSymbol? ContainingType(ISymbol? symbol)
        {
            while (symbol is not null && symbol is not INamedTypeSymbol)
            {
                symbol = symbol.ContainingSymbol;
            }

            return symbol as INamedTypeSymbol;
        }

        /// <summary>True when the type or one of its bases is OneOf.OneOf`N or OneOf.OneOfBase`N.</summary>
        public static bool IsResultUnion(ITypeSymbol? type)
        {
            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                if (current.ContainingNamespace is { Name: "OneOf", ContainingNamespace.IsGlobalNamespace: true }
                    && (current.Name == "OneOf" || current.Name == "OneOfBase"))
                {
                    return true;
                }
            }

            return type is INamedTypeSymbol { TypeKind: TypeKind.Struct, Name: "OneOf" } s
                && s.ContainingNamespace is { Name: "OneOf", ContainingNamespace.IsGlobalNamespace: true };
        }

        /// <summary>For Task&lt;T&gt; and ValueTask&lt;T&gt;, T; otherwise null.</summary>
        public static ITypeSymbol? AwaitedType(ITypeSymbol? type) =>
            type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named
            && (named.Name == "Task" || named.Name == "ValueTask")
            && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks"
                ? named.TypeArguments[0]
                : null;

        private static bool Any<T>(System.Collections.Immutable.ImmutableArray<T> items, System.Func<T, bool> predicate)
        {
            foreach (var item in items)
            {
                if (predicate(item))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
