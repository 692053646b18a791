using System.Globalization;
using Npgsql;

namespace Liaison.Bench.Load;

/// <summary>
/// The statements PostgreSQL ran in a window, from <c>pg_stat_statements</c>: present only when the cluster was started
/// with <c>LIAISON_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements"</c>.
/// </summary>
internal static class StatementStats
{
    /// <summary>Starts a window: creates the extension and clears its counts; false when the library is not loaded.</summary>
    public static async Task<bool> ResetAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        try
        {
            await using var cmd = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()", conn);
            await cmd.ExecuteNonQueryAsync();
            return true;
        }
        catch (PostgresException)
        {
            return false;
        }
    }

    /// <summary>
    /// The statements that took most of PostgreSQL's execution time since <see cref="ResetAsync"/>, per
    /// <paramref name="unit"/> (a fired timer, an open), as a table; then the most frequent ones (BEGIN, COMMIT, savepoints
    /// and statements run outside a transaction are what the commit count counts).
    /// </summary>
    public static async Task<string> ReportAsync(string cs, long units, string unit)
    {
        var lines = new List<string>();
        foreach (var (order, limit) in new[] { ("total_exec_time", 15), ("calls", 12) })
        {
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"""
                SELECT calls, total_exec_time, rows, regexp_replace(query, '\s+', ' ', 'g'), sum(total_exec_time) OVER ()
                FROM pg_stat_statements ORDER BY {order} DESC LIMIT {limit}
                """, conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            lines.Add(order == "calls" ? "\nThe most frequent:\n" : "");
            lines.Add($"| Statement | Calls / {unit} | Rows / call | ms / {unit} | Share of execution |");
            lines.Add("|---|---:|---:|---:|---:|");
            while (await reader.ReadAsync())
            {
                var (calls, total, rows, query, all) = (reader.GetInt64(0), reader.GetDouble(1), reader.GetInt64(2), reader.GetString(3), reader.GetDouble(4));
                var text = query.Length > 110 ? query[..110] + "…" : query;
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| `{text.Replace("|", "\\|")}` | {calls / (double)units:F2} | {rows / (double)Math.Max(1, calls):F1} | {total / units:F3} | {100 * total / all:F0} % |"));
            }
        }

        return string.Join('\n', lines) + "\n\n";
    }
}
