using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NpgsqlTypes;

namespace Liaison.Bench.Million;

/// <summary>
/// One template case as the product wrote it — its rows in every table that holds something of a case — taken apart
/// once into what a clone keeps (the literal text) and what a clone replaces: every timestamp (shifted), the case's id
/// and number, the ids of its workflow instance, bookmarks, mails and action requests (new ones, the same new id
/// wherever the old one appeared), its link tokens (new tokens in the mail bodies, their hashes in the links) and the
/// enterprise's name.
/// </summary>
public sealed partial class CaseTemplate
{
    /// <summary>The tables a case open and its later actions write, in an order that keeps foreign keys satisfied.</summary>
    public static readonly string[] Tables =
    [
        "cases", "case_events", "case_action_requests", "case_deadlines_fired", "liaison_links", "mail_outbox",
        "workflow_instances", "workflow_bookmarks", "workflow_journal", "workflow_incidents",
    ];

    public required string Number { get; init; }

    public required Shape Shape { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The latest thing that happened to it (its last update): no clone's history may end after now.</summary>
    public required DateTimeOffset LastAt { get; init; }

    /// <summary>Its pending timers' due times, earliest first.</summary>
    public required DateTimeOffset[] Timers { get; init; }

    /// <summary>The ids of its instance, bookmarks, mails and action requests: what each clone replaces.</summary>
    public required HashSet<Guid> KnownIds { get; init; }

    /// <summary>Its links' tokens (from its mail) by their hash.</summary>
    public required Dictionary<string, string> TokensByHash { get; init; }

    /// <summary>The rows of each table (indexed as <see cref="Tables"/>), values already taken apart.</summary>
    public required List<object?[]>[] Rows { get; init; }

    /// <summary>How a column is written for a clone.</summary>
    public enum Rule
    {
        /// <summary>An identity column: left out, the database numbers the row.</summary>
        Omit,
        Keep,
        CaseId,
        Shift,
        /// <summary>A uuid column: the clone's id for a known template id, else kept (an officer's id).</summary>
        Id,
        /// <summary>A link's token hash: the hash of the clone's token that replaced the template's.</summary>
        TokenHash,
        /// <summary>Text with holes (<see cref="Pieces"/>).</summary>
        Text,
    }

    public sealed record Column(string Name, NpgsqlDbType Type, Rule Rule);

    /// <summary>Text taken apart: literal strings and holes (<see cref="Hole"/>), concatenated again per clone.</summary>
    public sealed record Pieces(object[] Parts);

    public abstract record Hole;

    public sealed record TimeHole(DateTimeOffset At, TimeSpan Offset, int Fraction, bool Zulu) : Hole;

    public sealed record IdHole(Guid Id, bool Dashed) : Hole;

    public sealed record TokenHole(string Token) : Hole;

    public sealed record NumberHole : Hole;

    public sealed record CaseIdHole : Hole;

    public sealed record EnterpriseHole : Hole;

    /// <summary>What a clone puts in the holes; one per clone.</summary>
    public sealed class Clone
    {
        public required long CaseId { get; init; }

        public required string Number { get; init; }

        public required TimeSpan Shift { get; init; }

        public required string Enterprise { get; init; }

        public Dictionary<Guid, Guid> Ids { get; } = [];

        public Dictionary<string, string> Tokens { get; } = new(StringComparer.Ordinal);

        public Guid IdFor(Guid template) => Ids.TryGetValue(template, out var id) ? id : Ids[template] = Guid.CreateVersion7();

        public string TokenFor(string template)
        {
            if (!Tokens.TryGetValue(template, out var token))
            {
                Span<byte> bytes = stackalloc byte[32];
                Random.Shared.NextBytes(bytes);
                Tokens[template] = token = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            }

            return token;
        }

        /// <summary>The hash of the token that replaced the template's (a fresh random one when its mail is unknown).</summary>
        public byte[] HashFor(byte[] templateHash, CaseTemplate template)
        {
            if (template.TokensByHash.TryGetValue(Convert.ToHexString(templateHash), out var token)) return HashOf(TokenFor(token));
            var bytes = new byte[32];
            Random.Shared.NextBytes(bytes);
            return bytes;
        }

        public string Fill(Pieces pieces)
        {
            var sb = new StringBuilder();
            foreach (var part in pieces.Parts)
            {
                switch (part)
                {
                    case string s:
                        sb.Append(s);
                        break;
                    case TimeHole t:
                        sb.Append(Format(t));
                        break;
                    case IdHole h:
                        sb.Append(IdFor(h.Id).ToString(h.Dashed ? "D" : "N"));
                        break;
                    case TokenHole k:
                        sb.Append(TokenFor(k.Token));
                        break;
                    case NumberHole:
                        sb.Append(Number);
                        break;
                    case CaseIdHole:
                        sb.Append(CaseId.ToString(CultureInfo.InvariantCulture));
                        break;
                    case EnterpriseHole:
                        sb.Append(Enterprise);
                        break;
                }
            }

            return sb.ToString();
        }

        private string Format(TimeHole t)
        {
            var at = (t.At + Shift).ToOffset(t.Offset);
            var text = at.ToString(t.Fraction == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss." + new string('f', t.Fraction), CultureInfo.InvariantCulture);
            return t.Zulu ? text + "Z" : text + at.ToString("zzz", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Takes a text value apart: timestamps, known ids, link tokens, the case's number and id, the enterprise's name; the text itself when it has none.</summary>
    public static object Split(string text, string number, long caseId, string enterprise, HashSet<Guid> knownIds)
    {
        var parts = new List<object>();
        var last = 0;
        foreach (Match m in Holes().Matches(text))
        {
            Hole? hole = null;
            if (m.Groups["time"].Success)
            {
                var g = m.Groups["time"].Value;
                var at = DateTimeOffset.Parse(g, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
                var fraction = m.Groups["frac"].Success ? m.Groups["frac"].Value.Length - 1 : 0;
                hole = new TimeHole(at, at.Offset, fraction, g.EndsWith('Z'));
            }
            else if (m.Groups["uuid"].Success || m.Groups["hex"].Success)
            {
                var id = Guid.Parse(m.Value);
                if (knownIds.Contains(id)) hole = new IdHole(id, m.Groups["uuid"].Success);
            }
            else if (m.Groups["token"].Success)
            {
                hole = new TokenHole(m.Groups["token"].Value);
            }
            else if (m.Value == number)
            {
                hole = new NumberHole();
            }
            else if (m.Groups["case"].Success && m.Groups["case"].Value == caseId.ToString(CultureInfo.InvariantCulture))
            {
                hole = new CaseIdHole();
            }
            else if (m.Value == enterprise)
            {
                hole = new EnterpriseHole();
            }

            if (hole is null) continue;
            var start = hole is TokenHole ? m.Groups["token"].Index : hole is CaseIdHole ? m.Groups["case"].Index : m.Index;
            var end = hole is TokenHole ? start + m.Groups["token"].Length : hole is CaseIdHole ? start + m.Groups["case"].Length : m.Index + m.Length;
            if (start > last) parts.Add(text[last..start]);
            parts.Add(hole);
            last = end;
        }

        if (last == 0) return text;
        if (last < text.Length) parts.Add(text[last..]);
        return new Pieces([.. parts]);
    }

    // A timestamp (as System.Text.Json and "O" write them), a uuid or a 32-digit hex id, a link token, a case number,
    // the correlation id "case:<id>", the sample enterprise's name.
    [GeneratedRegex(@"(?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?<frac>\.\d{1,7})?(?:Z|[+-]\d\d:\d\d))" +
                    @"|(?<uuid>\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b)|(?<hex>\b[0-9a-f]{32}\b)" +
                    @"|/l/(?<token>[A-Za-z0-9_\-]{43})|[A-Z]+-\d{4}-\d{6}|case:(?<case>\d+)|" + TemplateCases.EnterpriseName)]
    private static partial Regex Holes();

    public static byte[] HashOf(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));
}
