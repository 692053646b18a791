using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class S56EnterpriseWordsShippedHash : Migration
    {
        /// <summary>
        /// The service team's 【重点企业·…】 copy tells of the enterprise's 不满意 rating (with its comment) and of the
        /// officer's decision on it (说明后结案, or 重办 as a follow-up case); the officer's digest words its subject and
        /// opening for a chief service officer or squad member with no cases of their own (no "0 件事项需要您关注", the
        /// served enterprises' cases named as such). Edits of those parts saved before the fingerprint was kept were saved
        /// against the previous text: the previous release's fingerprint is set, so those edits are pointed out as behind
        /// the shipped text.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("key-enterprise-update", "zh-CN", "text", "08b64ceeabfb678b758bf27bdc0d670e1a9a5b382e3d3d92c8984d4f27fa21f9"),
            ("key-enterprise-update", "zh-CN", "html", "7c67b9d6423cbbdcf18ca64f825c665ec065f9879fd0add2d328c3ccbba8fa50"),
            ("key-enterprise-update", "en", "text", "0ef8517ef756b39254e53887164d0217f2782d5e7f07f438267a503a5d7e5bdb"),
            ("key-enterprise-update", "en", "html", "b94b1361183a34e546ecc1499cd8b9f70aa37109bd1b4c5c724ee3de08d644d0"),
            ("officer-digest", "zh-CN", "subject", "a59ce46e91b347e57764fde4fe82f7d2c121012231e250683961fc2aa4957074"),
            ("officer-digest", "zh-CN", "text", "ee1618b1250b006c29b15c84c5161e07d1691b2b2fa0691e5775276952330903"),
            ("officer-digest", "zh-CN", "html", "7a71d7b4ea579fa7daf9fe2473a1a78d86a2389295e165b6cfd75d2bb26f65ab"),
            ("officer-digest", "en", "subject", "33527faf58e400758dc2978866865434412d5142e50e41e0dc18da825b5ca043"),
            ("officer-digest", "en", "text", "e3fc118ab88da75499d6d77d86f8994c1f660bda352ca2b74d94049a9490189d"),
            ("officer-digest", "en", "html", "c745490c4a2d7b6751300bfac1935f71f505b6b73c48fe19f0209e0962c9a881"),
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
