using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class DigestAndResolvedMailShippedHash : Migration
    {
        /// <summary>
        /// Three mails' HTML and text changed in this release: the handler's daily digest says a case's acceptance deadline
        /// while it is not accepted (签收期限), the officer's 【待确认办结】 says when the resolution withdrew an extension
        /// request, and the league table labels its column 延期申请 / Extension requests. Edits of those parts saved before
        /// the fingerprint was kept were saved against the previous text (or an older one): the previous release's
        /// fingerprint is set, so those edits are pointed out as behind the shipped text, as
        /// <see cref="LeagueTableMailShippedHash"/> did. Edits saved with a fingerprint need nothing: it differs now.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("handler-digest", "zh-CN", "html", "a6e2b9fca299289f88f76fd50d20c4f08b11a51d1c1fef2e52054b1f962bb545"),
            ("handler-digest", "zh-CN", "text", "2402d08b9d0b9f735dfd7f0c52e09eb6783c8d378fc75aa3f4654564c20f3da7"),
            ("handler-digest", "en", "html", "09bd88a019f698bb9f494200569103ad07ef61f5c38277b6bc3a8a0e0ca92f06"),
            ("handler-digest", "en", "text", "ac7a7b99db99fd06a10fd182344304082aafbb2862a35bb46903f04804741f5b"),
            ("resolved", "zh-CN", "html", "279b730bf8066e2e3d7333654207311cd55a7bdc980a5363fba7428817a3e8f6"),
            ("resolved", "zh-CN", "text", "917c977433c1ad85f198601674728dea3531732fb0dc6c824fbe71a29e2547be"),
            ("resolved", "en", "html", "debfebc2b523752d37a4ea25f79bc3321ba4228565dd88e71f88cb08fa763622"),
            ("resolved", "en", "text", "fa024be3247326d26d318fb49d228380274107329bb80a89fb90fc776516f0e3"),
            ("league-table", "zh-CN", "html", "3ce7d44ad5f6e8bc27c1a26d2c7a7f93c3529f3cf385226863949c14fec1fdad"),
            ("league-table", "zh-CN", "text", "0fabbaa7ceec88fb37f0bf0307559517bde59a0cea9529e7d5a22379754da4aa"),
            ("league-table", "en", "html", "9d6df970f3da1037d5827bd3d43a120ec079415b5d7348870e1756fb1122e4d6"),
            ("league-table", "en", "text", "b2a78a88979ca13e41ea529ab24b29cc91243735160531d3db977f1aa2ac768a"),
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
