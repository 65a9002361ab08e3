using System.Reflection;
using System.Text.RegularExpressions;
using Explo.Domain.GroupTags;
using Explo.Domain.Rules;

namespace Explo.Domain.Tests.Rules;

public sealed partial class RuleCatalogTests
{
    /// <summary>Every rule set, by name, with the rules it holds.</summary>
    private static readonly (string Name, IReadOnlyList<object> Rules)[] RuleSetsByName =
    [
        (nameof(RuleSets.Customer), RuleSets.Customer.Rules),
        (nameof(RuleSets.CustomerFilter), RuleSets.CustomerFilter.Rules),
        (nameof(RuleSets.GroupTagName), RuleSets.GroupTagName.Rules),
        (nameof(RuleSets.LevelName), RuleSets.LevelName.Rules),
        (nameof(RuleSets.AccessGroupName), RuleSets.AccessGroupName.Rules),
        (nameof(RuleSets.Identifier), RuleSets.Identifier.Rules),
        (nameof(RuleSets.ProvidedIdLookup), RuleSets.ProvidedIdLookup.Rules),
        (nameof(RuleSets.Page), RuleSets.Page.Rules),
        (nameof(RuleSets.Access), RuleSets.Access.Rules),
        (nameof(RuleSets.Request), RuleSets.Request.Rules),
    ];

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();

    private static string CodeOf(object rule) =>
        (string)rule.GetType().GetProperty(nameof(IRule<object>.Code))!.GetValue(rule)!;

    [Fact]
    public void Every_code_is_snake_case()
    {
        Assert.NotEmpty(RuleSets.AllCodes);
        foreach (var code in RuleSets.AllCodes)
        {
            Assert.Matches(SnakeCase(), code);
        }
    }

    [Theory]
    [InlineData("invalid_page", true)]
    [InlineData("a", true)]
    [InlineData("a1_b2", true)]
    [InlineData("Invalid_page", false)]
    [InlineData("invalid-page", false)]
    [InlineData("invalid__page", false)]
    [InlineData("_invalid", false)]
    [InlineData("invalid_", false)]
    [InlineData("1invalid", false)]
    [InlineData("invalidPage", false)]
    [InlineData("", false)]
    public void The_snake_case_pattern_means_what_it_says(string code, bool matches)
    {
        Assert.Equal(matches, SnakeCase().IsMatch(code));
    }

    [Fact]
    public void No_two_rules_share_a_code()
    {
        // The same rule type may sit in several rule sets (the filter rules reuse two customer rules); a code must
        // still belong to exactly one rule type.
        var typesByCode = RuleSetsByName
            .SelectMany(set => set.Rules)
            .GroupBy(CodeOf, StringComparer.Ordinal)
            .Select(g => (Code: g.Key, Types: g.Select(r => r.GetType()).Distinct().ToList()))
            .ToList();

        var shared = typesByCode.Where(c => c.Types.Count > 1).Select(c => $"{c.Code}: {string.Join(", ", c.Types.Select(t => t.Name))}").ToList();
        Assert.True(shared.Count == 0, "codes shared by several rules: " + string.Join("; ", shared));
    }

    [Fact]
    public void AllCodes_lists_each_rule_of_each_rule_set_once()
    {
        Assert.Equal(RuleSets.AllCodes.Count, RuleSets.AllCodes.Distinct(StringComparer.Ordinal).Count());

        var codesInSets = RuleSetsByName.SelectMany(set => set.Rules).Select(CodeOf).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(codesInSets.Order(StringComparer.Ordinal), RuleSets.AllCodes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_rule_set_has_rules_and_lists_each_rule_once()
    {
        foreach (var (name, rules) in RuleSetsByName)
        {
            Assert.True(rules.Count > 0, $"rule set {name} is empty");
            Assert.True(rules.Select(r => r.GetType()).Distinct().Count() == rules.Count, $"rule set {name} lists a rule twice");
            Assert.All(rules, r => Assert.NotNull(r));
        }
    }

    [Fact]
    public void Every_rule_in_the_assembly_is_listed_in_a_rule_set()
    {
        var ruleTypes = typeof(RuleSets).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRule<>)))
            .ToList();
        var listed = RuleSetsByName.SelectMany(set => set.Rules).Select(r => r.GetType()).ToHashSet();

        Assert.NotEmpty(ruleTypes);
        var unlisted = ruleTypes.Where(t => !listed.Contains(t)).Select(t => t.Name).ToList();
        Assert.True(unlisted.Count == 0, "rules in no rule set: " + string.Join(", ", unlisted));
    }

    [Fact]
    public void The_customer_rule_set_lists_its_rules_in_order()
    {
        Assert.Equal(
            [
                "invalid_provided_id", "invalid_name", "invalid_email", "too_many_emails", "too_many_group_tags", "unknown_group_tag",
                "invalid_property_key", "properties_too_large", "properties_too_deep", "too_many_mapping_entries", "invalid_mapping_entry",
                "unknown_data_source", "unknown_hierarchy_level", "hierarchy_level_required", "parent_not_found",
                "parent_access_group_mismatch", "parent_level_not_higher", "hierarchy_cycle", "child_level_not_lower",
            ],
            RuleSets.Customer.Rules.Select(r => r.Code));
    }

    [Fact]
    public void The_smaller_rule_sets_list_their_rules()
    {
        Assert.Equal(["unknown_hierarchy_level", "parent_not_found"], RuleSets.CustomerFilter.Rules.Select(r => r.Code));
        Assert.Equal(["invalid_group_tag_name"], RuleSets.GroupTagName.Rules.Select(r => r.Code));
        Assert.Equal(["invalid_level_name"], RuleSets.LevelName.Rules.Select(r => r.Code));
        Assert.Equal(["invalid_access_group_name"], RuleSets.AccessGroupName.Rules.Select(r => r.Code));
        Assert.Equal(["invalid_identifier"], RuleSets.Identifier.Rules.Select(r => r.Code));
        Assert.Equal(["invalid_provided_id"], RuleSets.ProvidedIdLookup.Rules.Select(r => r.Code));
        Assert.Equal(["invalid_page", "invalid_page_size"], RuleSets.Page.Rules.Select(r => r.Code));
        Assert.Equal(["admin_required", "read_only_token"], RuleSets.Access.Rules.Select(r => r.Code));
        Assert.Equal(["request_body_too_large", "json_too_deep"], RuleSets.Request.Rules.Select(r => r.Code));
    }

    [Fact]
    public void The_filter_rule_set_reuses_the_customer_rules_of_the_same_codes()
    {
        var customerTypes = RuleSets.Customer.Rules.ToDictionary(r => r.Code, r => r.GetType());
        foreach (var rule in RuleSets.CustomerFilter.Rules)
        {
            Assert.Equal(customerTypes[rule.Code], rule.GetType());
        }
    }

    [Fact]
    public void Every_violation_a_rule_reports_carries_its_code()
    {
        // One subject per name rule set that breaks it: each violation must carry the rule's code.
        foreach (var set in new[] { RuleSets.GroupTagName, RuleSets.LevelName, RuleSets.AccessGroupName, RuleSets.Identifier })
        {
            var violations = set.Check(new NameProposal("name", string.Empty));
            Assert.NotEmpty(violations);
            Assert.All(violations, v => Assert.Contains(v.Code, set.Rules.Select(r => r.Code)));
        }

        var page = RuleSets.Page.Check(new PageProposal(0, 0, ExploLimits.Default));
        Assert.Equal(["invalid_page", "invalid_page_size"], page.Select(v => v.Code));
    }

    [Fact]
    public void Rules_hold_no_mutable_state()
    {
        foreach (var rule in RuleSetsByName.SelectMany(set => set.Rules).Distinct())
        {
            var fields = rule.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(f => !f.IsInitOnly)
                .Select(f => f.Name)
                .ToList();
            Assert.True(fields.Count == 0, $"{rule.GetType().Name} has mutable fields: {string.Join(", ", fields)}");
        }
    }
}
