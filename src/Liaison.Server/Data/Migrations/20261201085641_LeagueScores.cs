using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class LeagueScores : Migration
    {
        /// <summary>
        /// Scores what is already recorded the way LeagueTable.Score does from now on: each scored entry against the
        /// latest dispatched entry at or before it (by time, then id), whose data holds the round's deadlines.
        /// </summary>
        public const string BackfillSql = """
            UPDATE cases c SET
                round_department_code = r.data ->> 'department',
                round_started_at = r.at,
                round_accept_by = (r.data -> 'acceptBy' ->> 'due')::timestamptz
            FROM (
                SELECT DISTINCT ON (case_id) case_id, data, at FROM case_events
                WHERE kind = 'dispatched' AND jsonb_typeof(data -> 'department') = 'string'
                ORDER BY case_id, at DESC, id DESC) r
            WHERE r.case_id = c.id;

            UPDATE case_events e SET
                department_code = s.round ->> 'department',
                round_started_at = s.round_at,
                on_time = CASE e.kind
                    WHEN 'accept' THEN coalesce(e.at <= (s.round -> 'acceptBy' ->> 'due')::timestamptz, true)
                    WHEN 'resolve' THEN coalesce(e.at <= (s.round -> 'dueAt' ->> 'due')::timestamptz, true)
                END
            FROM (
                SELECT e.id, r.data AS round, r.at AS round_at
                FROM case_events e
                CROSS JOIN LATERAL (
                    SELECT d.data, d.at FROM case_events d
                    WHERE d.case_id = e.case_id AND d.kind = 'dispatched' AND (d.at, d.id) <= (e.at, e.id)
                        AND jsonb_typeof(d.data -> 'department') = 'string'
                    ORDER BY d.at DESC, d.id DESC
                    LIMIT 1) r
                WHERE e.kind IN ('dispatched', 'accept', 'return', 'extension', 'resolve', 'reopened')) s
            WHERE s.id = e.id;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "round_accept_by",
                table: "cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "round_department_code",
                table: "cases",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "round_started_at",
                table: "cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "department_code",
                table: "case_events",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "on_time",
                table: "case_events",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "round_started_at",
                table: "case_events",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.Sql(BackfillSql);

            migrationBuilder.CreateIndex(
                name: "ix_case_events_scored",
                table: "case_events",
                column: "at",
                filter: "department_code IS NOT NULL")
                .Annotation("Npgsql:IndexInclude", new[] { "kind", "department_code", "case_id", "on_time", "round_started_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_case_events_scored",
                table: "case_events");

            migrationBuilder.DropColumn(
                name: "round_accept_by",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "round_department_code",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "round_started_at",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "department_code",
                table: "case_events");

            migrationBuilder.DropColumn(
                name: "on_time",
                table: "case_events");

            migrationBuilder.DropColumn(
                name: "round_started_at",
                table: "case_events");
        }
    }
}
