using System.Text;

namespace Liaison.Server.Common;

/// <summary>
/// The CSV files the server writes (league table, enterprise register, case list): comma-separated, CRLF line ends,
/// UTF-8 with a byte-order mark so Excel opens Chinese text without asking.
/// </summary>
public static class Csv
{
    /// <summary>A line of cells, each written with <see cref="Field"/>, and its CRLF.</summary>
    public static StringBuilder AppendLine(StringBuilder sb, IEnumerable<string> cells) => sb.AppendJoin(',', cells.Select(Field)).Append("\r\n");

    /// <summary>The text as the file's bytes: UTF-8 after its byte-order mark.</summary>
    public static byte[] Utf8WithBom(StringBuilder sb) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];

    /// <summary>
    /// One cell: quoted when it holds a separator, a quote, a line break or leading or trailing blanks; a cell that
    /// Excel would run as a formula (CSV injection: a leading = + - @, tab or CR) gets an apostrophe before it, and so
    /// does a cell that already starts with one before such a character, so reading the file back is exact.
    /// </summary>
    public static string Field(string value)
    {
        if (NeedsGuard(value))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 || value != value.Trim() ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>Whether Excel would run the cell as a formula, so <see cref="Field"/> puts an apostrophe before it.</summary>
    public static bool NeedsGuard(ReadOnlySpan<char> value) =>
        value.Length > 0 && (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' || (value[0] == '\'' && NeedsGuard(value[1..])));
}
