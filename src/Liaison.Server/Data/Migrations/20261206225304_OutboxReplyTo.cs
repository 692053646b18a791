using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class OutboxReplyTo : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "reply_to_address",
                table: "mail_outbox",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "reply_to_name",
                table: "mail_outbox",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "reply_to_address",
                table: "mail_outbox");

            migrationBuilder.DropColumn(
                name: "reply_to_name",
                table: "mail_outbox");
        }
    }
}
