using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Explo.Domain.Analyzers
{
    /// <summary>EXD003: every rule declares its Code as a snake_case string literal, unique in the compilation.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RuleCodeAnalyzer : DiagnosticAnalyzer
    {
        private static readonly Regex SnakeCase = new Regex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$", RegexOptions.CultureInvariant);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptors.RuleCode);

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

                var codes = new ConcurrentBag<(string Code, INamedTypeSymbol Rule, Location Location)>();
                start.RegisterSymbolAction(c => Collect(c, symbols, codes), SymbolKind.NamedType);
                start.RegisterCompilationEndAction(end => ReportDuplicates(end, codes));
            });
        }

        private static void Collect(SymbolAnalysisContext context, Symbols symbols, ConcurrentBag<(string, INamedTypeSymbol, Location)> codes)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (type.IsAbstract || !symbols.IsRule(type))
            {
                return;
            }

            var property = FindCode(type, symbols);
            if (property is null)
            {
                return;
            }

            var syntax = property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) as PropertyDeclarationSyntax;
            if (syntax is null)
            {
                return; // declared in metadata: checked where it was compiled
            }

            var literal = LiteralOf(syntax);
            if (literal is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.RuleCode, syntax.Identifier.GetLocation(), type.Name,
                    "Code must be a string literal (for example: public override string Code => \"parent_not_found\";)"));
                return;
            }

            var code = literal.Token.ValueText;
            if (!SnakeCase.IsMatch(code))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.RuleCode, literal.GetLocation(), type.Name,
                    $"code '{code}' is not snake_case (lower-case letters and digits, words joined by '_')"));
                return;
            }

            codes.Add((code, type, literal.GetLocation()));
        }

        /// <summary>
        /// The Code property the rule actually uses: the implementation of IRule&lt;T&gt;.Code (explicit ones too), or the
        /// most derived override of it.
        /// </summary>
        private static IPropertySymbol? FindCode(INamedTypeSymbol type, Symbols symbols)
        {
            foreach (var implemented in type.AllInterfaces)
            {
                if (!SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, symbols.Rule))
                {
                    continue;
                }

                var code = implemented.GetMembers("Code").OfType<IPropertySymbol>().FirstOrDefault();
                if (code is null || type.FindImplementationForInterfaceMember(code) is not IPropertySymbol implementation)
                {
                    continue;
                }

                for (var current = type; current is not null; current = current.BaseType)
                {
                    foreach (var member in current.GetMembers())
                    {
                        if (member is IPropertySymbol { IsAbstract: false } property && Overrides(property, implementation))
                        {
                            return property;
                        }
                    }
                }
            }

            return null;
        }

        private static bool Overrides(IPropertySymbol property, IPropertySymbol implementation)
        {
            for (IPropertySymbol? current = property; current is not null; current = current.OverriddenProperty)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, implementation.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        private static LiteralExpressionSyntax? LiteralOf(PropertyDeclarationSyntax property)
        {
            ExpressionSyntax? expression = property.ExpressionBody?.Expression ?? property.Initializer?.Value;
            if (expression is null && property.AccessorList is { } accessors)
            {
                var getter = accessors.Accessors.FirstOrDefault(a => a.IsKind(SyntaxKind.GetAccessorDeclaration));
                expression = getter?.ExpressionBody?.Expression
                    ?? (getter?.Body?.Statements.Count == 1 && getter.Body.Statements[0] is ReturnStatementSyntax r ? r.Expression : null);
            }

            return expression is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression) ? literal : null;
        }

        private static void ReportDuplicates(CompilationAnalysisContext context, ConcurrentBag<(string Code, INamedTypeSymbol Rule, Location Location)> codes)
        {
            foreach (var group in codes.GroupBy(c => c.Code))
            {
                var rules = group.GroupBy(c => c.Rule, SymbolEqualityComparer.Default).Select(g => g.First()).OrderBy(c => c.Rule.ToDisplayString()).ToList();
                if (rules.Count < 2)
                {
                    continue;
                }

                // One diagnostic per literal: rules that inherit one literal from a common base share its diagnostic.
                foreach (var site in rules.GroupBy(r => r.Location))
                {
                    var here = string.Join(", ", site.Select(r => r.Rule.Name));
                    var others = string.Join(", ", rules.Where(r => !site.Contains(r)).Select(r => r.Rule.Name));
                    var message = others.Length > 0
                        ? $"code '{group.Key}' is also used by {others}; every rule needs its own code"
                        : $"code '{group.Key}' is inherited by every one of these rules; every rule needs its own code";
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.RuleCode, site.Key, here, message));
                }
            }
        }
    }
}
