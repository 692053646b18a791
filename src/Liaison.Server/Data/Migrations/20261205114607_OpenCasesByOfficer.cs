using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class OpenCasesByOfficer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_cases_open_by_officer",
                table: "cases",
                columns: new[] { "officer_id", "id" },
                filter: "status IN ('Dispatched', 'Accepted', 'InProgress', 'Returned', 'Resolved')")
                .Annotation("Npgsql:IndexInclude", new[] { "status", "due_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_open_by_officer",
                table: "cases");
        }
    }
}
