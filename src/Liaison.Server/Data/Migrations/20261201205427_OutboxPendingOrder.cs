using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class OutboxPendingOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_mail_outbox_status_next_attempt_at",
                table: "mail_outbox");

            migrationBuilder.CreateIndex(
                name: "ix_mail_outbox_failed",
                table: "mail_outbox",
                column: "created_at",
                filter: "status = 'Failed'");

            migrationBuilder.CreateIndex(
                name: "ix_mail_outbox_pending",
                table: "mail_outbox",
                columns: new[] { "created_at", "id" },
                filter: "status = 'Pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_mail_outbox_failed",
                table: "mail_outbox");

            migrationBuilder.DropIndex(
                name: "ix_mail_outbox_pending",
                table: "mail_outbox");

            migrationBuilder.CreateIndex(
                name: "ix_mail_outbox_status_next_attempt_at",
                table: "mail_outbox",
                columns: new[] { "status", "next_attempt_at" });
        }
    }
}
