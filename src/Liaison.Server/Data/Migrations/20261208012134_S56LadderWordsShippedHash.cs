using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class S56LadderWordsShippedHash : Migration
    {
        /// <summary>
        /// The escalation ladder's words: a co-handler's 【超期督办·协办】 and the zone's 【督办升级·协办·…】 speak of the part
        /// (协办提交期限, 主办部门, 协办任务) and name the late co-handler; a leader's copy of 【催签收】 and 【超期督办】 asks them
        /// to see that the handler acts; the due reminder, red notice and zone escalation say an extension request waits for
        /// the zone; the handler digest says 今天 18:00 到期 and 签收已超期. Edits of those parts saved before the fingerprint
        /// was kept were saved against the previous text: the previous release's fingerprint is set, so those edits are
        /// pointed out as behind the shipped text.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("overdue", "zh-CN", "subject", "5af27bf2098a36a1c1f1c6fd128ee2764efb5feb1ebb3021a28da1c4ff9b4867"),
            ("overdue", "zh-CN", "text", "cd02993529ee2e5238bf4f6b1fd3855c61bbfea9dd28e57c541aa7e47b87b2f1"),
            ("overdue", "zh-CN", "html", "a26ed49dc23ec124fa39f72b1d9ad2b8ddd722d12a8a4a5b8f5252ec6af9b9e3"),
            ("overdue", "en", "subject", "ad7277b625a243611df3b75201305769b80363c92b2c3427df364c62d1e31945"),
            ("overdue", "en", "text", "4a3d14221bb7081df2e72581cf1c80b9096eee6a1953ce7b34698b1378b260be"),
            ("overdue", "en", "html", "65bc3a572150ae07606030546e790e035e55465dab4f47422664560e8369ac90"),
            ("escalation-zone", "zh-CN", "subject", "5bdc70baa979fd3859e5a84feeb1b1c6c9a642a0e42ef1636b214ce1977660b9"),
            ("escalation-zone", "zh-CN", "text", "6286c4ee9569fc4cd292b81fa7ec3785d2a4e8588f0e96d9fc7c0753f1664796"),
            ("escalation-zone", "zh-CN", "html", "cd3da81c5f5cfdac9e138718d6b3666ca1f65589bc87afe661a30f06bf3f5467"),
            ("escalation-zone", "en", "subject", "6edf0709ceb9829d7dec7b41dd54d740a670ada56ecca1fb8a65c809c6fd901a"),
            ("escalation-zone", "en", "text", "2acf0e778131135dfe7e0f49737239f325c715490165436341ac3902aa6f4bb3"),
            ("escalation-zone", "en", "html", "15607f47bf77d877760aba43f5409dacf133544c275441c5b881dc2a6db62ebe"),
            ("accept-reminder", "zh-CN", "text", "5891c0a5acced48e1d05885315f18ec8ec27192f6334db81e7f78f857fe5af95"),
            ("accept-reminder", "zh-CN", "html", "32021a0eb3092fe1f3d0a959fa476d586e3c56d14d24b0dd3c5d03d27e15b4cc"),
            ("accept-reminder", "en", "text", "258d0bbeb15aa2475de9b1405726a78055c48d8acc2df0bb8285ca14a24a920a"),
            ("accept-reminder", "en", "html", "a0cff53cc058e7d5adc455461c2ff33c89b6afa2710196eca389eca35fb0835e"),
            ("due-reminder", "zh-CN", "text", "899b50a647488cc4ca25c3fff95bf438705e863e489b88302b4ed164677e51ea"),
            ("due-reminder", "zh-CN", "html", "9db54e4d7cda59f37ebbb1c6479b290fd12d9e623549ed8ab5919dd3150ad295"),
            ("due-reminder", "en", "text", "f7e2f3c4eb9ef94ed45695c3341ac508e34436ae3770c21d9a55089533763fce"),
            ("due-reminder", "en", "html", "974b5b75c1b7f915a1d3c7ed90b8d1b87a306512763d196d77ac136703b2af60"),
            ("handler-digest", "zh-CN", "subject", "5bfa5c8f0fdbe0b937a31769540d35efd66adc594b8cefee1fd16190e4848796"),
            ("handler-digest", "zh-CN", "text", "f31734abf9a962d7e2235b6e4760f72ed6572b8d0f7ae41853fbaefbc238b96d"),
            ("handler-digest", "zh-CN", "html", "67d36ca2ed9e77cbde21a64ab4c08af1798af81dc4d064a218cb0ce9fa7803e7"),
            ("handler-digest", "en", "subject", "e82d20d46e6e17cc12215f19e90912c5dc65cb35da00c4ee05c57b5cf3e67d67"),
            ("handler-digest", "en", "text", "ed1c6b40d654d5b03faeda5462c876c9aff7dcfa1a064813f434f200e1a4da1f"),
            ("handler-digest", "en", "html", "1fa86bdcf8135cf864078b153bbca19abe516bb666d52168b507b69d767224eb"),
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
