using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class PartExtensions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "pending_extension_days",
                table: "case_parts",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pending_extension_reason",
                table: "case_parts",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "pending_extension_days",
                table: "case_parts");

            migrationBuilder.DropColumn(
                name: "pending_extension_reason",
                table: "case_parts");
        }
    }
}
