using Sieve.Tools.Collection;

namespace Sieve.Host.Tests.Retrieval;

public class OsisTextTests
{
    [Theory]
    [InlineData("<w lemma=\"a\">God</w><note placement=\"foot\"><reference>1:1 </reference>Elohim.</note><w>created</w> all.", "God created all.")]
    [InlineData("the earth<note>n</note>.", "the earth.")]
    [InlineData("<div sID=\"p\"/><title canonical=\"true\" type=\"psalm\">A Psalm by David.</title> <lg/> <l sID=\"1\"/>Yahweh, how!<l eID=\"1\"/> <l sID=\"2\"/>Many.<l eID=\"2\"/>", "Yahweh, how! Many.")]
    [InlineData("said,<l eID=\"1\"/><l sID=\"2\"/>“Let <q who=\"Jesus\">there</q>   be &amp; light.”", "said, “Let there be & light.”")]
    [InlineData("<note>only a note</note> <chapter eID=\"Rom.16\"/>", "")]
    [InlineData("a<note>x<note>nested</note>y</note>b", "a b")]
    public void ToPlain_Markup_GivesReadableText(string markup, string expected) =>
        Assert.Equal(expected, OsisText.ToPlain(markup));
}
