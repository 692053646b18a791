using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class S55KeyEnterpriseUpdateShippedHash : Migration
    {
        /// <summary>
        /// The service team's 【重点企业·…】 copy tells of a reopening (重办) and a cancellation (撤销) too, with the
        /// officer's reason, and a cancelled case's shows no deadlines. Edits of its text and HTML saved before the
        /// fingerprint was kept were saved against the previous text: the previous release's fingerprint is set, so those
        /// edits are pointed out as behind the shipped text.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("key-enterprise-update", "zh-CN", "text", "77ff89c62ca7bc4599322e6fdc7f4aaaf92b749a919717d15c936d1e6cbe70e7"),
            ("key-enterprise-update", "zh-CN", "html", "fbb363ddcee9b68a7e484b1c049838eb9bbf891b66d82a5805ae3cb4cccd5b96"),
            ("key-enterprise-update", "en", "text", "925c2021bccc368e409cffd0409b49203f4a08ad6e26e96df82c48042aac35a2"),
            ("key-enterprise-update", "en", "html", "69ab8e415d452d848790deac65faf9b5976c9d49e932a6ad4d8b696a634779aa"),
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
