using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class S56MailFooterContrastShippedHash : Migration
    {
        /// <summary>
        /// Every mail's HTML footer (who sent it, where replies go, that the link is personal) and the digests' link
        /// fallbacks were light grey on grey, 2.3:1, under the 4.5:1 small text needs (axe-core: color-contrast, serious);
        /// they are now #4b5563. Edits of the HTML saved before the fingerprint was kept were saved against the previous
        /// text: the previous release's fingerprint is set, so those edits are pointed out as behind the shipped HTML.
        /// </summary>
        public static readonly (string Kind, string Culture, string Part, string Hash)[] PreviousShipped =
        [
            ("accept-reminder", "en", "html", "a0cff53cc058e7d5adc455461c2ff33c89b6afa2710196eca389eca35fb0835e"),
            ("accept-reminder", "zh-CN", "html", "32021a0eb3092fe1f3d0a959fa476d586e3c56d14d24b0dd3c5d03d27e15b4cc"),
            ("cancelled", "en", "html", "6b32783bc3d89284801d0f0757fa86e54b0931b05683d0682173f759a0e719d9"),
            ("cancelled", "zh-CN", "html", "be36587eb9b4bd5e6a2a64c726a2acd16ac444c6b85f93701696b211b5c10350"),
            ("closed", "en", "html", "a73b09321928f40310188de9e68c60e89f36b84cd74ddb19a83355729e607c92"),
            ("closed", "zh-CN", "html", "0b7e1ff5d8067823de5c53f3c7e94a2ee789ad80b74810fcb143bbde599f09fe"),
            ("deadline-moved", "en", "html", "d33d799eec15aa468b8d162eaef06733c1234f63eb2bb3f652931c011468066c"),
            ("deadline-moved", "zh-CN", "html", "a836468c9a81eb8dafeeccc207cb84c67f07e26b8b91777400432673e74faff2"),
            ("dispatch-leader-copy", "en", "html", "d07193e193aeb8d49bbc0bbffd5230204e310d73d7f0b7918c1b0b50c469d3f9"),
            ("dispatch-leader-copy", "zh-CN", "html", "b8f7cfeafb33de306d8e7e8c7dfbae2efae0552cfa0f6785e27399c01ccec153"),
            ("dispatch", "en", "html", "e4555bb7a7defaa9d41226ede4c096430ff2d9b31bfa4a89de24a674b3c97b14"),
            ("dispatch", "zh-CN", "html", "e2af3ebaf15da7f74582bcf8ed3a1bceed0b16638f5d1ebaad9c394a00d2dfa0"),
            ("due-reminder", "en", "html", "974b5b75c1b7f915a1d3c7ed90b8d1b87a306512763d196d77ac136703b2af60"),
            ("due-reminder", "zh-CN", "html", "9db54e4d7cda59f37ebbb1c6479b290fd12d9e623549ed8ab5919dd3150ad295"),
            ("enterprise-answered", "en", "html", "5e8a9113282a66bcfdd4994e193dc89e38b73dce078f33f1dc94ada16744160f"),
            ("enterprise-answered", "zh-CN", "html", "2ee12499694bda1aee5ba92996740071887d0feea5560923d841e45396921343"),
            ("enterprise-cancelled", "en", "html", "6e5e050920692c2c1b5ee4ec7a3d38cbe5c2cd73da2f8b15b2cc15b038373670"),
            ("enterprise-cancelled", "zh-CN", "html", "9007092a73cbaac32f1e3c0d2aa19d3652c27875ed1b04d09d2386f47f6d2110"),
            ("enterprise-changed", "en", "html", "63f83fa4d34641c2a8ab3730908ddd8973c6b1d9d587c6a56004cfded858244e"),
            ("enterprise-changed", "zh-CN", "html", "e8ecaf6cacac6685ef40e6b8ebfa24a2b8addcb666e0f5f77bd6c2423141dc23"),
            ("enterprise-opened", "en", "html", "449216dfe0b7d6c5272c20e1783630ccf671a203eedd4e25f4b2bb354c3c7321"),
            ("enterprise-opened", "zh-CN", "html", "b61f1a01b127d4222d577b61ff80c057658f075b45a04e7055f9f1a0438984ec"),
            ("enterprise-rate", "en", "html", "a7063520d75e8cacfffed1dd327cfc0c2b419aec8ca6c070239fe031553b1718"),
            ("enterprise-rate", "zh-CN", "html", "020f31e4a933a7c913205d8f92dab91b73dcb7c8c986bbd6501a6b91d0f25628"),
            ("escalation-zone", "en", "html", "15607f47bf77d877760aba43f5409dacf133544c275441c5b881dc2a6db62ebe"),
            ("escalation-zone", "zh-CN", "html", "cd3da81c5f5cfdac9e138718d6b3666ca1f65589bc87afe661a30f06bf3f5467"),
            ("extension-decided", "en", "html", "545b61c6cf98ec1d8cc9809113c66f4476986284c2726bc57c1d793728c53ca7"),
            ("extension-decided", "zh-CN", "html", "f02d437582bc587ca677f994b6f001b74abbd0b684279d6b0f7a0edd16e8dcb9"),
            ("extension-requested", "en", "html", "9ef0170a7657ae05bea71cc0a32eec42c055b2ab1b3a4366f8b79e76eb0b59c3"),
            ("extension-requested", "zh-CN", "html", "5ae7b23f5e28febc6baeec447c03522d4eb759fe0603f12dffde617d6dead8a3"),
            ("handler-handover", "en", "html", "04d8113e4d43c0cf14e2555baf63ac4e987fffacec9a951ac4cac501e534b343"),
            ("handler-handover", "zh-CN", "html", "bf5fc95d136cf82c33610dbb7bfb6856c3abd785c58a5469e349c8a1e76796a9"),
            ("key-enterprise-update", "en", "html", "b94b1361183a34e546ecc1499cd8b9f70aa37109bd1b4c5c724ee3de08d644d0"),
            ("key-enterprise-update", "zh-CN", "html", "7c67b9d6423cbbdcf18ca64f825c665ec065f9879fd0add2d328c3ccbba8fa50"),
            ("lead-changed", "en", "html", "f628fb6a409dbed8596fd080d5bf142567e7928953b1ecf172c477edce9f9cc3"),
            ("lead-changed", "zh-CN", "html", "74bd6457d865ba4623f4d8620a6733a7ba9ae511e28c5038f15d69f16266218b"),
            ("leader-handover", "en", "html", "4f276cb7ce2afddd5d54812473ab8b3afd2591fb1cea97720d4e1071ddeac873"),
            ("leader-handover", "zh-CN", "html", "f9427cbbbe9619db1672046a192c06b7f116ebb349d7e4813aa783d3564af539"),
            ("leader-reminder", "en", "html", "92aafb94e9101a94a003785ecfa56932fb281fde253c967ca6b6370791af44bc"),
            ("leader-reminder", "zh-CN", "html", "0476733acb723ca453a8f0411f7b77187ee95ecab4c8a7a26f3c4bffe2c70311"),
            ("officer-handover", "en", "html", "eb68b7f1440e4efce9df951587ef26a8f9c229c6534415f76a8fe661e2651b7f"),
            ("officer-handover", "zh-CN", "html", "fe7396cf4c0e5ae7d9c17782492620bbd284c82b8741183a46d553175217731e"),
            ("officer-urge", "en", "html", "a53a20c77da8b1ba6ced48523bd3425b37f172fb03882b9f81e8505c455055eb"),
            ("officer-urge", "zh-CN", "html", "9723d0f81f1f8d2f6405d605bbf2e50a7bbe13e188f7637d3cbf0ad08591e6d4"),
            ("overdue", "en", "html", "65bc3a572150ae07606030546e790e035e55465dab4f47422664560e8369ac90"),
            ("overdue", "zh-CN", "html", "a26ed49dc23ec124fa39f72b1d9ad2b8ddd722d12a8a4a5b8f5252ec6af9b9e3"),
            ("part-added", "en", "html", "800191c410e1553a75067d10ee46cdc993153ca51fff9514f8a5907c17405a5a"),
            ("part-added", "zh-CN", "html", "244aa884271a85003eab8182abf92d3298dd22737a22e33cfcde73489c24935f"),
            ("part-submitted", "en", "html", "e5208346185393aa623155acafc37f89344c05dc4d14e00772b23e8fbde28b81"),
            ("part-submitted", "zh-CN", "html", "06ff2611392c411c59a9a819ea8cecef7c80f5cf3c730bb47743611e7d26574c"),
            ("progress-report-due", "en", "html", "3e86899b3ffed24aa42852916519254087a92fc84b60f87c19748638a333848a"),
            ("progress-report-due", "zh-CN", "html", "7da2ea970f559746be5a22a4445751a2256fc53ccf33b9e69764adb702f61a6d"),
            ("rated-unsatisfied", "en", "html", "0d21d1dafacfbbe2b41f85d81eec3f7d8da40a7b6b5d3ac0f7382f20d8aeb748"),
            ("rated-unsatisfied", "zh-CN", "html", "99bc9c0a96f85518ab0ad9e163e8b38692787c970ef00d6c42f0f5e728068159"),
            ("reassigned-away", "en", "html", "13e96b655f6f5ed2a1e121c5a9ba05a0c6adc5d58912f81d4aeb111ae8570dfc"),
            ("reassigned-away", "zh-CN", "html", "413eec0553964e60de218b093765e43eff97a73e1d046bb82e0276b8f11250ec"),
            ("reopened", "en", "html", "234ea343fe2b4ce880a75d21545ba0b4f7813510ef71827b2fced3b3db1d816d"),
            ("reopened", "zh-CN", "html", "6f99c768d430f892c8f018206ec1250f6ebca75a11a2deda2166940a6a4b336b"),
            ("resolved", "en", "html", "a674f993fe23954a84346bd88af9fa1944e2c93cf3bb0c004ac6af79ef26c9db"),
            ("resolved", "zh-CN", "html", "5490da59faa73c1a98f45cafb5f81a8a68f13cd5f4ee0c5f9fe17ed4e689daa7"),
            ("returned", "en", "html", "f9db0aefdc35958c233a0659aa256ca51a7940fc6b18a0afbed7543a39da54b9"),
            ("returned", "zh-CN", "html", "b716fbc1e8ad4dde4f9bbb2a17bc5ba29bd31cd208b7c4b7c5cb62c9e39fcc5e"),
            ("account-created", "en", "html", "8f6b9a43c40714b20347a5599481e4a8af1759482f898b9a2695f39994641c9b"),
            ("account-created", "zh-CN", "html", "c185517c0c74e78d00ef66fc22030289a749ecc9457aed337fb2eb7f8503430b"),
            ("handler-digest", "en", "html", "1fa86bdcf8135cf864078b153bbca19abe516bb666d52168b507b69d767224eb"),
            ("handler-digest", "zh-CN", "html", "67d36ca2ed9e77cbde21a64ab4c08af1798af81dc4d064a218cb0ce9fa7803e7"),
            ("league-table", "en", "html", "7a50a6ae3bf9b3ca28064ef3c8f7bff3f68a68492179846375fbe40e55eb5799"),
            ("league-table", "zh-CN", "html", "6791a55eccfb76e99b0e86899a9fdd2e8c451043a37f9f6efc7fd5f36569a547"),
            ("liaison-replaced", "en", "html", "f08eebb15b269e66d358b16249b240cddeb1d1511493214c899b01945cd0748d"),
            ("liaison-replaced", "zh-CN", "html", "0f5b3ab77f2db0c0341cc203a21dd72723fb45002aa9acf1dd92e8c9eeb01a05"),
            ("officer-digest", "en", "html", "c745490c4a2d7b6751300bfac1935f71f505b6b73c48fe19f0209e0962c9a881"),
            ("officer-digest", "zh-CN", "html", "7a71d7b4ea579fa7daf9fe2473a1a78d86a2389295e165b6cfd75d2bb26f65ab"),
            ("work-handover", "en", "html", "fa3db1122d8de65cd4328c17d7a9f2e1246c00fee00d20b0942b9c13dd5a8e83"),
            ("work-handover", "zh-CN", "html", "8457c9e66f66d00a2d19f82893851cd52696aec884eab17f4aa5ad3def448c08"),
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
