using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <summary>
    /// The outbox page and API find the mail sent to an address, letter case aside (OutboxApi.ToRecipient): "did the
    /// mail to this liaison go out?" in an outbox of millions, newest first from the index's end (the id is a UUIDv7).
    /// An expression index, so it lives here and not in the model. Built concurrently, outside the migration's
    /// transaction: every case action writes mail, and a plain build would hold them all for as long as it takes.
    /// </summary>
    public partial class OutboxRecipientIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_mail_outbox_lower_to ON mail_outbox (lower(to_address), id)", suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS ix_mail_outbox_lower_to", suppressTransaction: true);
        }
    }
}
