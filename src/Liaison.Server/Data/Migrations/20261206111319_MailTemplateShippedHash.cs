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
            // release changed (the opening notice names a joint case's co-handlers), that is the previous release's text:
            // its fingerprint is set, so those edits are pointed out. Other older edits stay unknown (not pointed out).
            foreach (var (culture, part, hash) in new[]
            {
                ("zh-CN", "text", "e163dc7dbb7d2e9e3ad85615a4380763871155997a14cdbeb58cf50886e2cbda"),
                ("en", "text", "43eea8e04f9c13ee15bbfeea4eb5ef611ad0e09f0a9cc4411b73a4e97d2950b5"),
                ("zh-CN", "html", "6433fdd865c1ca92fe1e8dc64638c1c29a0941f9c96beda289268884f4eb1191"),
                ("en", "html", "761af840de7138669ff17ed72202b661ac76570fb786f2ed899d934e02cb8155"),
            })
            {
                migrationBuilder.Sql(
                    $"UPDATE mail_templates SET shipped_hash = '{hash}' WHERE kind = 'enterprise-opened' AND culture = '{culture}' AND part = '{part}' AND shipped_hash IS NULL;");
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
