namespace Sieve.Host.Tests.Retrieval;

/// <summary>
/// A SWORD library in miniature, laid out like Debian's: a three-book Bible (Gen, Exod and the deuterocanonical
/// Tob; Matt in the NT) under the WEB's module name, and a Nave module under Nave's, with topics that exercise
/// every kind of reference the builder meets.
/// </summary>
internal static class TinySwordLibrary
{
    public static void Write(string root)
    {
        SwordFixture.WriteConf(root, "engWEB2015eb", "./modules/texts/ztext/engWEB2015eb/", "zText", "426.0");
        SwordFixture.WriteConf(root, "Nave", "./modules/lexdict/zld/nave/nave", "zLD", "3.0");
        var bible = Path.Combine(root, "modules", "texts", "ztext", "engWEB2015eb");
        SwordFixture.WriteZText(bible, "ot",
        [
            ("Gen", "<div type=\"book\" osisID=\"Gen\"/>",
            [
                ["In the beginning, God<note placement=\"foot\">Elohim</note>created the heavens.", "The earth was empty.", "God said, “Let there be light.”"],
                ["The heavens were finished.", "On the seventh day God rested."],
            ]),
            ("Exod", "<div type=\"book\" osisID=\"Exod\"/>", [["Now these are the names.", "", "Reuben, Simeon, Levi."]]),
            ("Tob", "<div type=\"book\" osisID=\"Tob\"/>", [["The book of the words of Tobit.", "In the days of Enemessar."]]),
        ]);
        SwordFixture.WriteZText(bible, "nt",
        [
            ("Matt", "", [["<title type=\"psalm\">A heading</title>The book of the genealogy of Jesus Christ.", "Abraham became the father of Isaac."]]),
        ]);
        SwordFixture.WriteZld(Path.Combine(root, "modules", "lexdict", "zld", "nave", "nave"),
        [
            ("AARON", Entry("AARON", "→ Lineage <ref osisRef=\"Exod.1.1-Exod.1.3\">Ex 1:1-3</ref>; <ref osisRef=\"Gen.1.3-Gen.2.1\">Ge 1:3-2:1</ref>, <ref osisRef=\"Matt.1.2\">Mt 1:2</ref>")),
            ("ABARIM", Entry("ABARIM", "→ See <ref target=\"Nave:NEBO\">NEBO</ref>")),
            ("BROKEN", Entry("BROKEN", "<ref osisRef=\"Gen.x\">?</ref> <ref osisRef=\"Foo.1.1\">?</ref> <ref osisRef=\"Gen.9.1\">?</ref> <ref osisRef=\"Tob.1.1\">?</ref> <ref osisRef=\"Exod.1.2\">?</ref> and Ge 3:4 unmarked")),
            ("CREATION", Entry("CREATION", "<ref osisRef=\"Gen.1\">Ge 1</ref>; <ref osisRef=\"Gen.1.1\">Ge 1:1</ref>")),
            ("SIN", Entry("SIN", "1. Desert of <ref osisRef=\"Exod.1.3\">Ex 1:3</ref>")),
            ("SIN", Entry("SIN", "Rest <ref osisRef=\"Gen.2.2\">Ge 2:2</ref>")),
            ("THE REST (of god)", Entry("THE REST (of god)", "<ref osisRef=\"Gen.2.2\">Ge 2:2</ref>")),
        ], perBlock: 3);
    }

    private static string Entry(string name, string body) => $"<entryFree n=\"{name}\">\n<def>\n<lb/>{body}</def>\n</entryFree>";
}
