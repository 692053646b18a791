using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class VisitRequestId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "request_id",
                table: "enterprise_visits",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_enterprise_visits_request_id",
                table: "enterprise_visits",
                column: "request_id",
                unique: true,
                filter: "request_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_enterprise_visits_request_id",
                table: "enterprise_visits");

            migrationBuilder.DropColumn(
                name: "request_id",
                table: "enterprise_visits");
        }
    }
}
