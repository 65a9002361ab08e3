using Explo.Domain.Rules;

namespace Explo.Domain.Customers;

/// <summary>
/// <c>provided_id</c> (or <c>new_provided_id</c>, <c>user_group_id</c>, <c>new_user_group_id</c>) being set: 1-255
/// characters, no control characters, no invisible format characters (Unicode Cf), not only white space, no white space
/// first or last (<see cref="TextChecks.ProvidedIdProblem"/>). An id that looks a customer up
/// (<see cref="CustomerProposal.ProvidedIdIsLookup"/>), and a <c>new_provided_id</c> equal to the customer's current id,
/// is checked only for what no stored id can break (present, 1-255 characters, no control characters), so a customer
/// whose id predates this rule can still be read, updated and renamed.
/// </summary>
internal sealed class ProvidedIdIsValid : Rule<CustomerProposal>
{
    public const int MaxLength = 255;

    public override string Code => "invalid_provided_id";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.ProvidedId is null && !subject.IsCreate && !subject.ProvidedIdIsLookup)
        {
            yield break; // an update that does not rename
        }

        var unchanged = subject.Existing is { } existing && string.Equals(existing.ProvidedId, subject.ProvidedId, StringComparison.Ordinal);
        var problem = subject.ProvidedIdIsLookup || unchanged
            ? TextChecks.ProvidedIdLookupProblem(subject.ProvidedIdField, subject.ProvidedId, MaxLength)
            : TextChecks.ProvidedIdProblem(subject.ProvidedIdField, subject.ProvidedId, MaxLength);
        if (problem is not null)
        {
            yield return Broken(subject.ProvidedIdField, problem);
        }
    }
}

/// <summary><c>name</c>: 1-1024 characters.</summary>
internal sealed class NameIsValid : Rule<CustomerProposal>
{
    public const int MaxLength = 1024;

    public override string Code => "invalid_name";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.Name is not null && TextChecks.Problem(FieldNames.Name, subject.Name, MaxLength, forbidControl: false) is { } problem)
        {
            yield return Broken(FieldNames.Name, problem);
        }
    }
}

/// <summary><c>emails</c>: every address syntactically valid.</summary>
internal sealed class EmailsAreValid : Rule<CustomerProposal>
{
    public override string Code => "invalid_email";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.Emails is not { } emails)
        {
            yield break;
        }

        for (var i = 0; i < emails.Count; i++)
        {
            if (!EmailAddresses.IsValid(emails[i]))
            {
                yield return Broken($"{FieldNames.Emails}[{i}]", $"emails[{i}] is not a valid e-mail address: {TextChecks.Quote(emails[i] ?? "null")}.");
            }
        }
    }
}

/// <summary><c>emails</c>: at most the limit (100), counted after removing repeats that differ only in case.</summary>
internal sealed class EmailCountWithinLimit : Rule<CustomerProposal>
{
    public override string Code => "too_many_emails";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.Emails is { } emails)
        {
            var count = emails.Where(e => e is not null).Distinct(StringComparer.OrdinalIgnoreCase).Count();
            if (count > subject.Limits.MaxEmails)
            {
                yield return Broken(FieldNames.Emails, $"emails may hold at most {subject.Limits.MaxEmails} addresses; it has {count}.");
            }
        }
    }
}

/// <summary><c>properties</c>: every key 1-255 characters.</summary>
internal sealed class PropertyKeysAreValid : Rule<CustomerProposal>
{
    public const int MaxKeyLength = 255;

    public override string Code => "invalid_property_key";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.Properties is not { } properties)
        {
            yield break;
        }

        foreach (var key in properties.Keys)
        {
            if (key.Length == 0)
            {
                yield return Broken(FieldNames.Properties, "properties must not have an empty key.");
            }
            else if (key.Length > MaxKeyLength)
            {
                yield return Broken($"{FieldNames.Properties}.{key}", $"properties has the key {TextChecks.Quote(key)}, which is {key.Length} characters long; the maximum is {MaxKeyLength}.");
            }
        }
    }
}

/// <summary><c>properties</c>: at most the limit (256 KiB) serialized as compact UTF-8 JSON.</summary>
internal sealed class PropertiesSizeWithinLimit : Rule<CustomerProposal>
{
    public override string Code => "properties_too_large";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.Properties is { } properties)
        {
            var size = PropertyMap.SerializedSize(properties);
            if (size > subject.Limits.MaxPropertiesBytes)
            {
                yield return Broken(FieldNames.Properties, $"properties is {size} bytes serialized; the maximum is {subject.Limits.MaxPropertiesBytes} bytes.");
            }
        }
    }
}

/// <summary><c>properties</c>: JSON nesting at most the limit (64), the properties object itself counting as one.</summary>
internal sealed class PropertiesDepthWithinLimit : Rule<CustomerProposal>
{
    public override string Code => "properties_too_deep";

    public override IEnumerable<Violation> Check(CustomerProposal subject)
    {
        if (subject.Properties is not { } properties)
        {
            yield break;
        }

        foreach (var (key, value) in properties.Entries)
        {
            var depth = 1 + PropertyMap.Depth(value);
            if (depth > subject.Limits.MaxJsonDepth)
            {
                yield return Broken($"{FieldNames.Properties}.{key}", $"the value of properties key {TextChecks.Quote(key)} is nested {depth} levels deep, counting the properties object; the maximum is {subject.Limits.MaxJsonDepth}.");
            }
        }
    }
}
