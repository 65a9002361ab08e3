using System.Reflection;
using System.Text.RegularExpressions;
using Explo.Domain.Rules;

namespace Explo.Domain.Tests.Rules;

/// <summary>
/// One catalog of error codes: every code is declared once (a rule's on its rule class, every other in
/// <see cref="ErrorCodes"/>), listed in docs/errors.md, and never written as a literal anywhere else in src/.
/// </summary>
public sealed partial class ErrorCodesCatalogTests
{
    /// <summary>
    /// Literals in src/ that equal a code but are not one, each with why: the failure kind <c>not_found</c>
    /// (<c>ErrorKinds.NotFound</c>, the <c>error_kind</c> of an import row) shares its spelling with the HTTP code.
    /// </summary>
    private static readonly HashSet<(string File, string Literal)> NotCodes =
    [
        ("src/Explo.Contracts/Errors.cs", "not_found"),
    ];

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();

    /// <summary>A string literal that looks like a code: snake_case with at least one '_'.</summary>
    [GeneratedRegex("\"([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\"")]
    private static partial Regex CodeLiteral();

    /// <summary>
    /// The calls that take a code: the failures and violations, the adapters' answers and rejections, the helpers
    /// that pass a code on, and target-typed <c>new(</c> (a failure built as <c>NotFound X() =&gt; new(...)</c>).
    /// </summary>
    [GeneratedRegex(@"(?:\bnew\s+(?:NotFound|Conflict|Forbidden|Unauthorized|Violation|ValidationFailed|Rejection)\s*\(|\bnew\s*\(|\bErrorResponse\.Of\s*\(|\bJsonOut\.Error\s*\(|\bError\s*\(\s*context\b|\bRejected\s*\(|\bFail\s*\(|\bQueryInt\s*\()")]
    private static partial Regex CodeCallSite();

    /// <summary>A rule's declaration of its code.</summary>
    [GeneratedRegex("override string Code => \"[a-z0-9_]+\";")]
    private static partial Regex RuleCodeDeclaration();

    /// <summary>A table row of docs/errors.md: its code, status and meaning.</summary>
    [GeneratedRegex(@"^\|\s*`([^`]+)`\s*\|([^|]*)\|([^|]*)\|\s*$")]
    private static partial Regex DocRow();

    private static IReadOnlyList<string> CatalogCodes { get; } =
        typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true, IsInitOnly: false } && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

    /// <summary>Every rule's code: each rule class of the core, and every rule of every rule set.</summary>
    private static IReadOnlySet<string> RuleCodeSet { get; } =
        typeof(RuleSets).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRule<>)))
            .Select(t => (string)t.GetProperty(nameof(IRule<object>.Code))!.GetValue(Activator.CreateInstance(t, nonPublic: true))!)
            .Concat(RuleSets.AllCodes)
            .ToHashSet(StringComparer.Ordinal);

    private static IReadOnlySet<string> AllCodes { get; } = CatalogCodes.Concat(RuleCodeSet).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void The_catalog_declares_each_code_once_in_snake_case_and_no_rule_code()
    {
        Assert.NotEmpty(CatalogCodes);
        Assert.All(CatalogCodes, code => Assert.Matches(SnakeCase(), code));
        var repeated = CatalogCodes.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, "declared twice in ErrorCodes: " + string.Join(", ", repeated));
        var ruleCodes = CatalogCodes.Where(RuleCodeSet.Contains).ToList();
        Assert.True(ruleCodes.Count == 0, "rule codes belong on their rule class, not in ErrorCodes: " + string.Join(", ", ruleCodes));
    }

    [Fact]
    public void RuleCodes_names_the_code_of_every_rule()
    {
        var named = typeof(RuleCodes).GetProperties(BindingFlags.Public | BindingFlags.Static)
            .Select(p => (string)p.GetValue(null)!)
            .ToList();
        Assert.Equal(named.Count, named.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(RuleCodeSet.Order(StringComparer.Ordinal), named.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Docs_errors_md_lists_every_code_once_with_a_status_and_a_meaning_and_nothing_else()
    {
        var rows = File.ReadLines(Path.Combine(RepositoryRoot, "docs", "errors.md"))
            .Select(line => DocRow().Match(line))
            .Where(m => m.Success)
            .Select(m => (Code: m.Groups[1].Value, Status: m.Groups[2].Value.Trim(), Meaning: m.Groups[3].Value.Trim()))
            .ToList();

        var listedTwice = rows.GroupBy(r => r.Code, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(listedTwice.Count == 0, "listed twice in docs/errors.md: " + string.Join(", ", listedTwice));

        var listed = rows.Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
        var undocumented = AllCodes.Where(c => !listed.Contains(c)).Order(StringComparer.Ordinal).ToList();
        Assert.True(undocumented.Count == 0, "codes missing from docs/errors.md: " + string.Join(", ", undocumented));
        var unknown = listed.Where(c => !AllCodes.Contains(c)).Order(StringComparer.Ordinal).ToList();
        Assert.True(unknown.Count == 0, "docs/errors.md lists codes that neither ErrorCodes nor a rule declares: " + string.Join(", ", unknown));

        var incomplete = rows.Where(r => r.Status.Length == 0 || r.Meaning.Length == 0).Select(r => r.Code).ToList();
        Assert.True(incomplete.Count == 0, "rows of docs/errors.md without a status or a meaning: " + string.Join(", ", incomplete));
    }

    [Fact]
    public void No_code_is_written_as_a_literal_in_src()
    {
        var problems = new List<string>();
        foreach (var (file, text) in SourceFiles())
        {
            var isCatalog = file == "src/Explo.Domain/Common/ErrorCodes.cs";

            // A code-looking literal in a call that takes a code: every code goes through its declaration.
            foreach (Match call in CodeCallSite().Matches(text))
            {
                var arguments = ArgumentsAt(text, call.Index + call.Length);
                foreach (Match literal in CodeLiteral().Matches(arguments))
                {
                    problems.Add($"{file}:{LineOf(text, call.Index)}: \"{literal.Groups[1].Value}\" passed as a literal; use its ErrorCodes or RuleCodes name");
                }
            }

            // A known code written anywhere but at its one declaration.
            foreach (Match literal in CodeLiteral().Matches(text))
            {
                var code = literal.Groups[1].Value;
                if (!AllCodes.Contains(code) || NotCodes.Contains((file, code)) || isCatalog && CatalogCodes.Contains(code))
                {
                    continue;
                }

                var line = LineText(text, literal.Index);
                if (RuleCodeSet.Contains(code) && RuleCodeDeclaration().IsMatch(line))
                {
                    continue;
                }

                problems.Add($"{file}:{LineOf(text, literal.Index)}: \"{code}\" is written again here; name its declaration instead");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Distinct()));
    }

    [Fact]
    public void The_literal_scan_finds_a_code_written_in_a_call()
    {
        // The scan's own check: a literal code in each kind of call site is found, a constant is not.
        string[] offending =
        [
            "return new NotFound(\"some_new_code\", \"message\");",
            "return new Conflict(\n    \"some_new_code\",\n    $\"message {x}\");",
            "private static NotFound Missing() => new(\"some_new_code\", \"message\");",
            "await JsonOut.Error(context, StatusCodes.Status400BadRequest, \"some_new_code\", \"message\");",
            "violations.Add(new Violation(\"some_new_code\", \"row\", \"message\"));",
            "return (default, new Rejection(400, \"some_new_code\", \"message\"));",
            "ErrorResponse.Of(\"some_new_code\", \"message\");",
            "return Fail(this, \"Conflict\", \"some_new_code\");",
        ];
        foreach (var source in offending)
        {
            var found = CodeCallSite().Matches(source).SelectMany(m => CodeLiteral().Matches(ArgumentsAt(source, m.Index + m.Length))).ToList();
            Assert.True(found.Count > 0, "not found in: " + source);
        }

        var clean = "return new NotFound(ErrorCodes.CustomerNotFound, $\"No customer has provided_id {id}.\");";
        Assert.Empty(CodeCallSite().Matches(clean).SelectMany(m => CodeLiteral().Matches(ArgumentsAt(clean, m.Index + m.Length))));
    }

    /// <summary>The text of a call's arguments: from just after its '(' to the matching ')', strings skipped over.</summary>
    private static string ArgumentsAt(string text, int start)
    {
        var depth = 1;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c == '\'')
            {
                // A char literal ('"', '(', '\'' ...): skip to its closing quote.
                i = text.IndexOf('\'', i + (i + 1 < text.Length && text[i + 1] == '\\' ? 3 : 2));
                if (i < 0)
                {
                    break;
                }
            }
            else if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}' && --depth == 0)
            {
                return text[start..i];
            }
        }

        return text[start..];
    }

    /// <summary>Every C# file under src/ (no build output), by repository-relative path, with comment lines blanked.</summary>
    private static IEnumerable<(string File, string Text)> SourceFiles()
    {
        var src = Path.Combine(RepositoryRoot, "src");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file).Select(l => l.TrimStart().StartsWith("//", StringComparison.Ordinal) ? string.Empty : l);
            yield return (Path.GetRelativePath(RepositoryRoot, file).Replace(Path.DirectorySeparatorChar, '/'), string.Join('\n', lines));
        }
    }

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    private static string LineText(string text, int index)
    {
        var start = text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1;
        var end = text.IndexOf('\n', index);
        return text[start..(end < 0 ? text.Length : end)];
    }

    private static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Explo.Domain.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Explo.Domain.sln not found above the test's folder.");
    }
}
