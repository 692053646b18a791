using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class LeagueOverdueCovering : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_status_id",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "ix_cases_status_id",
                table: "cases",
                columns: new[] { "status", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "due_at", "department_code" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_status_id",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "ix_cases_status_id",
                table: "cases",
                columns: new[] { "status", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "due_at" });
        }
    }
}
