using System.Reflection;
using Liaison.Cases.Common;
using Microsoft.AspNetCore.Identity;

namespace Liaison.Server.Auth;

/// <summary>
/// Refuses passwords that are guessed first: those on the deny-list of common passwords (common-passwords.txt, compared
/// without regard to case) and the account's own email address or its local part (alone or followed only by digits and
/// symbols, e.g. <c>zhang.wei2026!</c> for <c>zhang.wei@…</c>). The minimum length (10) is Identity's own rule. Runs
/// wherever Identity sets a password: account creation, password changes and resets.
/// </summary>
public sealed class PasswordPolicy : IPasswordValidator<LiaisonUser>
{
    public const string CommonCode = "CommonPassword";
    public const string EmailCode = "PasswordIsEmail";

    public static IReadOnlySet<string> CommonPasswords { get; } = Load();

    public Task<IdentityResult> ValidateAsync(UserManager<LiaisonUser> manager, LiaisonUser user, string? password)
    {
        password ??= "";
        if (CommonPasswords.Contains(password.Trim().ToLowerInvariant()))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError { Code = CommonCode, Description = "is one of the most common passwords" }));
        }

        return Task.FromResult(IsTheEmail(user.Email ?? user.UserName, password)
            ? IdentityResult.Failed(new IdentityError { Code = EmailCode, Description = "must not be the email address or its name part" })
            : IdentityResult.Success);
    }

    /// <summary>Every rule a new password meets, as the forms that set one say it (Identity's options and this policy).</summary>
    public static readonly Text Rules = new(
        "至少 10 个字符，含数字和小写字母；不能是常见密码或邮箱。",
        "At least 10 characters, with a digit and a lowercase letter; not a common password or your email.");

    /// <summary><see cref="Rules"/> as an admin's form for someone else's account says them.</summary>
    public static readonly Text RulesForAccount = new(
        "至少 10 个字符，含数字和小写字母；不能是常见密码或该账号的邮箱。",
        "At least 10 characters, with a digit and a lowercase letter; not a common password or the account's email.");

    /// <summary>
    /// Every password rule (Identity's and this policy), each refusal added under <paramref name="field"/>, so a form
    /// tells them with its other fields' problems instead of one at a time.
    /// </summary>
    public static async Task CheckAsync(UserManager<LiaisonUser> users, LiaisonUser user, string password, Common.Validation v, string field)
    {
        foreach (var validator in users.PasswordValidators)
        {
            foreach (var e in (await validator.ValidateAsync(users, user, password)).Errors)
            {
                v.Add(field, Describe(e));
            }
        }
    }

    /// <summary>The person-facing text of a refused password, Chinese first.</summary>
    public static Text Describe(IdentityError error) => error.Code switch
    {
        CommonCode => new Text("是最常见的密码之一，请换一个", error.Description),
        EmailCode => new Text("不能是邮箱地址或邮箱用户名", error.Description),
        nameof(IdentityErrorDescriber.PasswordTooShort) => new Text("太短（至少 10 个字符）", "is too short (at least 10 characters)"),
        nameof(IdentityErrorDescriber.PasswordRequiresDigit) => new Text("至少要有一个数字（0–9）", "needs at least one digit (0–9)"),
        nameof(IdentityErrorDescriber.PasswordRequiresLower) => new Text("至少要有一个小写字母（a–z）", "needs at least one lowercase letter (a–z)"),
        nameof(IdentityErrorDescriber.PasswordRequiresUpper) => new Text("至少要有一个大写字母（A–Z）", "needs at least one uppercase letter (A–Z)"),
        nameof(IdentityErrorDescriber.PasswordRequiresNonAlphanumeric) => new Text("至少要有一个符号", "needs at least one symbol"),
        nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars) => new Text("不同的字符太少", "has too few different characters"),
        _ => new Text("不符合密码规则", error.Description),
    };

    private static bool IsTheEmail(string? email, string password)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return false;
        }

        var p = password.Trim();
        if (string.Equals(p, email.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var local = email.Trim().Split('@')[0];
        return local.Length >= 3
            && p.StartsWith(local, StringComparison.OrdinalIgnoreCase)
            && p[local.Length..].All(c => !char.IsLetter(c));
    }

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Liaison.Server.Auth.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-passwords list is not embedded");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line.Trim().ToLowerInvariant());
            }
        }

        return set;
    }
}
