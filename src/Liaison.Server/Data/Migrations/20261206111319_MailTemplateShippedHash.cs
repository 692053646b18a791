using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class MailTemplateShippedHash : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "shipped_hash",
                table: "mail_templates",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            // Edits saved before the fingerprint was kept were saved against an older shipped text. For the parts this
            // release changed (the opening notice names a joint case's co-handlers; a co-handler's extension decision
            // speaks of its submit deadline; a co-handler is told when the whole case was cancelled), that is the previous release's text: its fingerprint is set, so those edits
            // are pointed out. Other older edits stay unknown (not pointed out).
            foreach (var (kind, culture, part, hash) in new[]
            {
                ("enterprise-opened", "zh-CN", "text", "e163dc7dbb7d2e9e3ad85615a4380763871155997a14cdbeb58cf50886e2cbda"),
                ("enterprise-opened", "en", "text", "43eea8e04f9c13ee15bbfeea4eb5ef611ad0e09f0a9cc4411b73a4e97d2950b5"),
                ("enterprise-opened", "zh-CN", "html", "6433fdd865c1ca92fe1e8dc64638c1c29a0941f9c96beda289268884f4eb1191"),
                ("enterprise-opened", "en", "html", "761af840de7138669ff17ed72202b661ac76570fb786f2ed899d934e02cb8155"),
                ("extension-decided", "zh-CN", "text", "5aeb27c8cda7cacea50c8b8931b2e8dc06c6469e12f0e50f40dd8f2f036a385c"),
                ("extension-decided", "en", "text", "172147159a520706ec3794a021d61db24d561c5dbc2464e3a0d97c093cf82495"),
                ("extension-decided", "zh-CN", "html", "2f8854f9102dc1c58016c353f37075aa470a5badbfc97c67bf6bc4be672e9046"),
                ("extension-decided", "en", "html", "6e9016ea1164ae06d3affda7bc296496bee628749dcd39c3af0d0d076b46e2a8"),
                ("cancelled", "zh-CN", "text", "c8c8eb0d48c74cb1ab8b272b2134bd4c3dfcb68f2725c4931931dc7d51fa85d5"),
                ("cancelled", "en", "text", "76e31f0d6d27776f1c7f44527354693b7d018f32979ec10c4be11db00c499eb2"),
                ("cancelled", "zh-CN", "html", "1bd8a27584dc44220a767b3faca9259db56d24f53e23547b7b8d4c368f4f34af"),
                ("cancelled", "en", "html", "a590d21c154c6103692ce4b1923b0d0c119c6c3c36b0b3da103ac52df1bf2224"),
                ("cancelled", "zh-CN", "subject", "91e84666ff30722c73fdd7d0ddda78a6dfd842b22e4c478b335572a5a031741a"),
                ("cancelled", "en", "subject", "1ab1527261e15613b6aa4d4ee68e362d6e43912e2b55867263a515fe3d270ec9"),
            })
            {
                migrationBuilder.Sql(
                    $"UPDATE mail_templates SET shipped_hash = '{hash}' WHERE kind = '{kind}' AND culture = '{culture}' AND part = '{part}' AND shipped_hash IS NULL;");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "shipped_hash",
                table: "mail_templates");
        }
    }
}
