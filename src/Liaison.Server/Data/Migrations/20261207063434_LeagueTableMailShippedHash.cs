using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class LeagueTableMailShippedHash : Migration
    {
        /// <summary>
        /// The league-table mail's HTML and text became a ranked list of department blocks (read on phones). Edits of
        /// those parts saved before the fingerprint was kept were saved against the previous text (or an older one):
        /// the previous release's fingerprint is set, so those edits are pointed out as behind the shipped text.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("league-table", "zh-CN", "html", "1df6b4f21a7c25ef7fa2756a774f14ee9530275c654900d92e9c91419de04a09"),
            ("league-table", "zh-CN", "text", "dbc05d976707cde9f7b62f630c4151a8c59da6e96440fc086fd93dafb6c657af"),
            ("league-table", "en", "html", "5d0494d121e6de8c6a4a08f03eb7e4a127943e2453ed271d3f17325380310924"),
            ("league-table", "en", "text", "738e2d8ebd500d3f6cdbbcbf6d6b32740ccd9469f1d36cf61c7b45e5aec86104"),
        ];

        /// <summary>The statements of <see cref="Up"/> (<see cref="ShippedHashes.Statements"/>).</summary>
        public static IEnumerable<string> Statements() => ShippedHashes.Statements(PreviousShipped);

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => ShippedHashes.Apply(migrationBuilder, PreviousShipped);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to undo: the column stays, and a fingerprint once set is as good as one saved.
        }
    }
}
