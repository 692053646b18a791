using Liaison.Cases.Common;

namespace Liaison.Cases.Enterprises;

/// <summary>The zone's industry chains (产业链) an enterprise belongs to.</summary>
public enum IndustryChain
{
    /// <summary>天然气.</summary>
    NaturalGas,

    /// <summary>稀土.</summary>
    RareEarth,

    /// <summary>纺织鞋服.</summary>
    TextileApparel,

    /// <summary>医药食品.</summary>
    MedicineFood,

    /// <summary>其他.</summary>
    Other,
}

public static class IndustryChains
{
    public static Text Label(IndustryChain chain) => chain switch
    {
        IndustryChain.NaturalGas => new Text("天然气", "Natural gas"),
        IndustryChain.RareEarth => new Text("稀土", "Rare earths"),
        IndustryChain.TextileApparel => new Text("纺织鞋服", "Textiles, shoes and apparel"),
        IndustryChain.MedicineFood => new Text("医药食品", "Medicine and food"),
        _ => new Text("其他", "Other"),
    };

    /// <summary>
    /// Reads a chain as an API client, a form or a spreadsheet gives it: the API's name (<c>natural-gas</c>), the enum
    /// name in any case (<c>NaturalGas</c>, <c>natural_gas</c>) or the Chinese label (天然气).
    /// </summary>
    public static bool TryParse(string? input, out IndustryChain chain)
    {
        var text = input?.Trim() ?? "";
        var bare = text.Replace("-", "").Replace("_", "");
        foreach (var c in Enum.GetValues<IndustryChain>())
        {
            if (string.Equals(bare, c.ToString(), StringComparison.OrdinalIgnoreCase) || text == Label(c).Zh)
            {
                chain = c;
                return true;
            }
        }

        chain = IndustryChain.Other;
        return false;
    }

    /// <summary>
    /// The values a caller may send, for error messages: each chain by its name, with the code an API or CSV sends
    /// ("天然气（natural-gas）、…" / "Natural gas (natural-gas), …").
    /// </summary>
    public static Text Allowed => new(
        string.Join("、", Enum.GetValues<IndustryChain>().Select(c => $"{Label(c).Zh}（{JsonName(c)}）")),
        string.Join(", ", Enum.GetValues<IndustryChain>().Select(c => $"{Label(c).En} ({JsonName(c)})")));

    /// <summary>The name the API writes (kebab case, like every enum in its JSON).</summary>
    public static string JsonName(IndustryChain chain) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(chain.ToString());
}
