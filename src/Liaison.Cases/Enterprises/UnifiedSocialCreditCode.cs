using System.Diagnostics.CodeAnalysis;

namespace Liaison.Cases.Enterprises;

/// <summary>
/// An enterprise's unified social credit code (统一社会信用代码), 18 characters per GB 32100-2015:
/// registration authority (1), organisation category (1), administrative division (6),
/// organisation code (9), check character (1). An instance always holds a valid, upper-case code.
/// </summary>
/// <remarks>
/// Only the character set and the check character are verified. The authority and category tables have grown
/// since 2015 (e.g. 工会, 农业农村 codes), so checking them would reject real enterprises for no gain.
/// </remarks>
public sealed class UnifiedSocialCreditCode : IEquatable<UnifiedSocialCreditCode>
{
    public const int Length = 18;

    /// <summary>The 31 characters in value order (0–30); I, O, Z, S and V are never used.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    private UnifiedSocialCreditCode(string value) => Value = value;

    public string Value { get; }

    /// <summary>登记管理部门代码, e.g. 9 for market regulation (工商).</summary>
    public char RegistrationAuthority => Value[0];

    /// <summary>机构类别代码, e.g. 1 for an enterprise under authority 9.</summary>
    public char OrganisationCategory => Value[1];

    /// <summary>登记管理机关行政区划码 (GB/T 2260).</summary>
    public string AdministrativeDivision => Value[2..8];

    /// <summary>主体标识码 (the former organisation code, GB 11714).</summary>
    public string OrganisationCode => Value[8..17];

    public char CheckCharacter => Value[17];

    /// <summary>
    /// Reads a code as typed or pasted: surrounding spaces are trimmed and letters upper-cased.
    /// On failure <paramref name="error"/> says what is wrong in Chinese and English.
    /// </summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out UnifiedSocialCreditCode? code, out string error)
    {
        code = null;
        var text = input?.Trim().ToUpperInvariant() ?? "";
        if (text.Length == 0)
        {
            error = "统一社会信用代码不能为空 / the unified social credit code is required";
            return false;
        }

        if (text.Length != Length)
        {
            error = $"统一社会信用代码应为18位，实际为{text.Length}位 / the unified social credit code must be 18 characters, got {text.Length}";
            return false;
        }

        for (var i = 0; i < Length; i++)
        {
            if (Alphabet.IndexOf(text[i]) < 0)
            {
                error = $"统一社会信用代码第{i + 1}位“{text[i]}”不是有效字符（只允许数字和除 I、O、Z、S、V 外的大写字母） / " +
                        $"character {i + 1} '{text[i]}' is not allowed (digits and capital letters except I, O, Z, S, V)";
                return false;
            }
        }

        // The expected character is not revealed: it would invite "fixing" a mistyped code by copying it.
        if (ComputeCheckCharacter(text.AsSpan(0, Length - 1)) != text[Length - 1])
        {
            error = "统一社会信用代码校验位错误，请核对 / the check character is wrong; please check the code";
            return false;
        }

        code = new UnifiedSocialCreditCode(text);
        error = "";
        return true;
    }

    /// <exception cref="FormatException">With the same message <see cref="TryParse"/> gives.</exception>
    public static UnifiedSocialCreditCode Parse(string? input) =>
        TryParse(input, out var code, out var error) ? code : throw new FormatException(error);

    public static bool IsValid(string? input) => TryParse(input, out _, out _);

    /// <summary>The check character for the first 17 characters (upper case, from <see cref="Alphabet"/>).</summary>
    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != Length - 1)
        {
            throw new ArgumentException($"Expected {Length - 1} characters, got {first17.Length}.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < first17.Length; i++)
        {
            var value = Alphabet.IndexOf(first17[i]);
            if (value < 0) throw new ArgumentException($"Character {i + 1} '{first17[i]}' is not in the code alphabet.", nameof(first17));
            sum += value * Weights[i];
        }

        return Alphabet[(31 - sum % 31) % 31];
    }

    public bool Equals(UnifiedSocialCreditCode? other) => other is not null && Value == other.Value;

    public override bool Equals(object? obj) => Equals(obj as UnifiedSocialCreditCode);

    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Value;
}
