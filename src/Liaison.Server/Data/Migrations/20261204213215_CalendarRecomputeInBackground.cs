using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class CalendarRecomputeInBackground : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "recompute_candidates",
                table: "calendar_years",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "recompute_checked",
                table: "calendar_years",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "recompute_cursor",
                table: "calendar_years",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "recompute_finished_at",
                table: "calendar_years",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "recompute_requested_at",
                table: "calendar_years",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "recomputed_cases",
                table: "calendar_years",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "ix_calendar_years_recompute_requested_at",
                table: "calendar_years",
                column: "recompute_requested_at",
                filter: "recompute_finished_at IS NULL AND recompute_requested_at IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_calendar_years_recompute_requested_at",
                table: "calendar_years");

            migrationBuilder.DropColumn(
                name: "recompute_candidates",
                table: "calendar_years");

            migrationBuilder.DropColumn(
                name: "recompute_checked",
                table: "calendar_years");

            migrationBuilder.DropColumn(
                name: "recompute_cursor",
                table: "calendar_years");

            migrationBuilder.DropColumn(
                name: "recompute_finished_at",
                table: "calendar_years");

            migrationBuilder.DropColumn(
                name: "recompute_requested_at",
                table: "calendar_years");

            migrationBuilder.DropColumn(
                name: "recomputed_cases",
                table: "calendar_years");
        }
    }
}
