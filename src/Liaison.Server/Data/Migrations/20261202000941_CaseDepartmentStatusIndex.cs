using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class CaseDepartmentStatusIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_status_department_code",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "ix_cases_department_code_status_id",
                table: "cases",
                columns: new[] { "department_code", "status", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_department_code_status_id",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "ix_cases_status_department_code",
                table: "cases",
                columns: new[] { "status", "department_code" });
        }
    }
}
