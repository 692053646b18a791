using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class CoHandlingRemindersShippedHash : Migration
    {
        /// <summary>
        /// The due-soon reminder (即将到期), the leader's reminder (领导督促) and the officer's urge (催办) about a co-handling
        /// part now say so (subject ·协办, the task, the lead department, 提交期限 and 提交协办意见); the due-soon reminder
        /// also says when the case is not accepted yet, with its 签收期限. The reopen mail (重办) calls its deadline 办结期限 /
        /// Due date, not new: a reopening never shortens the deadline, so it may keep the date the case had. Edits of those parts saved before the
        /// fingerprint was kept were saved against the previous text (or an older one): the previous release's
        /// fingerprint is set, so those edits are pointed out as behind the shipped text.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("leader-reminder", "zh-CN", "subject", "4fd6f257c216b3fbd20d5ce54def9e73811df7b9cc09956f2c66f555beafeb4e"),
            ("leader-reminder", "zh-CN", "html", "9a987675fb88a65979a9899eaca83a79a59134b486af5dfc1c8eb90b055a9b42"),
            ("leader-reminder", "zh-CN", "text", "1c1abc69506a89b2528bbc1cecbbae2e484d47ddd9a9f9c12f59fc836d1d2648"),
            ("leader-reminder", "en", "subject", "94885106d5e15fc23e6f4c5085930d79c604584bf13049bc353ace2d7d4f1fef"),
            ("leader-reminder", "en", "html", "0504c97f43e6720af6fea3e833599c385d0696bd6d36118273a95ae6f50ba632"),
            ("leader-reminder", "en", "text", "6445627045b1ad729782075e9962fd2f3665aeda9e57770fde04980efae08f0f"),
            ("officer-urge", "zh-CN", "subject", "848d0e6bbdc7b1772f48afec242e846ef6de2da30c42af93776bb2f38cd89a1d"),
            ("officer-urge", "zh-CN", "html", "14993c70c70731de6e0eb296a5227b597b408cf5df54c48d0821bf04504af5b1"),
            ("officer-urge", "zh-CN", "text", "ff513f00b0e402bc823421e9dc748dd9e1bd239734d6d4da7ca10c2ef976f59a"),
            ("officer-urge", "en", "subject", "4b3e2aa3ec5ba04d14ec724db71f973648ab027cfaa77aae0c37caab7baef1da"),
            ("officer-urge", "en", "html", "44039f5251df73c0f8d91817fcc04b2713c529e21d9887ffe91fc36ba9780f3c"),
            ("officer-urge", "en", "text", "45a81bbeb406c7da8e9169c2a2291d41bfcc27ea9171b179583e698852ccf9bc"),
            ("due-reminder", "zh-CN", "subject", "f3df35611cec8fa0752752d10a9fc5bb5754d48aebb5033f526e847491e0ae92"),
            ("due-reminder", "zh-CN", "html", "69060f828e81365ba44796d17571b6c6fcdb0230c4fd581a4ab121a051466243"),
            ("due-reminder", "zh-CN", "text", "74f1e4e89d64a20582cd5f8e785eca98d1605ac527d5f0d0ca257fe39de39b30"),
            ("due-reminder", "en", "subject", "93a4c0780c66f005ba9ad950da3266e040a1df87bb16acb306b4ab6cdd385ccd"),
            ("due-reminder", "en", "html", "7effc21044023acf9f98b3c95a69d3de82affec7b33ca8f1c19bf8cffbfe27ac"),
            ("due-reminder", "en", "text", "216b2c4cdb9afb126465f889219ecf7192ebb57e3c9e038db0e7bc4d26a8c5f5"),
            ("reopened", "zh-CN", "html", "83766bbd6e0995728ed9caa9090a60c2cfdf5cd6e11ea0b280fff7595e6282a7"),
            ("reopened", "zh-CN", "text", "4441dd0d08514e80105bab4f8496ec65d075b5373cd3cd43bc2d0aa7a5a9c756"),
            ("reopened", "en", "html", "6035009ebbb3413d95257b1f4b9c05a0ea7e9e17a177805d90a12f7433a8356b"),
            ("reopened", "en", "text", "bb71b439ec9569ca669c7b9986e0ca6076fe5529c441be7f5628d9186e6341fc"),
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
