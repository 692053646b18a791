using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <summary>
    /// The outbox page and API find the mail sent to an address, letter case aside (OutboxApi.ToRecipient): "did the
    /// mail to this liaison go out?" in an outbox of millions. An expression index, so it lives here and not in the model.
    /// </summary>
    public partial class OutboxRecipientIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE INDEX ix_mail_outbox_lower_to ON mail_outbox (lower(to_address))");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_mail_outbox_lower_to");
        }
    }
}
