using System.Text.RegularExpressions;

namespace Liaison.Server.Tests;

/// <summary>Rules about the server's source that a review would otherwise have to remember.</summary>
public sealed partial class SourceRulesTests
{
    [Fact]
    public void No_csharp_file_of_the_server_builds_html()
    {
        // Pages are Razor components; e-mails are Liquid templates. C# strings that start markup, or raw string lines
        // that are markup, mean HTML is being built by hand again (and must remember to encode every value).
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src", "Liaison.Server"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (HtmlInString().IsMatch(lines[i]) || HtmlLine().IsMatch(lines[i]))
                {
                    offenders.Add($"{Path.GetRelativePath(RepositoryRoot(), file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "HTML built in C#:\n" + string.Join("\n", offenders));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Liaison.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Liaison.sln not found above " + AppContext.BaseDirectory);
    }

    private const string Tags = "html|head|body|div|p|span|a|b|i|strong|em|br|h[1-6]|ul|ol|li|dl|dt|dd|table|thead|tbody|tr|th|td|form|input|textarea|select|option|label|button|iframe|pre|code|section|main|nav|header|footer|style|script|fieldset|legend";

    /// <summary>A string literal (plain, interpolated or raw) that opens with a tag: <c>$"&lt;td&gt;…"</c>, <c>"&lt;div class=…"</c>.</summary>
    [GeneratedRegex($"[$@]*\"+<({Tags})[\\s>/]", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlInString();

    /// <summary>A line of markup, as inside a raw string literal.</summary>
    [GeneratedRegex($"^\\s*</?({Tags})[\\s>/]", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlLine();
}
