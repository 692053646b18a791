using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class CaseListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_cases_department_code_id",
                table: "cases",
                columns: new[] { "department_code", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_cases_status_id",
                table: "cases",
                columns: new[] { "status", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_department_code_id",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "ix_cases_status_id",
                table: "cases");
        }
    }
}
