using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class RoundEndMailsShippedHash : Migration
    {
        /// <summary>
        /// The 【已销号】 mail now also goes to a joint case's co-handling departments and, to them, names the lead department
        /// and gives the lead's resolution as 办理结果 / Outcome; the 【已改派】 mail says where the case went (改派至 / Now
        /// with), labels the officer's note as the reason, and a leader's copy says it is one; so does a leader's copy of 【已撤销】 /
        /// 【协办已撤回】, which leaders now receive too. Edits of those parts saved before the fingerprint was kept
        /// were saved against the previous text (or an older one): the previous release's fingerprint is set, so those
        /// edits are pointed out as behind the shipped text.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("closed", "zh-CN", "html", "bf67d3cfddac8da4c23e187496b4606d331849ec2f33938d5fbb6ddcfe00887c"),
            ("closed", "zh-CN", "text", "627f634935f39694eba86d2848352a1a16b4852d0089c5192d852306120d5caa"),
            ("closed", "en", "html", "c68dbc3729240aa3a74235b605a2fb439b33b0ad7cbaa51d12f016134f742180"),
            ("closed", "en", "text", "abc22f965fa9d30e2f71119c29848a51d4819244db47c8cc50276e174b27e311"),
            ("reassigned-away", "zh-CN", "html", "a773ea4dc080c1daa8914fde44e5788f065b7b974165f7376a4a224a3d0961a2"),
            ("reassigned-away", "zh-CN", "text", "9de7b450fef8c435f85bcda86bb77f4887f959d72cb428dfb657b694d4eb6388"),
            ("reassigned-away", "en", "html", "285e4fb4fb1a7217858aca950be7aadb9b2ff3ccc1dade884d4e062508f3f35f"),
            ("reassigned-away", "en", "text", "d63cbb781ed8ffc59d97cfce03398b2eac294857b3e9ca1704f1633a90ecc294"),
            ("cancelled", "zh-CN", "html", "34d0f887ed71b64162975c32810f6456b21a97401ac59ee0da168c06f4aaa5bf"),
            ("cancelled", "zh-CN", "text", "ff2dacf12157d3e82120929e53bd41819ecf26ee999d23fce2347847a8e1f09b"),
            ("cancelled", "en", "html", "004cd137676829e299066d9f160a2720a46ca7fb751bb769ddbce50147c9a593"),
            ("cancelled", "en", "text", "f4b6962078b0e13db2abbd20ed9d1988e8b537f99cb3cb34aaeac7d37f8571e1"),
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
