using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class CaseListFiltersAndCreditCodePrefix : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_enterprises_credit_code_prefix",
                table: "enterprises",
                column: "credit_code")
                .Annotation("Npgsql:IndexOperators", new[] { "text_pattern_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_cases_created_at",
                table: "cases",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_cases_key_enterprise",
                table: "cases",
                column: "id",
                filter: "enterprise_is_key");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_enterprises_credit_code_prefix",
                table: "enterprises");

            migrationBuilder.DropIndex(
                name: "ix_cases_created_at",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "ix_cases_key_enterprise",
                table: "cases");
        }
    }
}
