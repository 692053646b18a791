using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class WorkflowShippedVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "shipped_version",
                table: "workflow_definitions",
                type: "integer",
                nullable: true);

            // Versions imported before this column existed: the shipped files' version ids name their number
            // (case-routing-v6). Anything else counts as an admin's, so a later shipped version never replaces it unasked.
            migrationBuilder.Sql("UPDATE workflow_definitions SET shipped_version = version WHERE version_id = definition_id || '-v' || version;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "shipped_version",
                table: "workflow_definitions");
        }
    }
}
