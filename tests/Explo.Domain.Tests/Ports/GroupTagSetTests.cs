using Explo.Domain.Ports;

namespace Explo.Domain.Tests.Ports;

public sealed class GroupTagSetTests
{
    private static ChangeSet Tags(IReadOnlyList<GroupTag> upserted, IReadOnlyList<GroupTagId>? deleted = null) =>
        new(null, [], [], []) { UpsertedGroupTags = upserted, DeletedGroupTags = deleted ?? [] };

    [Fact]
    public void Tags_are_found_by_exact_name_and_id_and_listed_in_id_order()
    {
        var set = new GroupTagSet();
        set.Apply(Tags([new GroupTag(new GroupTagId(7), "b"), new GroupTag(new GroupTagId(3), "a")]));

        Assert.Equal(2, set.Count);
        Assert.Equal(new GroupTagId(3), set.FindGroupTag("a")!.Id);
        Assert.Null(set.FindGroupTag("A"));
        Assert.Equal("b", set.FindGroupTag(new GroupTagId(7))!.Name);
        Assert.Equal(["a", "b"], set.List().Select(t => t.Name));
    }

    [Fact]
    public void A_rename_frees_the_old_name_and_two_tags_can_swap_names_in_one_change()
    {
        var set = new GroupTagSet();
        set.Put(new GroupTag(new GroupTagId(1), "x"));
        set.Put(new GroupTag(new GroupTagId(2), "y"));

        set.Apply(Tags([new GroupTag(new GroupTagId(1), "y"), new GroupTag(new GroupTagId(2), "x")]));

        Assert.Equal(new GroupTagId(1), set.FindGroupTag("y")!.Id);
        Assert.Equal(new GroupTagId(2), set.FindGroupTag("x")!.Id);

        set.Apply(Tags([new GroupTag(new GroupTagId(1), "z")], [new GroupTagId(2)]));

        Assert.Null(set.FindGroupTag("x"));
        Assert.Null(set.FindGroupTag("y"));
        Assert.Equal(["z"], set.List().Select(t => t.Name));
    }
}
