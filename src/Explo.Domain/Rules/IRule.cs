namespace Explo.Domain.Rules;

/// <summary>
/// One business rule: a stable snake_case <see cref="Code"/> and a pure, deterministic check that reports every
/// violation it finds in a subject. Rules hold no mutable state and read time and randomness only through the subject.
/// </summary>
/// <typeparam name="TSubject">What the rule judges: a proposed change with the facts it needs.</typeparam>
public interface IRule<in TSubject>
{
    /// <summary>The stable snake_case code, reported as <c>error_code</c>.</summary>
    string Code { get; }

    /// <summary>Checks the subject.</summary>
    /// <param name="subject">The subject.</param>
    /// <returns>The violations; empty when the rule holds.</returns>
    IEnumerable<Violation> Check(TSubject subject);
}

/// <summary>A base for rules: provides <see cref="Broken"/> to build a violation carrying the rule's code.</summary>
/// <typeparam name="TSubject">The subject type.</typeparam>
public abstract class Rule<TSubject> : IRule<TSubject>
{
    /// <inheritdoc />
    public abstract string Code { get; }

    /// <inheritdoc />
    public abstract IEnumerable<Violation> Check(TSubject subject);

    /// <summary>A violation of this rule.</summary>
    /// <param name="field">The field concerned.</param>
    /// <param name="message">The message.</param>
    /// <returns>The violation.</returns>
    protected Violation Broken(string field, string message) => new(Code, field, message);
}

/// <summary>An ordered list of rules for one kind of subject, read top to bottom; checking runs them all.</summary>
/// <typeparam name="TSubject">The subject type.</typeparam>
public sealed class RuleSet<TSubject>
{
    /// <summary>Creates a rule set.</summary>
    /// <param name="rules">The rules, in the order their violations are reported.</param>
    public RuleSet(params IRule<TSubject>[] rules) => Rules = Guard.NotNull(rules);

    /// <summary>The rules, in order.</summary>
    public IReadOnlyList<IRule<TSubject>> Rules { get; }

    /// <summary>Runs every rule and collects every violation.</summary>
    /// <param name="subject">The subject.</param>
    /// <returns>All violations, in rule order; empty when all rules hold.</returns>
    public IReadOnlyList<Violation> Check(TSubject subject)
    {
        List<Violation>? violations = null;
        foreach (var rule in Rules)
        {
            foreach (var violation in rule.Check(subject))
            {
                (violations ??= []).Add(violation);
            }
        }

        return violations ?? (IReadOnlyList<Violation>)[];
    }

    /// <summary>Runs every rule; null when all hold, else the failure listing every violation.</summary>
    /// <param name="subject">The subject.</param>
    /// <returns>The failure or null.</returns>
    public ValidationFailed? Validate(TSubject subject)
    {
        var violations = Check(subject);
        return violations.Count == 0 ? null : new ValidationFailed(violations);
    }
}
