using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Digests;
using Liaison.Cases.Notifications;
using Liaison.Server.Audit;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Liaison.Server.Templates;

/// <summary>One part of one email as an admin sees it.</summary>
/// <param name="ShippedChanged">The shipped text changed (a newer release) since the admin's edit was saved: the edit does not follow it.</param>
/// <param name="ShippedUnknown">The admin's edit was saved before the shipped text's fingerprint was kept: whether it changed since is unknown.</param>
public sealed record MailTemplateEntry(
    string Kind, string Culture, string Part, bool Overridden, DateTimeOffset? UpdatedAt, string? UpdatedBy, bool ShippedChanged = false,
    bool ShippedUnknown = false);

/// <summary>What a save did: stored (no problems, not stale), or refused with nothing stored.</summary>
/// <param name="Problems">What is wrong, per part (<c>subject</c>, <c>html</c>, <c>text</c>) or <c>basis</c>.</param>
public sealed record TemplateSaveResult(IDictionary<string, string[]> Problems)
{
    /// <summary>Refused as stale: the parts saved whose stored text now differs from what was sent; null otherwise.</summary>
    public IReadOnlyList<MailPart>? Stale { get; init; }

    /// <summary>With <see cref="Stale"/>: all three parts as stored now (their version is the one to save over them on purpose).</summary>
    public SortedDictionary<MailPart, string>? Stored { get; init; }

    public bool Saved => Problems.Count == 0 && Stale is null;
}

/// <summary>The result of a preview: the email as it would be sent to a sample recipient, plus what is wrong with the edit.</summary>
/// <param name="Problems">Validation problems per part (<c>subject</c>, <c>html</c>, <c>text</c>) of the sources given.</param>
/// <param name="Warnings">Parts that could not be used, so the preview shows the shipped template for them instead, each named as the page names it ("中文 / English").</param>
public sealed record MailPreview(string Subject, string Html, string Text, IDictionary<string, string[]> Problems, IReadOnlyList<string> Warnings);

/// <summary>
/// The variables one email's templates may use, each with what it means: first those its shipped template reads (what
/// the admin most likely edits), then the others; each group in the order the names are defined.
/// </summary>
public sealed record TemplateVariables(IReadOnlyList<MailVariable> Used, IReadOnlyList<MailVariable> Other)
{
    public int Count => Used.Count + Other.Count;
}

/// <summary>Reads and changes the admins' template edits; shared by the API and the admin pages.</summary>
public sealed class MailTemplateService(
    LiaisonDbContext db, MailTemplateOverrides overrides, CaseMailRenderer renderer, DigestMailRenderer digests, TimeProvider clock)
{
    /// <summary>Every kind × culture × part, in <see cref="MailTemplateKeys.Kinds"/> order (case mails, then digests).</summary>
    public async Task<List<MailTemplateEntry>> ListAsync(CancellationToken ct)
    {
        var rows = await db.Set<MailTemplateRecord>().AsNoTracking().ToListAsync(ct);
        var byKey = rows.ToDictionary(r => (r.Kind, r.Culture, r.Part));
        return (
            from kind in MailTemplateKeys.Kinds
            from culture in CaseMailRenderer.Cultures
            from part in MailTemplateKeys.Parts
            let name = MailTemplateKeys.PartName(part)
            let row = byKey.GetValueOrDefault((kind, culture, name))
            select new MailTemplateEntry(kind, culture, name, row is not null, row?.UpdatedAt, row?.UpdatedBy,
                row is not null && MailTemplateKeys.ShippedChangedSince(row), row is not null && MailTemplateKeys.ShippedUnknownSince(row))).ToList();
    }

    /// <summary>The stored edit, or null when the shipped template is used.</summary>
    public Task<MailTemplateRecord?> FindAsync(string kind, string culture, MailPart part, CancellationToken ct)
    {
        var name = MailTemplateKeys.PartName(part);
        return db.Set<MailTemplateRecord>().AsNoTracking().FirstOrDefaultAsync(r => r.Kind == kind && r.Culture == culture && r.Part == name, ct);
    }

    /// <summary>The variables a template of <paramref name="kind"/> may use, described, as the edit page lists them for <paramref name="culture"/>.</summary>
    public TemplateVariables Variables(string kind, string culture)
    {
        var digest = MailTemplateKeys.IsDigest(kind);
        var all = digest ? digests.Variables(kind) : CaseMailRenderer.Variables;
        var read = (digest ? DigestMailRenderer.ShippedReads(kind, culture) : CaseMailRenderer.ShippedReads(kind, culture)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new TemplateVariables(all.Where(v => read.Contains(v.Name)).ToList(), all.Where(v => !read.Contains(v.Name)).ToList());
    }

    /// <summary>
    /// Every problem with <paramref name="source"/> as the <paramref name="part"/> of <paramref name="kind"/> in
    /// <paramref name="culture"/>; empty when it may be stored. Besides what the renderer checks, it must print the links
    /// the shipped text prints (<see cref="MailTemplateLinks"/>) and hold no text-direction control (<see cref="DirectionControls"/>).
    /// </summary>
    public IReadOnlyList<string> Check(string kind, string culture, MailPart part, string? source)
    {
        var max = MailTemplateKeys.MaxLengthOf(part);
        if (source is not null && source.Length > max)
        {
            return part == MailPart.Subject
                ? [$"邮件主题模板不能超过 {max} 个字符 / The subject template must be at most {max} characters"]
                : [$"模板不能超过 {max} 个字符 / The template must be at most {max} characters"];
        }

        var problems = MailTemplateKeys.IsDigest(kind) ? digests.Validate(kind, source ?? "") : renderer.Validate(source ?? "");
        // A direction control typed into the template's own text would reverse every mail's text after it.
        IReadOnlyList<string> direction = DirectionControls.In(source) ? [DirectionControls.Refused.ToString()] : [];
        return string.IsNullOrWhiteSpace(source)
            ? problems
            : [.. problems, .. direction, .. MailTemplateLinks.Missing(MailTemplateKeys.ShippedSource(kind, culture, part), MailTemplateKeys.Normalize(source))];
    }

    /// <summary>Each of <paramref name="parts"/> (all three by default) as mails use it now: the admin's edit, else the shipped text.</summary>
    public async Task<SortedDictionary<MailPart, string>> StoredAsync(string kind, string culture, CancellationToken ct, IEnumerable<MailPart>? parts = null)
    {
        var sources = new SortedDictionary<MailPart, string>();
        foreach (var part in parts ?? MailTemplateKeys.Parts)
        {
            sources[part] = (await FindAsync(kind, culture, part, ct))?.Source ?? MailTemplateKeys.ShippedSource(kind, culture, part);
        }

        return sources;
    }

    /// <summary>
    /// The version of some parts as stored (<see cref="EditBasis"/>): the edit page's covers all three, the API's one part.
    /// A save sending it back is refused when these parts were saved or reset since.
    /// </summary>
    public static string BasisOf(SortedDictionary<MailPart, string> stored) => EditBasis.Of(stored.Values.ToArray());

    /// <summary>
    /// Validates and stores the edits of several parts at once (all or nothing). A source equal to the shipped text
    /// removes the edit, so the part follows future shipped versions. With <paramref name="basis"/> (the version of these
    /// parts the editor read, <see cref="BasisOf"/>), the save is refused when someone saved or reset them since and what
    /// is stored now differs from what is sent; checked under the template's lock, so of two saves from one read, one is
    /// refused. Nothing is stored when the result has problems or is stale.
    /// </summary>
    public async Task<TemplateSaveResult> SaveAsync(
        string kind, string culture, IReadOnlyDictionary<MailPart, string?> sources, Actor actor, CancellationToken ct, string? basis = null)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (Validation.Optional(basis) is { } given && !EditBasis.IsWellFormed(given))
        {
            problems["basis"] = [MalformedBasis.ToString()];
        }

        foreach (var (part, source) in sources)
        {
            var found = Check(kind, culture, part, source);
            if (found.Count > 0)
            {
                problems[MailTemplateKeys.PartName(part)] = found.ToArray();
            }
        }

        if (problems.Count > 0)
        {
            return new TemplateSaveResult(problems);
        }

        await using var tx = await LockAsync(kind, culture, ct);
        var stored = await StoredAsync(kind, culture, ct, sources.Keys);
        if (EditBasis.IsStale(basis, BasisOf(stored)))
        {
            // Saved or reset by someone else since the editor read these parts: saving would silently undo that. A save
            // asking for what is stored now changes nothing and goes through.
            var differing = stored.Where(p => p.Value != MailTemplateKeys.Normalize(sources[p.Key] ?? "")).Select(p => p.Key).ToList();
            if (differing.Count > 0)
            {
                var current = await StoredAsync(kind, culture, ct);
                return new TemplateSaveResult(problems) { Stale = differing, Stored = current };
            }
        }

        var now = clock.GetUtcNow();
        // The log says which parts changed, not their text (up to 64 KB each); the template page shows the current one.
        var changes = new AuditChanges();
        foreach (var (part, raw) in sources)
        {
            var name = MailTemplateKeys.PartName(part);
            var source = MailTemplateKeys.Normalize(raw!);
            var row = await db.Set<MailTemplateRecord>().FirstOrDefaultAsync(r => r.Kind == kind && r.Culture == culture && r.Part == name, ct);
            if (MailTemplateKeys.IsShipped(kind, culture, part, source))
            {
                if (row is not null) db.Remove(row);
                changes.Changed(name, row is not null);
                continue;
            }

            changes.Changed(name, row?.Source != source);
            // Saving is the admin's answer to the shipped text they were shown: a changed shipped text is noted again
            // only when a later release changes it once more.
            var shipped = MailTemplateKeys.ShippedHash(kind, culture, part);
            if (row is null)
            {
                db.Add(new MailTemplateRecord
                {
                    Kind = kind, Culture = culture, Part = name, Source = source, ShippedHash = shipped, UpdatedAt = now, UpdatedBy = actor.Name,
                });
            }
            else if (row.Source != source || row.ShippedHash != shipped)
            {
                row.Source = source;
                row.ShippedHash = shipped;
                row.UpdatedAt = now;
                row.UpdatedBy = actor.Name;
            }
        }

        AuditLog.Add(db, clock, actor, AuditActions.TemplateSaved, $"{kind}/{culture}", changes);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        overrides.Invalidate();
        return new TemplateSaveResult(problems);
    }

    /// <summary>A basis that is no version Liaison gives (<see cref="EditBasis.IsWellFormed"/>): the client's mistake (400), not a save since.</summary>
    public static readonly Text MalformedBasis = new(
        "不是本系统给出的模板版本，请重新读取模板后再保存", "is not a template version Liaison gives; read the template again and save from that");

    /// <summary><see cref="MalformedBasis"/> as the edit page says it, above the form.</summary>
    public static readonly Text MalformedBasisOnForm = new(
        "表单的版本信息无效，您的修改未保存：请重新打开本页后再改", "The form's version is not valid; your changes were not saved: open this page again and redo them");

    /// <summary>
    /// A transaction in which saves and resets of one template (kind and language) take turns: each reads the rows the
    /// one before committed, so two admins saving at once both succeed (the later save wins) instead of one failing on
    /// the template's key or on a row the other removed.
    /// </summary>
    private async Task<IDbContextTransaction> LockAsync(string kind, string culture, CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        await AdvisoryLocks.TakeAsync(db, AdvisoryLocks.Template, $"{kind}/{culture}", ct);
        return tx;
    }

    /// <summary>Back to the shipped template for these parts. Returns whether anything was removed.</summary>
    public async Task<bool> ResetAsync(string kind, string culture, IEnumerable<MailPart> parts, Actor actor, CancellationToken ct)
    {
        var names = parts.Select(MailTemplateKeys.PartName).ToList();
        await using var tx = await LockAsync(kind, culture, ct);
        var rows = await db.Set<MailTemplateRecord>().Where(r => r.Kind == kind && r.Culture == culture && names.Contains(r.Part)).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return false;
        }

        db.RemoveRange(rows);
        var changes = new AuditChanges();
        foreach (var row in rows.OrderBy(r => names.IndexOf(r.Part)))
        {
            changes.Changed(row.Part, true);
        }

        AuditLog.Add(db, clock, actor, AuditActions.TemplateReset, $"{kind}/{culture}", changes);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        overrides.Invalidate();

        return true;
    }

    /// <summary>
    /// Renders <paramref name="kind"/> with sample data (a made-up case, or a digest with every section filled); parts
    /// not given use the current template. Stores nothing.
    /// </summary>
    public MailPreview Preview(string kind, string culture, IReadOnlyDictionary<MailPart, string?> sources, WorkingCalendar calendar)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var given = new Dictionary<MailPart, string>();
        foreach (var (part, source) in sources)
        {
            if (source is null) continue;
            var found = Check(kind, culture, part, source);
            if (found.Count > 0)
            {
                problems[MailTemplateKeys.PartName(part)] = found.ToArray();
            }

            if (source.Length <= MailTemplateKeys.MaxLengthOf(part))
            {
                given[part] = MailTemplateKeys.Normalize(source);
            }
        }

        var edits = new PreviewOverrides(kind, culture, given, overrides);
        var mail = MailTemplateKeys.IsDigest(kind)
            ? new DigestMailRenderer(edits, calendar.TimeZone).RenderSample(kind, culture, clock.GetUtcNow())
            : new CaseMailRenderer(edits, calendar.TimeZone).Render(kind, culture, Sample(culture, calendar, kind));
        var warnings = mail.Warnings.Select(w => PreviewWarning(
            w, draft: given.TryGetValue(w.Part, out var source) && source != overrides.Find(w.Kind, w.Culture, w.Part))).ToList();
        return new MailPreview(mail.Subject, mail.HtmlBody, mail.TextBody, problems, warnings);
    }

    /// <summary>
    /// A part of the preview that fell back to the shipped template, in the admin's words ("中文 / English"): the part
    /// and language as the page names them, and whether it was the draft being previewed or the saved edit (which the
    /// mails sent replace the same way).
    /// </summary>
    private static string PreviewWarning(MailTemplateFallback fallback, bool draft)
    {
        var part = MailTemplateKeys.PartLabel(fallback.Part);
        var language = MailTemplateKeys.LanguageLabel(fallback.Culture);
        // The reason goes into a "中文 / English" line that the page splits at its first " / " again.
        var why = fallback.Why.Zh.Replace(" / ", "/", StringComparison.Ordinal).Replace(": ", "：", StringComparison.Ordinal);
        return draft
            ? new Text(
                $"{part.Zh}（{language.Zh}）：草稿无法使用，预览中改用了默认模板。原因：{why}",
                $"{part.En} ({language.En}): the draft could not be used, so the preview shows the shipped template instead. Why: {fallback.Why.En}").ToString()
            : new Text(
                $"{part.Zh}（{language.Zh}）：已保存的修改无法使用，预览和发出的邮件都改用了默认模板。原因：{why}",
                $"{part.En} ({language.En}): the saved edit could not be used, so the preview, like the mails sent, shows the shipped template instead. Why: {fallback.Why.En}").ToString();
    }

    /// <summary>
    /// A made-up case with every value set. The title and note carry markup characters on purpose, so a preview shows
    /// that the HTML part escapes them.
    /// </summary>
    /// <param name="calendar">The zone's calendar: the deadlines fall at its close of business, as real ones do.</param>
    /// <param name="kind">A mail to the enterprise gets the enterprise's contact, link and resolution.</param>
    public CaseMailModel Sample(string culture, WorkingCalendar calendar, string? kind = null)
    {
        // Working days, as real deadlines count: a sample due on a Saturday reads as a mistake.
        DateTimeOffset Due(int workingDays) => calendar.AddWorkingDays(clock.GetUtcNow(), workingDays).Due;

        var en = culture == CaseMailRenderer.English;
        var sample = new CaseMailModel
        {
            CaseNumber = "AYKF-2026-000123",
            Title = en ? "Power supply for the new plant <10kV line>" : "新厂房用电报装 <10kV 专线>",
            Description = en ? "The enterprise needs a dedicated 10kV line for its new plant." : "企业新厂房需要 10kV 专线接入，请协调供电方案。",
            CategoryNameZh = "要素保障",
            CategoryNameEn = "Factor guarantee",
            Priority = CasePriority.Urgent,
            EnterpriseName = "安岳示例柠檬科技有限公司",
            DepartmentName = "发展和改革局",
            RecipientName = en ? "Wang Jianguo" : "王建国",
            OfficerName = en ? "Li Na" : "李娜",
            LinkUrl = "https://liaison.example/l/SAMPLE-LINK",
            AcceptBy = Due(1),
            DueAt = Due(7),
            OriginalDueAt = Due(5),
            Provisional = false,
            OverdueWorkingDays = 3,
            ReasonCode = "not-our-remit",
            ReasonLabel = en ? CaseActions.ReturnReasons["not-our-remit"].En : CaseActions.ReturnReasons["not-our-remit"].Zh,
            Note = en ? "Documents A & B are attached." : "材料 A & B 已补齐。",
            ExtensionDays = 5,
            ExtensionDueIfApproved = Due(12),
            ExtensionApproved = true,
            ReturnedByDepartmentName = "自然资源和规划局",
            ReturnNote = en ? "Land use is not ours to decide & needs another bureau." : "用地审批不属于本局职责 & 需其他部门办理。",
            KeyEvent = CaseMailKind.Overdue,
        };
        return kind switch
        {
            // The cancellation notice carries the officer's reason and no link: there is nothing more to follow.
            // The officer reads the enterprise's comment and decides on the case page's rating panel.
            CaseMailKind.RatedUnsatisfied => sample with
            {
                LinkUrl = "https://liaison.example/cases/AYKF-2026-000123#rating",
                Note = en ? "The voltage is still unstable & the machines cannot start." : "电压仍不稳定 & 设备无法开机。",
            },
            CaseMailKind.EnterpriseCancelled => sample with
            {
                RecipientName = en ? "Zhang Min" : "张敏",
                LinkUrl = null,
                Note = en ? "The company solved it itself & withdrew the request." : "企业已自行解决 & 申请撤回。",
            },
            // The change notice: a deadline moved by an approved extension (from the sample's original date), no note, no link.
            CaseMailKind.EnterpriseChanged => sample with
            {
                RecipientName = en ? "Zhang Min" : "张敏",
                LinkUrl = null,
                Note = null,
                KeyEvent = EnterpriseChange.Deadline,
            },
            CaseMailKind.EnterpriseOpened or CaseMailKind.EnterpriseRate or CaseMailKind.EnterpriseAnswered => sample with
            {
                RecipientName = en ? "Zhang Min" : "张敏",
                LinkUrl = "https://liaison.example/e/SAMPLE-LINK",
                Note = en ? "The 10kV line was connected on 3 March & tested." : "10kV 专线已于3月3日接通并完成调试 & 验收。",
            },
            // A co-handler told that the lead changed hands: the lead now and before, its own task and deadline.
            CaseMailKind.LeadChanged => sample with
            {
                DepartmentName = "住房和城乡建设局",
                LeadDepartmentName = "司法局",
                LeadHandlerName = en ? "Zhao Lei" : "赵磊",
                ReassignedFromDepartmentName = "交通运输局",
                CoHandlerTask = en ? "Check the construction permit." : "请核实施工许可。",
                ReturnedByDepartmentName = null,
                Note = null,
            },
            // The handler told that the published holidays moved the case's resolve deadline by a day.
            CaseMailKind.DeadlineMoved => sample with
            {
                DueAtBefore = Due(6),
                ScheduleYear = calendar.LocalDate(Due(7)).Year,
                ReturnedByDepartmentName = null,
                Note = null,
            },
            _ => sample,
        };
    }

    private sealed class PreviewOverrides(string kind, string culture, Dictionary<MailPart, string> given, ITemplateOverrides current) : ITemplateOverrides
    {
        public string? Find(string k, string c, MailPart part) =>
            k == kind && c == culture && given.TryGetValue(part, out var source) ? source : current.Find(k, c, part);
    }
}
