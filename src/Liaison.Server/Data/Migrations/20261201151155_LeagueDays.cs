using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class LeagueDays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "league_days",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    department_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    part = table.Column<bool>(type: "boolean", nullable: false),
                    kind = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    on_time = table.Column<bool>(type: "boolean", nullable: true),
                    round_day = table.Column<DateOnly>(type: "date", nullable: true),
                    next_day = table.Column<DateOnly>(type: "date", nullable: true),
                    count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_league_days", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "league_rollup_state",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    rolled_before = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_league_rollup_state", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "league_rollup_state",
                columns: new[] { "id", "rolled_before" },
                values: new object[] { 1, null });

            migrationBuilder.CreateIndex(
                name: "ix_league_days_day_department_code_part_kind_on_time_round_day",
                table: "league_days",
                columns: new[] { "day", "department_code", "part", "kind", "on_time", "round_day", "next_day" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "league_days");

            migrationBuilder.DropTable(
                name: "league_rollup_state");
        }
    }
}
