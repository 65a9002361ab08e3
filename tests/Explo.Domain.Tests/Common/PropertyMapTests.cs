using System.Text;
using System.Text.Json;

namespace Explo.Domain.Tests.Common;

public sealed class PropertyMapTests
{
    [Theory]
    [InlineData("""{"big":12345678901234567890}""")]
    [InlineData("""{"huge":1e400}""")]
    [InlineData("""{"tiny":1e-400}""")]
    [InlineData("""{"precise":0.1000000000000000055511151231257827}""")]
    [InlineData("""{"negative":-0.0}""")]
    [InlineData("""{"exp":1E+2}""")]
    [InlineData("""{"many":[12345678901234567890,1e400,0.1000000000000000055511151231257827,-1.50]}""")]
    [InlineData("""{"nested":{"n":99999999999999999999999999999999999999.000000000000000000001}}""")]
    public void Numbers_round_trip_exactly_as_written(string json)
    {
        Assert.Equal(json, PropertyMap.ToJson(PropertyMap.Parse(json)));
    }

    [Fact]
    public void Parse_keeps_the_exact_number_text_of_each_value()
    {
        var map = PropertyMap.Parse("""{"a":12345678901234567890,"b":1e400,"c":0.1000000000000000055511151231257827}""");

        Assert.Equal("12345678901234567890", map["a"].GetRawText());
        Assert.Equal("1e400", map["b"].GetRawText());
        Assert.Equal("0.1000000000000000055511151231257827", map["c"].GetRawText());
    }

    [Fact]
    public void Keys_and_strings_round_trip_exactly()
    {
        const string json = """{"a.b":"dot","$x":"dollar"," ":"space","ü":"日本","Key":1,"key":2,"html":"<b>&amp;</b>","quote\"d":"back\\slash","":null}""";
        var map = PropertyMap.Parse(json);

        Assert.Equal(["a.b", "$x", " ", "ü", "Key", "key", "html", "quote\"d", ""], map.Keys);
        Assert.Equal(json, PropertyMap.ToJson(map));
    }

    [Fact]
    public void Characters_outside_the_basic_plane_round_trip_as_the_same_strings()
    {
        // The writer may escape them (as \uD83D\uDE00): the JSON differs, the key and value read back are the same.
        var map = PropertyMap.Of(("😀 𝄞", "🎉 and 日本"));

        var back = PropertyMap.Parse(PropertyMap.ToJson(map));

        Assert.Equal(["😀 𝄞"], back.Keys);
        Assert.Equal("🎉 and 日本", back["😀 𝄞"].GetString());
        Assert.Equal(PropertyMap.ToJson(map), PropertyMap.ToJson(back));
    }

    [Fact]
    public void Values_of_every_kind_round_trip()
    {
        const string json = """{"s":"x","n":-3,"t":true,"f":false,"z":null,"o":{"p":[1,{"q":[]}],"r":{}},"arr":[null,"",0]}""";

        Assert.Equal(json, PropertyMap.ToJson(PropertyMap.Parse(json)));
    }

    [Fact]
    public void Parse_compacts_white_space()
    {
        Assert.Equal("""{"a":[1,2],"b":{"c":null}}""", PropertyMap.ToJson(PropertyMap.Parse("{ \"a\" : [ 1 , 2 ] ,\n \"b\" : { \"c\" : null } }")));
    }

    [Fact]
    public void Parse_keeps_the_first_position_and_the_last_value_of_a_repeated_key()
    {
        var map = PropertyMap.Parse("""{"a":1,"b":2,"a":3}""");

        Assert.Equal("""{"a":3,"b":2}""", PropertyMap.ToJson(map));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("1")]
    [InlineData("\"x\"")]
    [InlineData("null")]
    public void Parse_rejects_what_is_not_an_object(string json)
    {
        Assert.Throws<ArgumentException>(() => PropertyMap.Parse(json));
    }

    [Fact]
    public void Parsed_values_outlive_their_document()
    {
        var map = PropertyMap.Parse("""{"o":{"deep":[1,2,3]}}""");
        GC.Collect();

        Assert.Equal("""{"deep":[1,2,3]}""", map["o"].GetRawText());
    }

    [Fact]
    public void Of_serializes_dotnet_values()
    {
        var map = PropertyMap.Of(("s", "x"), ("n", 12), ("null", null), ("list", new[] { 1, 2 }), ("d", 0.5m));

        Assert.Equal("""{"s":"x","n":12,"null":null,"list":[1,2],"d":0.5}""", PropertyMap.ToJson(map));
    }

    [Fact]
    public void ToJson_of_the_empty_map_is_an_empty_object()
    {
        Assert.Equal("{}", PropertyMap.ToJson(PropertyMap.Empty));
        Assert.Equal(2, PropertyMap.SerializedSize(PropertyMap.Empty));
    }

    [Theory]
    [InlineData("1", 0)]
    [InlineData("\"s\"", 0)]
    [InlineData("null", 0)]
    [InlineData("{}", 1)]
    [InlineData("[]", 1)]
    [InlineData("""{"a":1,"b":"x"}""", 1)]
    [InlineData("[1,2,3]", 1)]
    [InlineData("""{"a":{}}""", 2)]
    [InlineData("[[1]]", 2)]
    [InlineData("""{"a":[{"b":[]}]}""", 4)]
    [InlineData("""[1,[2,[3,[4]]],{"x":1}]""", 4)]
    [InlineData("""[{"shallow":1},[[[["deep"]]]]]""", 5)]
    public void Depth_counts_the_nesting_of_objects_and_arrays(string json, int depth)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(depth, PropertyMap.Depth(document.RootElement));
    }

    [Fact]
    public void Depth_of_a_very_deep_value_does_not_overflow_a_small_stack()
    {
        // 10,000 levels on a 256 KiB stack: a recursive walk would need several times that.
        const int depth = 10_000;
        var json = new string('[', depth) + new string(']', depth);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = depth + 1 });
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var measured = -1;

        var thread = new Thread(() => measured = PropertyMap.Depth(root), maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();

        Assert.Equal(depth, measured);
    }

    [Theory]
    [InlineData("""{"a":1}""")]
    [InlineData("""{"ü":"€"}""")]
    [InlineData("""{"😀":["日本",null,1e400]}""")]
    [InlineData("""{"html":"<script>&'"}""")]
    [InlineData("""{"esc":"line\nbreak\ttab\"quote"}""")]
    public void SerializedSize_is_the_byte_count_of_the_compact_utf8_text(string json)
    {
        var map = PropertyMap.Parse(json);
        var text = PropertyMap.ToJson(map);

        Assert.Equal(Encoding.UTF8.GetByteCount(text), PropertyMap.SerializedSize(map));
    }

    [Fact]
    public void SerializedSize_counts_utf8_bytes_not_characters()
    {
        // { " ü " : " € " } = 1 + 1 + 2 + 1 + 1 + 1 + 3 + 1 + 1 bytes.
        Assert.Equal(12, PropertyMap.SerializedSize(PropertyMap.Parse("""{"ü":"€"}""")));
        Assert.Equal(7, PropertyMap.SerializedSize(PropertyMap.Parse("""{"a":1}""")));
    }

    [Fact]
    public void Non_ascii_text_is_written_unescaped()
    {
        Assert.Equal("""{"ü":"€<>&'"}""", PropertyMap.ToJson(PropertyMap.Parse("""{"\u00fc":"\u20ac\u003c\u003e\u0026\u0027"}""")));
    }

    [Fact]
    public void ValueComparer_compares_structurally()
    {
        var comparer = PropertyMap.ValueComparer;
        var a = PropertyMap.Parse("""{"v":{"x":[1,2],"y":null}}""")["v"];
        var b = PropertyMap.Parse("""{"v":{ "x" : [1,2], "y" : null }}""")["v"];
        var c = PropertyMap.Parse("""{"v":{"x":[2,1],"y":null}}""")["v"];

        Assert.True(comparer.Equals(a, b));
        Assert.Equal(comparer.GetHashCode(a), comparer.GetHashCode(b));
        Assert.False(comparer.Equals(a, c));
    }
}
