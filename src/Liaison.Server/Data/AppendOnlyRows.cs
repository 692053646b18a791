using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Liaison.Server.Data;

/// <summary>
/// Rows the code only ever inserts, and never reads back in the unit of work that writes them: the workflow journal,
/// bookmarks and incidents, case timeline entries, mail, personal links and fired deadlines. They skip EF's change tracking and update
/// pipeline (building, sorting and tracking such inserts was most of EF's third of a timer sweep's CPU):
/// <see cref="LiaisonDbContext.SaveChangesAsync(bool, CancellationToken)"/> writes them right after EF's own rows
/// (their parents), in the same transaction and the same round trip for all of them. They are never tracked: once
/// saved, a query reads them like any other row. Columns, conversions and parameter types come from the EF model,
/// so a row is stored exactly as EF would store it.
/// </summary>
public sealed class AppendOnlyRows
{
    /// <summary>
    /// A table's rows go in multi-row INSERTs of these sizes, largest first: a few SQL texts per table whatever the
    /// count, so each is prepared once (Npgsql's automatic preparation keeps the statements used most).
    /// </summary>
    private static readonly int[] StatementSizes = [64, 16, 4, 1];

    private static readonly ConcurrentDictionary<IEntityType, TablePlan> Plans = new();

    private readonly List<object> _rows = [];

    public int Count => _rows.Count;

    public bool Any<T>() => _rows.Exists(r => r is T);

    // Through LiaisonDbContext.Append and DiscardChanges only.
    internal void Add(object row) => _rows.Add(row);

    internal void Clear() => _rows.Clear();

    /// <summary>Inserts the pending rows in <paramref name="db"/>'s current transaction, one round trip for all, and forgets them.</summary>
    internal async Task<int> WriteAsync(DbContext db, CancellationToken ct)
    {
        if (_rows.Count == 0)
        {
            return 0;
        }

        var tx = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction
            ?? throw new InvalidOperationException("Append-only rows are written in a transaction.");
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(), tx);
        foreach (var rows in _rows.GroupBy(r => r.GetType()))
        {
            var plan = Plans.GetOrAdd(db.Model.FindEntityType(rows.Key) ?? throw new InvalidOperationException($"{rows.Key.Name} is not in the model."),
                TablePlan.For);
            var all = rows.ToList();
            var at = 0;
            foreach (var size in StatementSizes)
            {
                for (; all.Count - at >= size; at += size)
                {
                    batch.BatchCommands.Add(plan.Insert(all, at, size));
                }
            }
        }

        var written = await batch.ExecuteNonQueryAsync(ct);
        _rows.Clear();
        return written;
    }

    /// <summary>How one entity type's rows are inserted: its table, and the columns a new row writes.</summary>
    private sealed class TablePlan
    {
        private readonly string _table;
        private readonly List<(IProperty Property, IClrPropertyGetter Getter, RelationalTypeMapping Mapping)> _columns;
        private readonly ConcurrentDictionary<int, string> _sql = new();

        // Only used to create parameters: EF's type mappings create them through a command of the provider.
        private static readonly NpgsqlCommand ParameterFactory = new();

        private TablePlan(string table, List<(IProperty, IClrPropertyGetter, RelationalTypeMapping)> columns) => (_table, _columns) = (table, columns);

        public static TablePlan For(IEntityType type)
        {
            var table = StoreObjectIdentifier.Table(type.GetTableName() ?? throw new InvalidOperationException($"{type.DisplayName()} has no table."), type.GetSchema());
            var columns = new List<(IProperty, IClrPropertyGetter, RelationalTypeMapping)>();
            foreach (var p in type.GetProperties())
            {
                if (p.IsShadowProperty() || p.GetColumnName(table) is null)
                {
                    throw new InvalidOperationException($"{type.DisplayName()}.{p.Name}: append-only rows are plain columns.");
                }

                // The database generates these (an identity key, a row version): a new row never writes them.
                if (p.GetValueGenerationStrategy() != NpgsqlValueGenerationStrategy.None || p.ValueGenerated == ValueGenerated.OnAddOrUpdate)
                {
                    continue;
                }

                columns.Add((p, p.GetGetter(), p.GetRelationalTypeMapping()));
            }

            var name = table.Schema is { } schema ? $"\"{schema}\".\"{table.Name}\"" : $"\"{table.Name}\"";
            return new TablePlan(name, columns);
        }

        public NpgsqlBatchCommand Insert(List<object> rows, int from, int count)
        {
            var command = new NpgsqlBatchCommand(_sql.GetOrAdd(count, Sql));
            for (var r = from; r < from + count; r++)
            {
                foreach (var (property, getter, mapping) in _columns)
                {
                    var value = getter.GetClrValueUsingContainingEntity(rows[r]);
                    if (property.ValueGenerated != ValueGenerated.Never && Equals(value, property.Sentinel))
                    {
                        // EF would leave it to a default (the database's, or a generated key): append-only rows say every value.
                        throw new InvalidOperationException($"{property.DeclaringType.DisplayName()}.{property.Name} is not set.");
                    }

                    // Positional ($n): the mapping converts the value (UTC instants, enums by name) and types the parameter (jsonb, text[]).
                    command.Parameters.Add((NpgsqlParameter)mapping.CreateParameter(ParameterFactory, "", value, property.IsNullable));
                }
            }

            return command;
        }

        private string Sql(int count)
        {
            var sql = new StringBuilder($"INSERT INTO {_table} (");
            sql.AppendJoin(", ", _columns.Select(c => $"\"{c.Property.GetColumnName()}\""));
            sql.Append(") VALUES ");
            var n = 0;
            for (var r = 0; r < count; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                sql.AppendJoin(", ", _columns.Select(_ => $"${++n}"));
                sql.Append(')');
            }

            return sql.ToString();
        }
    }
}
