using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Explo.Domain.Analyzers
{
    /// <summary>EXD006: an [Entity] type has no public setter, no public mutable field and no public mutable collection.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class EncapsulatedEntityAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptors.ExposedState);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var symbols = Symbols.From(start.Compilation);
                if (symbols.Entity is null)
                {
                    return;
                }

                start.RegisterSymbolAction(c => Check(c, symbols), SymbolKind.NamedType);
            });
        }

        private static void Check(SymbolAnalysisContext context, Symbols symbols)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (!symbols.IsEntity(type))
            {
                return;
            }

            foreach (var member in type.GetMembers())
            {
                if (Problem(member) is { } problem && member.Locations.Length > 0)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.ExposedState, member.Locations[0], type.Name, problem));
                }
            }

            // Public state inherited from a base class that is not an entity itself (a base entity is checked on its own).
            for (var current = type.BaseType; current is not null && current.SpecialType != SpecialType.System_Object && !symbols.IsEntity(current); current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (Problem(member) is { } problem && type.Locations.Length > 0)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(Descriptors.ExposedState, type.Locations[0], type.Name, problem + " (inherited from " + current.Name + ")"));
                    }
                }
            }
        }

        private static string? Problem(ISymbol member)
        {
            if (member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared)
            {
                return null;
            }

            return member switch
            {
                IPropertySymbol { SetMethod: { DeclaredAccessibility: Accessibility.Public, IsInitOnly: false } } p => $"a public setter on '{p.Name}'",
                IFieldSymbol { IsConst: false, IsReadOnly: false } f => $"the public mutable field '{f.Name}'",
                IPropertySymbol p when PureRuleAnalyzer.IsMutableCollection(p.Type) => $"the public mutable collection '{p.Name}' ({p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)})",
                IFieldSymbol f when PureRuleAnalyzer.IsMutableCollection(f.Type) => $"the public mutable collection '{f.Name}' ({f.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)})",
                _ => null,
            };
        }
    }
}
