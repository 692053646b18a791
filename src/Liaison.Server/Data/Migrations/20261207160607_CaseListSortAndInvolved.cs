using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class CaseListSortAndInvolved : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_cases_running_due",
                table: "cases",
                columns: new[] { "due_at", "id" },
                filter: "status IN ('Dispatched', 'Accepted', 'InProgress', 'Returned')");

            migrationBuilder.CreateIndex(
                name: "ix_cases_updated_at_id",
                table: "cases",
                columns: new[] { "updated_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_case_events_dispatched",
                table: "case_events",
                columns: new[] { "department_code", "case_id" },
                filter: "kind = 'dispatched'")
                .Annotation("Npgsql:IndexInclude", new[] { "part_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_running_due",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "ix_cases_updated_at_id",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "ix_case_events_dispatched",
                table: "case_events");
        }
    }
}
