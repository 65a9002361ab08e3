namespace Explo.Domain;

/// <summary>One broken rule: a stable snake_case code, the field it concerns, and a sentence a person can act on.</summary>
/// <param name="Code">The rule's stable code, for example <c>parent_level_not_higher</c>.</param>
/// <param name="Field">The request field concerned, for example <c>parent_provided_id</c> or <c>properties.region</c>.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record Violation(string Code, string Field, string Message);

/// <summary>The kinds of business failure; each maps to one HTTP status in the adapter (a switch the compiler checks is complete).</summary>
public enum FailureKind
{
    /// <summary>The request broke one or more rules (<see cref="ValidationFailed"/>; HTTP 400).</summary>
    Validation,

    /// <summary>Something named does not exist or is outside the caller's DVG (<see cref="NotFound"/>; HTTP 404).</summary>
    NotFound,

    /// <summary>The change conflicts with the current state (<see cref="Conflict"/>; HTTP 409).</summary>
    Conflict,

    /// <summary>The caller is known but may not do this (<see cref="Forbidden"/>; HTTP 403).</summary>
    Forbidden,

    /// <summary>The caller has no valid API token (<see cref="Unauthorized"/>; HTTP 401).</summary>
    Unauthorized,
}

/// <summary>The common shape of every business failure: its kind, a stable code and a message.</summary>
public abstract record Failure
{
    /// <summary>The kind of failure (what an adapter maps to a status).</summary>
    public abstract FailureKind Kind { get; }

    /// <summary>A stable snake_case code (the HTTP adapter returns it as <c>error_code</c>).</summary>
    public abstract string Code { get; }

    /// <summary>A sentence a person can act on; never contains a secret.</summary>
    public abstract string Message { get; }
}

/// <summary>The request broke one or more rules; nothing was changed.</summary>
public sealed record ValidationFailed : Failure
{
    /// <inheritdoc />
    public override FailureKind Kind => FailureKind.Validation;

    /// <summary>Creates the failure.</summary>
    /// <param name="violations">Every broken rule; at least one.</param>
    public ValidationFailed(IReadOnlyList<Violation> violations)
    {
        Guard.That(Guard.NotNull(violations).Count > 0, "A validation failure needs at least one violation");
        Violations = violations;
    }

    /// <summary>Creates the failure from a single violation.</summary>
    /// <param name="code">The rule code.</param>
    /// <param name="field">The field.</param>
    /// <param name="message">The message.</param>
    public ValidationFailed(string code, string field, string message)
        : this([new Violation(code, field, message)])
    {
    }

    /// <summary>Every broken rule, in the order the rule set lists them.</summary>
    public IReadOnlyList<Violation> Violations { get; }

    /// <inheritdoc />
    public override string Code => Violations[0].Code;

    /// <summary>
    /// Violations that were found but not kept in <see cref="Violations"/> (a transport that stops recording after a
    /// bound, so a hostile body can't make the failure unbounded); 0 when every violation is listed.
    /// </summary>
    public long MoreViolations { get; init; }

    /// <summary>Every violation found: the listed ones and <see cref="MoreViolations"/>.</summary>
    public long TotalViolations => Violations.Count + MoreViolations;

    /// <inheritdoc />
    /// <remarks>
    /// One sentence per distinct rule (the first violation of each code, in order), each followed by how many more
    /// violations of that rule there are: bounded by the number of rules, not by the number of array elements.
    /// </remarks>
    public override string Message
    {
        get
        {
            var firstOfCode = new List<(Violation First, int More)>();
            foreach (var violation in Violations)
            {
                var index = firstOfCode.FindIndex(entry => entry.First.Code == violation.Code);
                if (index < 0)
                {
                    firstOfCode.Add((violation, 0));
                }
                else
                {
                    firstOfCode[index] = (firstOfCode[index].First, firstOfCode[index].More + 1);
                }
            }

            var text = new System.Text.StringBuilder();
            foreach (var (first, more) in firstOfCode)
            {
                text.Append(text.Length == 0 ? string.Empty : " ").Append(first.Message);
                if (more > 0)
                {
                    text.Append(" (").Append(more).Append(" more like it.)");
                }
            }

            if (MoreViolations > 0)
            {
                text.Append(" (").Append(MoreViolations).Append(" more problems found and not listed.)");
            }

            return text.ToString();
        }
    }
}

/// <summary>The customer, tag, token or other item named does not exist (or is outside the caller's DVG).</summary>
/// <param name="Code">For example <c>customer_not_found</c>.</param>
/// <param name="Message">Which item was not found.</param>
public sealed record NotFound(string Code, string Message) : Failure
{
    /// <inheritdoc />
    public override FailureKind Kind => FailureKind.NotFound;

    /// <inheritdoc />
    public override string Code { get; } = Code;

    /// <inheritdoc />
    public override string Message { get; } = Message;
}

/// <summary>The change conflicts with the current state (a name in use, children in the way, a stale version).</summary>
/// <param name="Code">For example <c>provided_id_taken</c>.</param>
/// <param name="Message">What conflicts.</param>
public sealed record Conflict(string Code, string Message) : Failure
{
    /// <inheritdoc />
    public override FailureKind Kind => FailureKind.Conflict;

    /// <inheritdoc />
    public override string Code { get; } = Code;

    /// <inheritdoc />
    public override string Message { get; } = Message;
}

/// <summary>The caller is known but may not do this (a read-only token writing, an API token calling an admin operation).</summary>
/// <param name="Code">For example <c>read_only_token</c>.</param>
/// <param name="Message">Why.</param>
public sealed record Forbidden(string Code, string Message) : Failure
{
    /// <inheritdoc />
    public override FailureKind Kind => FailureKind.Forbidden;

    /// <inheritdoc />
    public override string Code { get; } = Code;

    /// <inheritdoc />
    public override string Message { get; } = Message;
}

/// <summary>The caller presented no API token, or one that is unknown or revoked.</summary>
/// <param name="Code">For example <c>invalid_api_token</c>.</param>
/// <param name="Message">Why.</param>
public sealed record Unauthorized(string Code, string Message) : Failure
{
    /// <inheritdoc />
    public override FailureKind Kind => FailureKind.Unauthorized;

    /// <inheritdoc />
    public override string Code { get; } = Code;

    /// <inheritdoc />
    public override string Message { get; } = Message;
}
