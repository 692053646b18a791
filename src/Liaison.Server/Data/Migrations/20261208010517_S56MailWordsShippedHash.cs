using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class S56MailWordsShippedHash : Migration
    {
        /// <summary>
        /// Mail words from a liaison's walk-through: the leader's copy of a dispatch sent back to the department (坚持原派)
        /// says so, not that a new case came in; the English dispatch to a co-handler names the lead as the leader's copy
        /// does; 【主办部门变更】 has a leader's words for the co-handler's leader now copied on it; an extension approved
        /// for fewer days than asked says so in its first words; the officer's 【退回】 for a request the enterprise
        /// withdrew offers cancelling the case (撤销) too. Edits of those parts saved before the fingerprint was kept were
        /// saved against the previous text: the previous release's fingerprint is set, so those edits are pointed out as
        /// behind the shipped text.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("dispatch-leader-copy", "zh-CN", "subject", "3d3b526ad72c6d6027498b647e364c14235e7757203d4323c30cc412774f917e"),
            ("dispatch-leader-copy", "zh-CN", "text", "1e325bc81d738531e5dd15d1642aaac25ee8b7017f8582d17ef0a0882d1e6bdb"),
            ("dispatch-leader-copy", "zh-CN", "html", "b8f7cfeafb33de306d8e7e8c7dfbae2efae0552cfa0f6785e27399c01ccec153"),
            ("dispatch-leader-copy", "en", "subject", "1ec90eeba70a760f8626efabf0f495e22d94618c14b1e991a8fd927ce7c3aefa"),
            ("dispatch-leader-copy", "en", "text", "4ae161b83143f70c1c9dc5f7847f8191479ba4e8a809b6c65c9219be1485fa24"),
            ("dispatch-leader-copy", "en", "html", "d07193e193aeb8d49bbc0bbffd5230204e310d73d7f0b7918c1b0b50c469d3f9"),
            ("dispatch", "en", "text", "74b207ad2034480826ec986a46ee0c48c226b4d3cae454a91c793886ff215f28"),
            ("lead-changed", "zh-CN", "text", "fbe829871a04213c6354538456753638574f63b250d0339c4c3010c2d81cf3e9"),
            ("lead-changed", "zh-CN", "html", "74bd6457d865ba4623f4d8620a6733a7ba9ae511e28c5038f15d69f16266218b"),
            ("lead-changed", "en", "text", "590c65741a0b175777ae5b8368eaac0ef9ccf3a0e6cbfa87edf5b0309cc0842a"),
            ("lead-changed", "en", "html", "f628fb6a409dbed8596fd080d5bf142567e7928953b1ecf172c477edce9f9cc3"),
            ("extension-decided", "zh-CN", "text", "45310b4436fbfb71b9af590eae61d92688d250c99c54946e47a1b37ab15e7c9b"),
            ("extension-decided", "zh-CN", "html", "f02d437582bc587ca677f994b6f001b74abbd0b684279d6b0f7a0edd16e8dcb9"),
            ("extension-decided", "en", "text", "7345d07e4e3fa387650229dcd8bc8282385eb5469319c1f6f0dbe43e695d4841"),
            ("extension-decided", "en", "html", "545b61c6cf98ec1d8cc9809113c66f4476986284c2726bc57c1d793728c53ca7"),
            ("returned", "zh-CN", "text", "7db8c99784331643ed30fa65e8c4f2db51d748febba0c3497e8f7b41eb31ad50"),
            ("returned", "zh-CN", "html", "b716fbc1e8ad4dde4f9bbb2a17bc5ba29bd31cd208b7c4b7c5cb62c9e39fcc5e"),
            ("returned", "en", "text", "ab2445c91d58d566ab79fd4e7624c0f3bc6feeae9b45dd392719caecf7360ca0"),
            ("returned", "en", "html", "f9db0aefdc35958c233a0659aa256ca51a7940fc6b18a0afbed7543a39da54b9"),
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
