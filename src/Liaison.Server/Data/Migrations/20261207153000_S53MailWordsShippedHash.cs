using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class S53MailWordsShippedHash : Migration
    {
        /// <summary>
        /// The 【派单】 mail says a reassignment (改派) from which department with the officer's note, also when the case was
        /// not returned, and a co-handler asked again on a reopening reads 重办, the reason and whether it had submitted; the
        /// 【重办】 mail names the co-handlers asked again; the 【转交】 mail words a co-handling part as a part (no 责任部门,
        /// submit rather than resolve, accept only when not accepted yet); the 【协办意见已提交】 mail says the case can be
        /// resolved once every part is in. Edits of those parts saved before the fingerprint was kept were saved against
        /// the previous text (or an older one): the previous release's fingerprint is set, so those edits are pointed out
        /// as behind the shipped text.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("dispatch", "zh-CN", "subject", "d5e3688ac1d47bcbb28c2cc7d1d4c5040d8eff01c22e2ec838f08fbd91392d41"),
            ("dispatch", "zh-CN", "text", "5c4558db5cf119b7277cea44d529f25a28e1aed0c57e64c629f77e27b28434c4"),
            ("dispatch", "zh-CN", "html", "9286bc26a65d16521d57ec55d22e815c2e8b501fd5bba38732e1d5f6e88d9224"),
            ("dispatch", "en", "subject", "af58270f868e23515810e3092e8595f36cc35ab0993369394f92646edf718b2d"),
            ("dispatch", "en", "text", "6d172e901671d53b3f22a118896d4105d9d395a027cfa56298096be1d81b15a9"),
            ("dispatch", "en", "html", "3199882c97e4feb0d4fcbff852e4c5e35f85607eb4cf4fb12192f0114c4d5f3b"),
            ("reopened", "zh-CN", "text", "4ef712ed336d7e4f871d248556f6607961fb35037c1cdb78917d1c2b46ff7ab5"),
            ("reopened", "zh-CN", "html", "06831902332024013f0a4ec14541c49c7db12b9fa725c8598a8f241f99f9d019"),
            ("reopened", "en", "text", "02e294cd37e90e8313a17783bff3b3e0b6ba2724da3549c30191648ff4ad7f8f"),
            ("reopened", "en", "html", "37a01294da0254281445d02a9dbeabfdebf096d5518a3e6d3775c81ed3a6a79c"),
            ("handler-handover", "zh-CN", "text", "979104cce81475aad0cabbb2f83e1cbf76f6820c219363bd9702f86ded0c7906"),
            ("handler-handover", "zh-CN", "html", "65622100483d6910d7bec4bedf4a9e851a061c129f260a8e08faa710043f366d"),
            ("handler-handover", "en", "text", "ee3c25f9b30c2a68e3760ae3057945b224b48066e1ce0fa4b05750e53b1b2cc4"),
            ("handler-handover", "en", "html", "a0222caf445c5bac56f725870523e0192be3f3d742ae8bdf43d7180a6d377879"),
            ("part-submitted", "zh-CN", "text", "54d0e05c3286732c1fd7042cb2e420328c3c7c3a16e655b295312f61734ff0fd"),
            ("part-submitted", "zh-CN", "html", "97b50597b183dd204cf892b48a13c06553df2d72bfae9f62b90d8206618f8a1c"),
            ("part-submitted", "en", "text", "c4cf422100737f28189b5b3ed08f18b2409d41da83e6608422c2ea0a9749215f"),
            ("part-submitted", "en", "html", "b6661ff35b2f2e51eba0982518a7c2fbb35797fe958fab0a8bfc37f558140e60"),
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
