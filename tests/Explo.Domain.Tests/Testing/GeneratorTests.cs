using Explo.Domain.InMemory;
using Explo.Domain.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace Explo.Domain.Tests.Testing;

/// <summary>The generators of Explo.Domain.Testing produce what they promise.</summary>
public sealed class GeneratorTests
{
    [Fact]
    public void Generated_trees_are_valid_import_as_given_and_respect_the_depth()
    {
        var levels = ExploMachine.Levels;
        Prop.ForAll(Arb.From(ExploGenerators.Trees(40, 3, levels)), tree =>
        {
            var service = new ExploService(new InMemoryWorkspaceStore());
            var admin = Caller.Administrator();
            for (var i = 1; i < levels.Count - 1; i++)
            {
                Assert.True(service.AddLevelAsync(admin, levels[i], after: levels[i - 1]).GetAwaiter().GetResult().IsSuccess);
            }

            foreach (var request in tree)
            {
                var created = service.GetOrCreateCustomerAsync(admin, request).GetAwaiter().GetResult();
                Assert.True(created.IsSuccess && created.SuccessValue.IsNew, created.ToString());
                Assert.True(Array.IndexOf([.. levels], created.SuccessValue.Customer.HierarchyLevel) < 3);
            }
        }).Check(RunSettings.Config(30));
    }

    [Fact]
    public void Generated_property_maps_round_trip_through_json_exactly()
    {
        Prop.ForAll(ExploGenerators.PropertyMapArbitrary, map =>
        {
            var json = PropertyMap.ToJson(map);
            var back = PropertyMap.Parse(json);
            Assert.True(back.SequenceEqual(map, PropertyMap.ValueComparer), json);
            Assert.Equal(json, PropertyMap.ToJson(back));
        }).Check(RunSettings.Config(200));
    }

    [Fact]
    public void The_reference_model_folds_a_tree_like_the_service()
    {
        var model = ExploMachine.InitialModel;
        var writer = ExploSystem.Actors[0];
        (model, var outcome) = model.Create(writer, "root", null, null, PropertyMap.Parse("""{"a": 1, "b": 2}"""), OrderedMap.Of(("40", "x")), null);
        Assert.Equal(OperationOutcome.Success, outcome);
        (model, outcome) = model.Create(writer, "child", "Region", "root", PropertyMap.Parse("""{"b": null, "c": 3}"""), null, null);
        Assert.Equal(OperationOutcome.Success, outcome);
        (_, outcome) = model.Create(writer, "bad", null, "root", null, null, null);
        Assert.Equal(new OperationOutcome("ValidationFailed", "hierarchy_level_required"), outcome);

        var child = model.Find("child")!;
        Assert.Equal("""{"a":1,"b":null,"c":3}""", PropertyMap.ToJson(model.ComputedProperties(child)));
        Assert.Equal([KeyValuePair.Create("40", "x")], model.ComputedMapping(child));
    }
}
