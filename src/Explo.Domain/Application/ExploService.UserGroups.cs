namespace Explo.Domain;

/// <summary>The legacy user-group operations: a user group is a root-level customer, shown in the legacy shape.</summary>
public sealed partial class ExploService
{
    /// <inheritdoc />
    public Task<Result<UserGroupResult>> GetOrCreateUserGroupAsync(Caller caller, CreateUserGroupRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        var create = new CreateCustomerRequest(request.UserGroupId)
        {
            Name = request.Name,
            Mapping = request.Mapping,
            IsDemoGroup = request.IsDemoGroup,
            Properties = request.Properties,
        };
        return Run(caller, Access.Write, cancellationToken, unit =>
            GetOrCreate(unit, create, FieldNames.UserGroupId).Map(r => new UserGroupResult(r.IsNew, UserGroupView.From(r.Customer))));
    }

    /// <inheritdoc />
    public Task<Result<UserGroupView>> UpdateUserGroupAsync(Caller caller, UpdateUserGroupRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        var update = new UpdateCustomerRequest(request.UserGroupId)
        {
            NewProvidedId = request.NewUserGroupId,
            Name = request.Name,
            Mapping = request.Mapping,
            IsDemoGroup = request.IsDemoGroup,
            Properties = request.Properties,
            ExpectedVersion = request.ExpectedVersion,
        };
        return Run(caller, Access.Write, cancellationToken, unit =>
            Update(unit, update, FieldNames.UserGroupId, "new_user_group_id").Map(UserGroupView.From));
    }

    /// <inheritdoc />
    public Task<Result<DeleteResult>> DeleteUserGroupAsync(Caller caller, DeleteCustomerRequest request, CancellationToken cancellationToken = default) =>
        DeleteCustomerAsync(caller, request, cancellationToken);

    /// <inheritdoc />
    public Task<Result<UserGroupView>> RefreshUserGroupTokenAsync(Caller caller, RefreshTokenRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return Run(caller, Access.Write, cancellationToken, unit => RefreshToken(unit, request).Map(UserGroupView.From));
    }
}
