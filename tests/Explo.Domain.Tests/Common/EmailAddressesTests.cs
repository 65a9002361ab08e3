namespace Explo.Domain.Tests.Common;

public sealed class EmailAddressesTests
{
    [Theory]
    [InlineData("a@b.co")]
    [InlineData("alice@example.com")]
    [InlineData("first.last@example.com")]
    [InlineData("first.last+tag@sub.example.co.uk")]
    [InlineData("o'brien@example.ie")]
    [InlineData("x_y-z!#$%&*=?^`{|}~@example.com")]
    [InlineData("ALICE@EXAMPLE.COM")]
    [InlineData("1234@123.45")]
    [InlineData("user@xn--bcher-kva.example")]
    [InlineData("jörg@bücher.de")]
    [InlineData("a@b-c.d-e")]
    public void Accepts_valid_addresses(string address)
    {
        Assert.True(EmailAddresses.IsValid(address), address);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("plainaddress")]
    [InlineData("@example.com")]
    [InlineData("alice@")]
    [InlineData("alice@localhost")]
    [InlineData("alice@@example.com")]
    [InlineData("alice@bob@example.com")]
    [InlineData(".alice@example.com")]
    [InlineData("alice.@example.com")]
    [InlineData("al..ice@example.com")]
    [InlineData("al ice@example.com")]
    [InlineData(" alice@example.com")]
    [InlineData("alice@example.com ")]
    [InlineData("alice\t@example.com")]
    [InlineData("ali\u0001ce@example.com")]
    [InlineData("\"alice\"@example.com")]
    [InlineData("alice(x)@example.com")]
    [InlineData("a,b@example.com")]
    [InlineData("a:b@example.com")]
    [InlineData("a;b@example.com")]
    [InlineData("<a>@example.com")]
    [InlineData("a[b]@example.com")]
    [InlineData("a\\b@example.com")]
    [InlineData("alice@example..com")]
    [InlineData("alice@.example.com")]
    [InlineData("alice@example.com.")]
    [InlineData("alice@-example.com")]
    [InlineData("alice@example-.com")]
    [InlineData("alice@exa_mple.com")]
    [InlineData("alice@exam ple.com")]
    [InlineData("alice@[127.0.0.1]")]
    public void Rejects_invalid_addresses(string address)
    {
        Assert.False(EmailAddresses.IsValid(address), address);
    }

    [Fact]
    public void Rejects_null()
    {
        Assert.False(EmailAddresses.IsValid(null));
    }

    [Fact]
    public void The_local_part_may_have_64_characters_but_not_65()
    {
        Assert.True(EmailAddresses.IsValid(new string('a', 64) + "@example.com"));
        Assert.False(EmailAddresses.IsValid(new string('a', 65) + "@example.com"));
    }

    [Fact]
    public void A_domain_label_may_have_63_characters_but_not_64()
    {
        Assert.True(EmailAddresses.IsValid("a@" + new string('b', 63) + ".com"));
        Assert.False(EmailAddresses.IsValid("a@" + new string('b', 64) + ".com"));
    }

    [Fact]
    public void The_whole_address_may_have_254_characters_but_not_255()
    {
        // Four labels of 60 and ".com": 247 characters of domain, so a local part of 6 makes 254.
        var domain = string.Join('.', Enumerable.Repeat(new string('d', 60), 4)) + ".com";
        var at254 = new string('a', 254 - 1 - domain.Length) + "@" + domain;
        var at255 = "a" + at254;
        Assert.Equal(254, at254.Length);
        Assert.Equal(255, at255.Length);
        Assert.True(EmailAddresses.IsValid(at254));
        Assert.False(EmailAddresses.IsValid(at255));
    }

    [Fact]
    public void Distinct_removes_repeats_ignoring_case_keeping_the_first_spelling_in_order()
    {
        var distinct = EmailAddresses.Distinct(["Bob@Example.com", "alice@example.com", "BOB@example.COM", "carol@example.com", "ALICE@EXAMPLE.COM", "bob@example.com"]).AsEnumerable();

        Assert.Equal(["Bob@Example.com", "alice@example.com", "carol@example.com"], distinct);
    }

    [Fact]
    public void Distinct_ignores_case_beyond_ascii()
    {
        Assert.Equal(["JÖRG@bücher.de"], EmailAddresses.Distinct(["JÖRG@bücher.de", "jörg@BÜCHER.DE"]).AsEnumerable());
    }

    [Fact]
    public void Distinct_keeps_addresses_that_differ_otherwise()
    {
        Assert.Equal(["a@example.com", "a@example.co", "a.b@example.com"], EmailAddresses.Distinct(["a@example.com", "a@example.co", "a.b@example.com"]).AsEnumerable());
        Assert.Empty(EmailAddresses.Distinct([]));
    }
}
