using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <summary>
    /// The league table counts insists (坚持原派) against the department that returned the case: `insisted` entries are
    /// scored from now on (LeagueTable.Score). This stamps the existing ones as the product does, with the lead's round
    /// at that moment (the case's latest lead dispatch before the entry), and has the daily roll-up count again from
    /// the start, so the days it rolled up before include them.
    /// </summary>
    public partial class LeagueInsists : Migration
    {
        /// <summary>The stamps of the existing `insisted` entries; the league table test runs it too, to compare with the product's.</summary>
        public static readonly string BackfillSql = Backfill("insisted");

        /// <summary>Has the daily roll-up count again from the start, so the days it rolled up before take in new stamps.</summary>
        public const string RollUpAgainSql = "DELETE FROM league_days; UPDATE league_rollup_state SET rolled_before = NULL WHERE id = 1;";

        /// <summary>
        /// Stamps the existing lead entries of <paramref name="kind"/> as LeagueTable.Score would have: the department
        /// and start of the lead's round at that moment (the case's latest lead dispatch before the entry).
        /// </summary>
        public static string Backfill(string kind) => $"""
            UPDATE case_events e SET department_code = s.round ->> 'department', round_started_at = s.round_at
            FROM (
                SELECT e.id, r.data AS round, r.at AS round_at
                FROM case_events e
                CROSS JOIN LATERAL (
                    SELECT d.data, d.at FROM case_events d
                    WHERE d.case_id = e.case_id AND d.kind = 'dispatched' AND d.part_id IS NULL AND (d.at, d.id) <= (e.at, e.id)
                        AND jsonb_typeof(d.data -> 'department') = 'string'
                    ORDER BY d.at DESC, d.id DESC
                    LIMIT 1) r
                WHERE e.kind = '{kind}' AND e.part_id IS NULL) s
            WHERE s.id = e.id;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(BackfillSql);
            migrationBuilder.Sql(RollUpAgainSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("UPDATE case_events SET department_code = NULL, round_started_at = NULL WHERE kind = 'insisted';");
            migrationBuilder.Sql(RollUpAgainSql);
        }
    }
}
