using System.Diagnostics;
using System.Globalization;
using Liaison.Server.Cases;
using Npgsql;
using NpgsqlTypes;
using static Liaison.Bench.Million.CaseTemplate;

namespace Liaison.Bench.Million;

/// <summary>
/// Fills the schema with clones of the template cases through COPY (binary): each clone is a template shifted in
/// time (its whole history, deadlines and timers move together), with its own id, number, enterprise, workflow
/// instance, bookmark, mail and link ids and tokens. The mix: mostly closed cases spread over two years, a minority
/// open (waiting for the officer over the last 60 days; with the handler only as far back as their first timer is
/// still ahead), and exactly <c>due</c> open cases whose first timer fell due within the last hour.
/// </summary>
public sealed class CaseGenerator
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>A pending timer of a case that is not "due now" stays at least this far ahead of the run.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromHours(3);

    // Shares of the cases that are not due now; with-handler shares are about two weeks of a 1,400-a-day intake.
    private static readonly (Shape Shape, double Weight)[] Mix =
    [
        (Shape.Closed, 0.705), (Shape.ClosedExtended, 0.08), (Shape.ClosedReopened, 0.06), (Shape.ClosedReassigned, 0.06),
        (Shape.Cancelled, 0.04), (Shape.Resolved, 0.025), (Shape.Returned, 0.005), (Shape.ExtensionPending, 0.005),
        (Shape.Dispatched, 0.004), (Shape.Accepted, 0.008), (Shape.InProgress, 0.008),
    ];

    private static readonly Shape[] DueShapes = [Shape.Dispatched, Shape.Accepted, Shape.InProgress];

    private readonly string _cs;
    private readonly List<CaseTemplate> _templates;
    private readonly Dictionary<string, Column[]> _columns;
    private readonly Dictionary<int, int> _lastNumber;
    private readonly string _prefix;
    private long _lastId;

    private CaseGenerator(string cs, List<CaseTemplate> templates, Dictionary<string, Column[]> columns, Dictionary<int, int> lastNumber, string prefix, long lastId)
    {
        (_cs, _templates, _columns, _lastNumber, _prefix, _lastId) = (cs, templates, columns, lastNumber, prefix, lastId);
    }

    public int TemplateCount => _templates.Count;

    /// <summary>Reads the template cases back, every row of each, and takes them apart (<see cref="CaseTemplate"/>).</summary>
    public static async Task<CaseGenerator> LoadAsync(string cs, IReadOnlyList<(string Number, Shape Shape)> written)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        var columns = new Dictionary<string, Column[]>();
        foreach (var table in Tables)
        {
            columns[table] = await ColumnsAsync(conn, table);
        }

        var cases = new Dictionary<long, (string Number, Shape Shape)>();
        var shapes = written.ToDictionary(w => w.Number, w => w.Shape);
        await using (var cmd = new NpgsqlCommand("SELECT id, number FROM cases WHERE number = ANY($1)", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = shapes.Keys.ToArray() });
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) cases[r.GetInt64(0)] = (r.GetString(1), shapes[r.GetString(1)]);
        }

        // Each table's rows with the case they belong to (the workflow's through the instance's correlation id).
        var raw = new Dictionary<long, List<object?[]>[]>();
        foreach (var id in cases.Keys) raw[id] = Tables.Select(_ => new List<object?[]>()).ToArray();
        for (var t = 0; t < Tables.Length; t++)
        {
            var table = Tables[t];
            var select = string.Join(", ", columns[table].Select(c => $"t.\"{c.Name}\""));
            var owner = table switch
            {
                "cases" => "SELECT t.id, {0} FROM cases t WHERE t.id = ANY($1)",
                "workflow_instances" => "SELECT c.id, {0} FROM workflow_instances t JOIN cases c ON t.correlation_id = 'case:' || c.id WHERE c.id = ANY($1)",
                _ when table.StartsWith("workflow_", StringComparison.Ordinal) =>
                    "SELECT c.id, {0} FROM " + table + " t JOIN workflow_instances i ON i.id = t.instance_id JOIN cases c ON i.correlation_id = 'case:' || c.id WHERE c.id = ANY($1)",
                _ => "SELECT t.case_id, {0} FROM " + table + " t WHERE t.case_id = ANY($1)",
            };
            await using var cmd = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, owner, select), conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = cases.Keys.ToArray() });
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var row = new object?[columns[table].Length];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = r.IsDBNull(i + 1) ? null
                        : columns[table][i].Type == NpgsqlDbType.TimestampTz ? r.GetFieldValue<DateTimeOffset>(i + 1)
                        : r.GetValue(i + 1);
                }

                raw[r.GetInt64(0)][t].Add(row);
            }
        }

        var templates = cases.Select(kv => Take(kv.Key, kv.Value.Number, kv.Value.Shape, raw[kv.Key], columns)).ToList();
        long lastId;
        var lastNumber = new Dictionary<int, int>();
        await using (var cmd = new NpgsqlCommand("SELECT max(id) FROM cases", conn)) lastId = (long)(await cmd.ExecuteScalarAsync())!;
        // The last number given per year, whichever way it was given (the product's sequence, or the former counter).
        await using (var cmd = new NpgsqlCommand("""
            SELECT split_part(number, '-', 2)::int, max(split_part(number, '-', 3)::int) FROM cases GROUP BY 1
            UNION ALL SELECT year, last FROM case_number_counters
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync()) lastNumber[r.GetInt32(0)] = Math.Max(lastNumber.GetValueOrDefault(r.GetInt32(0)), r.GetInt32(1));
        }

        var prefix = cases.Values.First().Number[..cases.Values.First().Number.IndexOf('-', StringComparison.Ordinal)];
        return new CaseGenerator(cs, templates, columns, lastNumber, prefix, lastId);
    }

    private static async Task<Column[]> ColumnsAsync(NpgsqlConnection conn, string table)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT column_name, data_type, is_identity FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = table });
        var list = new List<Column>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var (name, type, identity) = (r.GetString(0), r.GetString(1), r.GetString(2) == "YES");
            var dbType = type switch
            {
                "bigint" => NpgsqlDbType.Bigint,
                "integer" => NpgsqlDbType.Integer,
                "boolean" => NpgsqlDbType.Boolean,
                "uuid" => NpgsqlDbType.Uuid,
                "timestamp with time zone" => NpgsqlDbType.TimestampTz,
                "bytea" => NpgsqlDbType.Bytea,
                "jsonb" => NpgsqlDbType.Jsonb,
                "json" => NpgsqlDbType.Json,
                "ARRAY" => NpgsqlDbType.Array | NpgsqlDbType.Text,
                "text" or "character varying" => NpgsqlDbType.Text,
                "date" => NpgsqlDbType.Date,
                _ => throw new NotSupportedException($"{table}.{name}: {type}"),
            };
            var rule = (table, name) switch
            {
                ("cases", "id") or (_, "case_id") => Rule.CaseId,
                _ when identity => Rule.Omit,
                _ when dbType == NpgsqlDbType.TimestampTz => Rule.Shift,
                _ when dbType == NpgsqlDbType.Uuid => Rule.Id,
                _ when dbType == NpgsqlDbType.Bytea => Rule.TokenHash,
                _ when dbType is NpgsqlDbType.Text or NpgsqlDbType.Jsonb or NpgsqlDbType.Json => Rule.Text,
                _ => Rule.Keep,
            };
            list.Add(new Column(name, dbType, rule));
        }

        return [.. list];
    }

    private static CaseTemplate Take(long caseId, string number, Shape shape, List<object?[]>[] rows, Dictionary<string, Column[]> columns)
    {
        int Col(string table, string name) => Array.FindIndex(columns[table], c => c.Name == name);
        var known = new HashSet<Guid>();
        foreach (var (table, name) in new[] { ("workflow_instances", "id"), ("workflow_bookmarks", "id"), ("mail_outbox", "id"), ("case_action_requests", "request_id") })
        {
            var i = Col(table, name);
            foreach (var row in rows[Array.IndexOf(Tables, table)]) known.Add(row[i] is Guid g ? g : Guid.Parse((string)row[i]!));
        }

        var caseRow = rows[0][0];
        var enterprise = (string)caseRow[Col("cases", "enterprise_name")]!;
        for (var t = 0; t < Tables.Length; t++)
        {
            var cols = columns[Tables[t]];
            foreach (var row in rows[t])
            {
                for (var i = 0; i < row.Length; i++)
                {
                    if (cols[i].Rule == Rule.Text && row[i] is string s) row[i] = Split(s, number, caseId, enterprise, known);
                }
            }
        }

        var tokens = rows.SelectMany(r => r).SelectMany(r => r).OfType<Pieces>().SelectMany(p => p.Parts).OfType<TokenHole>()
            .Select(h => h.Token).Distinct().ToDictionary(t => Convert.ToHexString(HashOf(t)), t => t);
        var b = Array.IndexOf(Tables, "workflow_bookmarks");
        var timers = rows[b].Select(r => r[Col("workflow_bookmarks", "resume_at")]).OfType<DateTimeOffset>().Order().ToArray();
        return new CaseTemplate
        {
            Number = number,
            Shape = shape,
            CreatedAt = (DateTimeOffset)caseRow[Col("cases", "created_at")]!,
            LastAt = (DateTimeOffset)caseRow[Col("cases", "updated_at")]!,
            Timers = timers,
            KnownIds = known,
            TokensByHash = tokens,
            Rows = rows,
        };
    }

    /// <summary>What one call added.</summary>
    public sealed record Added(int Cases, long[] DueIds, long Rows, TimeSpan Elapsed, long FirstId, long LastId);

    /// <summary>Adds <paramref name="count"/> cases, <paramref name="due"/> of them due now; mail kept for cases opened in the last <paramref name="mailDays"/> days.</summary>
    /// <param name="dueAt">
    /// When set, the due cases' first timer falls due at that instant instead of within the last hour: a burst on a
    /// running server, as when a day's deadlines (18:00) pass together.
    /// </param>
    public async Task<Added> AddAsync(int count, int due, int mailDays, int seed, DateTimeOffset? dueAt = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var random = new Random(seed);
        var byShape = _templates.GroupBy(t => t.Shape).ToDictionary(g => g.Key, g => g.OrderBy(t => t.Number, StringComparer.Ordinal).ToArray());
        var cumulative = Mix.Select((m, i) => (m.Shape, Upto: Mix.Take(i + 1).Sum(x => x.Weight))).ToArray();
        var plan = new (CaseTemplate Template, TimeSpan Shift, bool Due)[count];
        for (var i = 0; i < count; i++)
        {
            var isDue = i < due;
            CaseTemplate template;
            TimeSpan shift;
            if (isDue)
            {
                // The first timer fell due within the last hour (or falls due at dueAt); the next one is still well ahead.
                do template = Pick(byShape[DueShapes[random.Next(DueShapes.Length)]], random);
                while (template.Timers.Length < 1 || (template.Timers.Length > 1 && template.Timers[1] - template.Timers[0] < Margin + TimeSpan.FromHours(1)));
                shift = (dueAt ?? now - TimeSpan.FromMinutes(1 + random.NextDouble() * 59)) - template.Timers[0];
            }
            else
            {
                var draw = random.NextDouble() * cumulative[^1].Upto;
                var shape = cumulative.First(c => draw <= c.Upto).Shape;
                template = Pick(byShape[shape], random);
                var hi = now - template.LastAt - TimeSpan.FromMinutes(1);
                var lo = now - TimeSpan.FromDays(shape is Shape.Resolved or Shape.Returned or Shape.ExtensionPending ? 60 : 730) - template.CreatedAt;
                if (template.Timers.Length > 0) lo = Max(lo, now + Margin - template.Timers[0]);
                shift = lo >= hi ? hi : lo + (hi - lo) * random.NextDouble();
            }

            plan[i] = (template, shift, isDue);
        }

        // Ids and numbers in opening order, as the product hands them out.
        Array.Sort(plan, (a, b) => (a.Template.CreatedAt + a.Shift).CompareTo(b.Template.CreatedAt + b.Shift));
        var clones = new (CaseTemplate Template, Clone Clone, bool Mail)[count];
        var dueIds = new List<long>(due);
        var firstId = _lastId + 1;
        for (var i = 0; i < count; i++)
        {
            var (template, shift, _) = plan[i];
            var opened = template.CreatedAt + shift;
            var year = TimeZoneInfo.ConvertTime(opened, Zone).Year;
            var n = _lastNumber[year] = _lastNumber.GetValueOrDefault(year) + 1;
            var clone = new Clone
            {
                CaseId = ++_lastId,
                Number = string.Create(CultureInfo.InvariantCulture, $"{_prefix}-{year}-{n:000000}"),
                Shift = shift,
                Enterprise = Enterprises[random.Next(Enterprises.Length)],
            };
            clones[i] = (template, clone, opened >= now.AddDays(-mailDays));
            if (plan[i].Due) dueIds.Add(clone.CaseId);
        }

        long rows = 0;
        const int chunk = 2000;
        var chunks = Enumerable.Range(0, (count + chunk - 1) / chunk).ToArray();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (c, ct) =>
        {
            var written = await WriteAsync(new ArraySegment<(CaseTemplate, Clone, bool)>(clones, c * chunk, Math.Min(chunk, count - c * chunk)), ct);
            Interlocked.Add(ref rows, written);
        });
        await FinishAsync();
        return new Added(count, [.. dueIds], rows, stopwatch.Elapsed, firstId, _lastId);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static CaseTemplate Pick(CaseTemplate[] templates, Random random) => templates[random.Next(templates.Length)];

    /// <summary>One chunk of clones in one transaction: a COPY per table.</summary>
    private async Task<long> WriteAsync(ArraySegment<(CaseTemplate Template, Clone Clone, bool Mail)> clones, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(_cs);
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // The rows are consistent by construction: no per-row foreign-key triggers (a bulk load's usual setting).
        await using (var cmd = new NpgsqlCommand("SET LOCAL session_replication_role = replica", conn, tx)) await cmd.ExecuteNonQueryAsync(ct);
        long rows = 0;
        for (var t = 0; t < Tables.Length; t++)
        {
            var table = Tables[t];
            var cols = _columns[table];
            var written = cols.Where(c => c.Rule != Rule.Omit).ToArray();
            await using var copy = await conn.BeginBinaryImportAsync(
                $"COPY {table} ({string.Join(", ", written.Select(c => $"\"{c.Name}\""))}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var (template, clone, mail) in clones)
            {
                if (table == "mail_outbox" && !mail) continue;
                foreach (var row in template.Rows[t])
                {
                    await copy.StartRowAsync(ct);
                    for (var i = 0; i < cols.Length; i++)
                    {
                        var col = cols[i];
                        var value = row[i];
                        if (col.Rule == Rule.Omit) continue;
                        if (value is null)
                        {
                            await copy.WriteNullAsync(ct);
                            continue;
                        }

                        object v = col.Rule switch
                        {
                            Rule.CaseId => clone.CaseId,
                            Rule.Shift => ((DateTimeOffset)value + clone.Shift).ToUniversalTime(),
                            Rule.Id => template.KnownIds.Contains((Guid)value) ? clone.IdFor((Guid)value) : value,
                            Rule.TokenHash => clone.HashFor((byte[])value, template),
                            Rule.Text => value is Pieces p ? clone.Fill(p) : value,
                            _ => value,
                        };
                        await copy.WriteAsync(v, col.Type, ct);
                    }

                    rows++;
                }
            }

            await copy.CompleteAsync(ct);
        }

        await tx.CommitAsync(ct);
        return rows;
    }

    /// <summary>
    /// The id sequence and the yearly case numbers continue after the clones (the year's sequence if the server made one,
    /// else the counter a new sequence starts after, as CaseNumbers does); fresh statistics.
    /// </summary>
    private async Task FinishAsync()
    {
        await using var conn = new NpgsqlConnection(_cs);
        await conn.OpenAsync();
        var sql = $"SELECT setval(pg_get_serial_sequence('cases', 'id'), {_lastId});\n" + string.Concat(_lastNumber.Select(kv =>
            $"INSERT INTO case_number_counters (prefix, year, last) VALUES ('{_prefix}', {kv.Key}, {kv.Value}) ON CONFLICT (prefix, year) DO UPDATE SET last = excluded.last;\n" +
            $"SELECT setval(to_regclass('{CaseNumbers.SequenceName(_prefix, kv.Key)}'), {kv.Value}) WHERE to_regclass('{CaseNumbers.SequenceName(_prefix, kv.Key)}') IS NOT NULL;\n")) +
            "ANALYZE;";
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }

    private static readonly string[] Enterprises = BuildEnterprises();

    /// <summary>About 3,000 enterprise names: what a development zone of this size registers.</summary>
    private static string[] BuildEnterprises()
    {
        string[] first = ["柠檬", "川渝", "安岳", "天府", "岳阳", "石羊", "兴隆", "普州", "圆觉", "卧佛", "龙台", "通贤", "华严", "鸳大", "永清", "周礼", "李家", "协和", "长河", "岳源"];
        string[] second = ["科技", "食品", "农业", "机械", "新材料", "医药", "电子", "建材", "物流", "能源", "纺织", "化工", "汽配", "包装", "生物"];
        string[] third = ["有限公司", "股份有限公司", "集团有限公司", "实业有限公司", "制造有限公司", "发展有限公司", "贸易有限公司", "科技有限公司", "工贸有限公司", "产业有限公司"];
        return [.. from a in first from b in second from c in third select $"{a}{b}{c}"];
    }
}
