using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <summary>
    /// Mail sent before the relay masked personal links' tokens (OutboxRelay) loses them now, as mail sent from here on
    /// does: the same pattern as the log redaction (Hosting/LogRedaction.cs). The dev mailbox's rows keep theirs (the row
    /// is the mail there). Nothing to undo: the tokens are gone, as intended.
    /// </summary>
    public partial class MaskSentMailTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE mail_outbox SET text_body = regexp_replace(text_body, '(/[le]/)[A-Za-z0-9_-]{16,}', '\1***', 'g'),
                                       html_body = regexp_replace(html_body, '(/[le]/)[A-Za-z0-9_-]{16,}', '\1***', 'g')
                WHERE status = 'Sent' AND delivered_via IS DISTINCT FROM 'dev-mailbox'
                  AND (text_body ~ '/[le]/[A-Za-z0-9_-]{16,}' OR html_body ~ '/[le]/[A-Za-z0-9_-]{16,}')
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
