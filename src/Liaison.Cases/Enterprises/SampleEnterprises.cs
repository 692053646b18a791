namespace Liaison.Cases.Enterprises;

/// <summary>
/// The 76 sample key enterprises seeded into an empty register. They are marked <see cref="RegisteredEnterprise.IsSample"/>
/// and named 示例 so nobody mistakes them for real ones; their credit codes are valid (GB 32100-2015) and fictitious.
/// </summary>
public static class SampleEnterprises
{
    public const int Count = 76;

    /// <summary>安岳县's administrative division code (GB/T 2260).</summary>
    private const string Division = "512021";

    private static readonly (IndustryChain Chain, string Word)[] Chains =
    [
        (IndustryChain.NaturalGas, "天然气"),
        (IndustryChain.RareEarth, "稀土材料"),
        (IndustryChain.TextileApparel, "鞋服"),
        (IndustryChain.MedicineFood, "柠檬食品"),
    ];

    /// <summary>The fictitious credit code of sample enterprise <paramref name="n"/> (1–76): authority 9, category 1, 安岳县.</summary>
    public static string CreditCode(int n)
    {
        var first17 = $"91{Division}MA0{n:D6}";
        return first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17);
    }

    public static IReadOnlyList<RegisteredEnterprise> Create(DateTimeOffset now) =>
        Enumerable.Range(1, Count).Select(n =>
        {
            var (chain, word) = Chains[(n - 1) % Chains.Length];
            return new RegisteredEnterprise
            {
                Name = $"安岳示例{word}企业{n:D2}有限公司（示例）",
                CreditCode = CreditCode(n),
                IndustryChain = chain,
                Address = $"安岳经济开发区示例路{n}号（示例）",
                IsKey = true,
                IsSample = true,
                CreatedAt = now,
                UpdatedAt = now,
                Contacts =
                [
                    new EnterpriseContact
                    {
                        Name = $"示例联系人{n:D2}",
                        Phone = $"028-0000{n:D4}",
                        Email = $"enterprise{n:D2}@anyue.example",
                        ForNotices = true,
                    },
                ],
            };
        }).ToList();
}
