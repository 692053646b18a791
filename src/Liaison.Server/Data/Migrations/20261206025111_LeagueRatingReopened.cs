using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <summary>
    /// The league table counts a 重办 after the enterprise's unsatisfied rating (a follow-up case) as a reopening of the
    /// department whose round the case was in: `rating-reopened` entries are scored from now on (LeagueTable.Score).
    /// This stamps the existing ones as the product does, and has the daily roll-up count again from the start.
    /// </summary>
    public partial class LeagueRatingReopened : Migration
    {
        public static readonly string BackfillSql = LeagueInsists.Backfill("rating-reopened");

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(BackfillSql);
            migrationBuilder.Sql(LeagueInsists.RollUpAgainSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("UPDATE case_events SET department_code = NULL, round_started_at = NULL WHERE kind = 'rating-reopened';");
            migrationBuilder.Sql(LeagueInsists.RollUpAgainSql);
        }
    }
}
