using System.Globalization;
using System.Text;
using Explo.Domain.Rules;

namespace Explo.Domain.Tests.Rules;

/// <summary>
/// The provided_id rule character by character, over every code point: exactly the Unicode Cc and Cf characters are
/// refused anywhere, and exactly the char.IsWhiteSpace characters first or last (docs/decisions.md, "provided_id, exactly").
/// </summary>
public sealed class ProvidedIdRuleTests
{
    private static string? Strict(string value) => TextChecks.ProvidedIdProblem("provided_id", value, 255);

    private static string? Lookup(string value) => TextChecks.ProvidedIdLookupProblem("provided_id", value, 255);

    [Fact]
    public void Inside_an_id_exactly_the_control_and_format_characters_are_refused()
    {
        var wronglyRefused = new List<string>();
        var wronglyAccepted = new List<string>();
        for (var cp = 0; cp <= 0x10FFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            var rune = new Rune(cp);
            var category = Rune.GetUnicodeCategory(rune);
            var refused = Strict("a" + rune + "b") is not null;
            var shouldBe = category is UnicodeCategory.Control or UnicodeCategory.Format;
            if (refused != shouldBe)
            {
                (refused ? wronglyRefused : wronglyAccepted).Add(cp.ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        Assert.Empty(wronglyRefused);
        Assert.Empty(wronglyAccepted);
    }

    [Fact]
    public void First_or_last_exactly_the_white_space_characters_are_refused_besides()
    {
        for (var c = 0; c <= 0xFFFF; c++)
        {
            var ch = (char)c;
            if (char.IsSurrogate(ch) || char.IsControl(ch) || CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.Format)
            {
                continue;
            }

            Assert.Equal(char.IsWhiteSpace(ch), Strict(ch + "ab") is not null);
            Assert.Equal(char.IsWhiteSpace(ch), Strict("ab" + ch) is not null);
        }
    }

    [Theory]
    [InlineData(" ", "provided_id must not be only white space.")]
    [InlineData(" a", "provided_id must not start or end with white space; it is ' a'.")]
    [InlineData("a\u200Bb", "provided_id must not contain invisible format characters (zero-width characters, bidi controls, byte order marks); found U+200B at position 1.")]
    [InlineData("\U0001F600\U000E0001", "provided_id must not contain invisible format characters (zero-width characters, bidi controls, byte order marks); found U+E0001 at position 2.")]
    [InlineData("", "provided_id must not be empty.")]
    [InlineData(null, "provided_id is required.")]
    public void Each_problem_has_its_own_sentence_naming_the_field(string? value, string message)
    {
        Assert.Equal(message, TextChecks.ProvidedIdProblem("provided_id", value, 255));
    }

    [Theory]
    [InlineData(" acme")]
    [InlineData("acme ")]
    [InlineData("   ")]
    [InlineData("ac\u200Bme")]
    [InlineData("\uFEFFacme")]
    public void A_lookup_accepts_ids_that_predate_the_rule(string value)
    {
        Assert.NotNull(Strict(value));
        Assert.Null(Lookup(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\u0000")]
    [InlineData(null)]
    public void A_lookup_refuses_what_no_stored_id_can_hold(string? value)
    {
        Assert.NotNull(TextChecks.ProvidedIdLookupProblem("provided_id", value, 255));
        Assert.NotNull(TextChecks.ProvidedIdLookupProblem("provided_id", new string('x', 256), 255));
    }
}
