using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class CaseListDecisionFilter : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_cases_pending_extension",
                table: "cases",
                column: "id",
                filter: "pending_extension_days IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_case_parts_pending_extension",
                table: "case_parts",
                column: "case_id",
                filter: "pending_extension_days IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_pending_extension",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "ix_case_parts_pending_extension",
                table: "case_parts");
        }
    }
}
