using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class S54PartMailWordsShippedHash : Migration
    {
        /// <summary>
        /// The leader's copy of a co-handler's dispatch on a reopening (【派单抄送·协办·重办】) says the part is asked again,
        /// why and whether it had submitted, and names the part's task; the new leader's 【分管转交】 for a co-handling part
        /// says it oversees the department's part (协办任务, 提交协办意见), not the lead case, and shows the acceptance deadline
        /// only while not accepted. Edits of those parts saved before the fingerprint was kept were saved against the
        /// previous text: the previous release's fingerprint is set, so those edits are pointed out as behind the shipped text.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("dispatch-leader-copy", "zh-CN", "subject", "455b7d7e9dfd18c9031f7efe3b2e57f3e780d672027028cbfa70ac513b0759f4"),
            ("dispatch-leader-copy", "zh-CN", "text", "f4be0ea097a7f18daabc001195225a24ec9cc02862f04515e87100bbc2bbbd9c"),
            ("dispatch-leader-copy", "zh-CN", "html", "88530cd2271ad7034e93742fb16a28a29239681cb75118adca8fa2327fc53d89"),
            ("dispatch-leader-copy", "en", "subject", "d5c8562a0f0ab9cc52e108645f94cd5f55050c451441b6928c54eae574454d05"),
            ("dispatch-leader-copy", "en", "text", "59eab19b8158961db9a325744b122278215ad0a2156d5a200a5a451946139aae"),
            ("dispatch-leader-copy", "en", "html", "20145f4cbf0ae4cb98e5a067af688726f86bebc218e17d2dafb8ab4fb11c9eee"),
            ("leader-handover", "zh-CN", "subject", "c58918429cc21be97ec8761f2d69cc5411d7487ddb83a90d33b3c380f2322b96"),
            ("leader-handover", "zh-CN", "text", "7002295dd60293b5d748956db77dae0c32c9c253da0b70cae75e61ffe5fe9136"),
            ("leader-handover", "zh-CN", "html", "6d1eb155b562a37c2843c415ad2a604094ddd804ad4e8603efddf7cbd7f53701"),
            ("leader-handover", "en", "subject", "63ef8427ec8e13da5d8f21bc425c1cbd901860230207c608d08d249ccb692a94"),
            ("leader-handover", "en", "text", "41f8ba248e74e569333cee28e57118ec5691ec967f733542119756c2ab7ab873"),
            ("leader-handover", "en", "html", "0dad59d3d92974f8ea26081fb60bb5cbbd219ec507aa572c30100e5fa7615f88"),
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
