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
        var offenders = ServerLines(line => HtmlInString().IsMatch(line) || HtmlLine().IsMatch(line));
        Assert.True(offenders.Count == 0, "HTML built in C#:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Insert_only_rows_are_appended_and_unsaved_changes_are_discarded_with_them()
    {
        // The journal, bookmarks, incidents, timeline entries, mail, links and fired deadlines go through LiaisonDbContext.Append (written
        // after EF's rows at SaveChanges, never tracked). Added to a DbSet they would be tracked again; and clearing only
        // the change tracker after a rollback would leave appended rows to be written by the next SaveChanges.
        var offenders = ServerLines(line => TrackedInsertOnlyRow().IsMatch(line) || line.Contains("ChangeTracker.Clear()", StringComparison.Ordinal))
            .Where(line => !line.StartsWith(Path.Combine("src", "Liaison.Server", "Data", "LiaisonDbContext.cs") + ":", StringComparison.Ordinal))
            .ToList();
        Assert.True(offenders.Count == 0, "Use db.Append(row) and db.DiscardChanges():\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Every_way_of_starting_the_server_sets_the_same_runtime_settings()
    {
        // Only the environment sets them (the runtimeconfig has no key), so each launcher must: ./liaison run, the image,
        // and the processes the bench and the multi-process tests start.
        var settings = Hosting.RuntimeSettings.All;
        Assert.Equal(["DOTNET_GCgen0size", "DOTNET_TC_CallCountingDelayMs", "DOTNET_TC_CallCountThreshold"], settings.Select(s => s.Variable));
        Assert.Equal(settings.ToDictionary(s => s.Variable, s => s.Recommended), Liaison.Testing.ServerProcess.RuntimeEnvironment);
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot(), "Dockerfile")).ReplaceLineEndings("\n");
        var script = File.ReadAllText(Path.Combine(RepositoryRoot(), "liaison")).ReplaceLineEndings("\n");
        foreach (var s in settings)
        {
            Assert.Contains($"ENV {s.Variable}={s.Recommended}\n", dockerfile, StringComparison.Ordinal);
            Assert.Contains($"export {s.Variable}=${{{s.Variable}:-{s.Recommended}}}\n", script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_application_keeps_no_session_state_on_pooled_connections()
    {
        // The application's pool does not reset a connection when it goes back (ConnectionPools.ForApplication), so
        // nothing may leave state on the session for the next user: a SET without LOCAL, LISTEN, a temporary table,
        // a session-level advisory lock.
        var offenders = ServerLines(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal) && SessionState().IsMatch(line));
        Assert.True(offenders.Count == 0, "Session state on a pooled connection:\n" + string.Join("\n", offenders));
        var database = new Hosting.LiaisonOptions.DatabaseOptions();
        var app = new Npgsql.NpgsqlConnectionStringBuilder(Hosting.ConnectionPools.ForApplication("Host=h;Database=d", database));
        Assert.True(app.NoResetOnClose);
        Assert.False(new Npgsql.NpgsqlConnectionStringBuilder(
            Hosting.ConnectionPools.ForHangfire(app.ConnectionString, database, new Hosting.LiaisonOptions.JobsOptions())).NoResetOnClose);
        // An explicit setting wins.
        Assert.False(new Npgsql.NpgsqlConnectionStringBuilder(
            Hosting.ConnectionPools.ForApplication("Host=h;Database=d;No Reset On Close=false", database)).NoResetOnClose);
    }

    /// <summary>SQL that leaves state on the session: <c>SET x</c> (not <c>SET LOCAL</c>, not <c>UPDATE … SET</c>), LISTEN, temporary tables, session advisory locks.</summary>
    [GeneratedRegex(@"(""|^\s*)SET (?!LOCAL\b|TRANSACTION\b)[a-z_]+\s*(=|TO\b)|\bLISTEN\b|CREATE\s+(TEMP|TEMPORARY)\b|pg_advisory_lock\(|pg_try_advisory_lock\(|set_config\(")]
    private static partial Regex SessionState();

    /// <summary>The lines of the server's C# files that match, as "path:line: text".</summary>
    private static List<string> ServerLines(Func<string, bool> matches)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src", "Liaison.Server"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (matches(lines[i]))
                {
                    found.Add($"{Path.GetRelativePath(RepositoryRoot(), file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        return found;
    }

    /// <summary>An insert-only row added to a DbSet: <c>db.Outbox.Add(</c>, <c>Set&lt;LiaisonLink&gt;().AddRange(</c>.</summary>
    [GeneratedRegex(@"(\.Outbox|\.CaseEvents|Set<(OutboxMessage|CaseEvent|LiaisonLink|CaseDeadlineFired|WorkflowBookmarkRecord|WorkflowJournalRecord|WorkflowIncidentRecord|AuditEntry)>\(\))\.(Add|AddRange|Attach)\(")]
    private static partial Regex TrackedInsertOnlyRow();

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
