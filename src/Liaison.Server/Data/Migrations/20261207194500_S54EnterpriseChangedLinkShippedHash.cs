using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class S54EnterpriseChangedLinkShippedHash : Migration
    {
        /// <summary>
        /// The enterprise's 【事项进展】 (its case went to another department, or its resolve deadline moved) carries a
        /// link to the case's progress page, as its 【已受理】 does. Edits of those parts saved before the fingerprint was
        /// kept were saved against the previous text: the previous release's fingerprint is set, so those edits are
        /// pointed out as behind the shipped text.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("enterprise-changed", "zh-CN", "text", "9e70007ffb2b9d1fec6fad4b965cccd44571aa7db972913a99c991c92a498aa7"),
            ("enterprise-changed", "zh-CN", "html", "7a16b0219b6fd99c9c80ecb5b351681b2d768e223332e5e8e7b2e4dabea4a145"),
            ("enterprise-changed", "en", "text", "90e7f458d09052fbadbeb6e51100608719e09343d09a5087bf0a205b645e680a"),
            ("enterprise-changed", "en", "html", "1dcd4e74fea45843fd5957a4f445c0ecb93f0540c468f671ec707b46f23057d5"),
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
