using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class PartExtensionCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "extension_count",
                table: "case_parts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // The requests made so far, from the timeline (a part's request is an 'extension' entry against it).
            migrationBuilder.Sql("""
                UPDATE case_parts p SET extension_count = x.n
                FROM (SELECT part_id, count(*)::int AS n FROM case_events WHERE kind = 'extension' AND part_id IS NOT NULL GROUP BY part_id) x
                WHERE x.part_id = p.id
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "extension_count",
                table: "case_parts");
        }
    }
}
