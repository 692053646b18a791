using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class S55JointMailWordsShippedHash : Migration
    {
        /// <summary>
        /// Joint-case mail words: the co-handler's 【协办延期申请】 names the co-handling department in its subject too (two requests at
        /// once no longer read alike), an approval of fewer days than asked says so in its subject (延期部分同意), and, in its body, the co-handling and the lead department (协办部门,
        /// 主办部门, not 责任部门) and says the most the officer can grant before the lead's deadline; the English subjects
        /// of a part asked again say so ("Co-handling asked again"); the 【已改派】 to a co-handler whose part moved says
        /// its part was reassigned, not the case; the officer's 【待确认办结】 of a joint case lists each co-handling department
        /// with how its part ended (its opinion's first lines, or the reason). Edits of those parts saved before the fingerprint was kept were saved
        /// against the previous text: the previous release's fingerprint is set, so those edits are pointed out as behind
        /// the shipped text.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("extension-decided", "zh-CN", "subject", "7037cbf81606dafba434cc2748a738571f8700cead3e1beaa8779680b5b94481"),
            ("extension-decided", "en", "subject", "726bb78980c1c267200f324ca8a40934a90886806d6bc5fd93a9c411a5ac31d5"),
            ("extension-requested", "zh-CN", "subject", "d7437139e91fc9cc4b61cf70381e470bbbea39fc4bf9fe4c5478fb2d68fadfd1"),
            ("extension-requested", "en", "subject", "b25ba4019f9d2a679ab2601da46bc1e855dc5fddf9a37bde2a3654e1ebc9ea5d"),
            ("extension-requested", "zh-CN", "text", "36724d235d6937006f91cff40d787daae81a19c77874ccb2a6c68db77033966f"),
            ("extension-requested", "zh-CN", "html", "c7cb9fe8b6e70fd70d93a827639e0825a8bb9480147908d0df8184b15e450d14"),
            ("extension-requested", "en", "text", "1d82521c4d5c30a8c1aad3aaaf59b691899830d73a8e500b6e2ae109cc86b579"),
            ("extension-requested", "en", "html", "b4929290e5356753eade282481023a3860a5b77e6c87243464867b809b7cf421"),
            ("dispatch", "en", "subject", "41665792ae4b3c9a353a2ec42e97b48c4de54b76d1158dd635a905f85aa2612f"),
            ("dispatch-leader-copy", "en", "subject", "af5e5cfd7c581b04f75b6cc738faa5e3314b81fbb3c5f9c512bdf5c44ac46912"),
            ("reassigned-away", "zh-CN", "text", "70a455ab2a02a9765b5819222c6590fa32071cad95fc53858a835934fe1f22d3"),
            ("reassigned-away", "zh-CN", "html", "0436236ffaada563651cc5367f3e89108b0567a10cc4ca43d3132556022be224"),
            ("reassigned-away", "en", "text", "9496872634e3dbe8b2e211d45e911aadb4c5710d77cc0ad437ab55db53c5c595"),
            ("reassigned-away", "en", "html", "b79f4ea3bb9b294843532e4eaa1014f678245217c8374392101b42ba332a3fb3"),
            ("resolved", "zh-CN", "text", "ab0012135639381a8704fbfbc07afe7eae52d8aaee84760b39e2a209fa49e23c"),
            ("resolved", "zh-CN", "html", "4d6b956099d4b4d94f4b03fe7064dabf00427683e42822431655d7c74efbd93a"),
            ("resolved", "en", "text", "803652e89396122a9832ff06e7d65434e41defc4e34b07d9fc98e576f2da5a6b"),
            ("resolved", "en", "html", "32ce07e97f1bd718397d7b0fa808c6152bf35458456650d6e74ae361dee85792"),
        ];

        /// <summary>The statements of <see cref="Up"/> (<see cref="ShippedHashes.Statements"/>).</summary>
        public static IEnumerable<string> Statements() => ShippedHashes.Statements(PreviousShipped);

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => ShippedHashes.Apply(migrationBuilder, PreviousShipped);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to undo: the column stays, and a fingerprint once set is as good as one saved.
        }
    }
}
