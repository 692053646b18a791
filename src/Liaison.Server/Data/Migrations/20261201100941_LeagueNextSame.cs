using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class LeagueNextSame : Migration
    {
        /// <summary>
        /// Links each scored dispatch and resolution to the next one of the same kind, case and department, as
        /// CaseTimeline.SupersedeEarlierAsync does from now on (ordered by time, then id).
        /// </summary>
        public const string BackfillSql = """
            UPDATE case_events e SET next_same_at = n.next_at
            FROM (
                SELECT id, lead(at) OVER (PARTITION BY case_id, kind, department_code ORDER BY at, id) AS next_at
                FROM case_events
                WHERE department_code IS NOT NULL AND kind IN ('dispatched', 'resolve')) n
            WHERE n.id = e.id AND n.next_at IS NOT NULL;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_case_events_scored",
                table: "case_events");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_same_at",
                table: "case_events",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.Sql(BackfillSql);

            migrationBuilder.CreateIndex(
                name: "ix_case_events_scored",
                table: "case_events",
                column: "at",
                filter: "department_code IS NOT NULL")
                .Annotation("Npgsql:IndexInclude", new[] { "kind", "department_code", "case_id", "on_time", "round_started_at", "next_same_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_case_events_scored",
                table: "case_events");

            migrationBuilder.DropColumn(
                name: "next_same_at",
                table: "case_events");

            migrationBuilder.CreateIndex(
                name: "ix_case_events_scored",
                table: "case_events",
                column: "at",
                filter: "department_code IS NOT NULL")
                .Annotation("Npgsql:IndexInclude", new[] { "kind", "department_code", "case_id", "on_time", "round_started_at", "id" });
        }
    }
}
