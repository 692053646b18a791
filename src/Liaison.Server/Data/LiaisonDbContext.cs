using Liaison.Cases.Cases;
using Liaison.Cases.Departments;
using Liaison.Server.Auth;
using Liaison.Server.Mail;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Data;

public sealed class LiaisonDbContext(DbContextOptions<LiaisonDbContext> options)
    : IdentityDbContext<LiaisonUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    /// <summary>
    /// SQL: a case not ended (<see cref="CaseStatuses.Ended"/>, stored by name) whose deadline is provisional. The filter
    /// of ix_cases_provisional_open and the WHERE of the query it serves, the same text so PostgreSQL matches them.
    /// </summary>
    public static readonly string OpenProvisionalCases =
        $"provisional AND status NOT IN ({string.Join(", ", CaseStatuses.Ended.Select(s => $"'{s}'"))})";

    /// <summary>SQL: a case whose resolve deadline runs (<see cref="CaseStatuses.ClockRunning"/>, stored by name): the filter of ix_cases_running_due.</summary>
    public static readonly string ClockRunningCases = $"status IN ({string.Join(", ", CaseStatuses.ClockRunning.Select(s => $"'{s}'"))})";

    /// <summary>SQL: a case not yet closed or cancelled (<see cref="CaseStatuses.Open"/>, stored by name): the filter of ix_cases_open_by_officer.</summary>
    public static readonly string OpenCases = $"status IN ({string.Join(", ", CaseStatuses.Open.Select(s => $"'{s}'"))})";

    /// <summary>
    /// The keys that protect sign-in cookies and antiforgery tokens, shared by every server instance on this database
    /// and kept across restarts and container rebuilds.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Department> Departments => Set<Department>();

    public DbSet<Case> Cases => Set<Case>();

    public DbSet<CaseEvent> CaseEvents => Set<CaseEvent>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    /// <summary>The insert-only rows waiting for the next SaveChanges (<see cref="AppendOnlyRows"/>).</summary>
    public AppendOnlyRows Appended { get; } = new();

    /// <summary>What this scope has read or written already, for its later steps (<see cref="ScopeReads"/>).</summary>
    public ScopeReads Reads { get; } = new();

    /// <summary>What the current transaction scheduled, for <see cref="Workflows.WorkflowTimerScheduler"/> to act on when it ends.</summary>
    internal Workflows.TransactionTimers Timers { get; } = new();

    /// <summary>Saved mail not yet committed: the outbox pump is woken when it commits (<see cref="OutboxKickInterceptor"/>).</summary>
    internal bool MailPending { get; set; }

    /// <summary>
    /// Queues a row that is only ever inserted (journal, bookmark, incident, timeline entry, mail, link, fired deadline): the next
    /// <see cref="SaveChangesAsync(bool, CancellationToken)"/> writes it after the tracked changes, in their transaction.
    /// It is never tracked.
    /// </summary>
    public void Append(object row) => Appended.Add(row);

    /// <summary>Forgets every unsaved change, tracked and appended (after a rollback, or to read rows afresh).</summary>
    public void DiscardChanges()
    {
        ChangeTracker.Clear();
        Appended.Clear();
        Reads.Clear();
    }

    /// <summary>Saves the tracked changes, then the appended rows, in one transaction (the caller's, or its own).</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (Appended.Count == 0 || Database.CurrentTransaction is not null)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken) + await Appended.WriteAsync(this, cancellationToken);
        }

        await using var tx = await Database.BeginTransactionAsync(cancellationToken);
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken) + await Appended.WriteAsync(this, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return saved;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) => Appended.Count == 0
        ? base.SaveChanges(acceptAllChangesOnSuccess)
        : throw new InvalidOperationException("Appended rows are written by SaveChangesAsync.");

    /// <summary>
    /// Npgsql stores timestamptz from UTC values only; deadlines carry +08:00. Every DateTimeOffset is written as UTC
    /// (the instant is unchanged) and read back as UTC.
    /// </summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        configuration.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
        configuration.Properties<DateTimeOffset?>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, DateTimeOffset>(
        v => v.ToUniversalTime(), v => v);

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        // Trigram indexes answer the case list's substring search (ILIKE '%q%') without reading every case.
        b.HasPostgresExtension("pg_trgm");

        b.Entity<Department>(e =>
        {
            e.ToTable("departments");
            e.HasIndex(d => d.Code).IsUnique();
            // Names are unique too, without case: an expression index on lower(name), created by the migration
            // DepartmentNameUnique (the model cannot say it).
            e.Property(d => d.Code).HasMaxLength(32);
            e.Property(d => d.Name).HasMaxLength(100);
            e.OwnsOne(d => d.Handler, ConfigureLiaison);
            e.OwnsOne(d => d.Leader, ConfigureLiaison);
        });

        b.Entity<Case>(e =>
        {
            e.ToTable("cases");
            e.HasIndex(c => c.Number).IsUnique();
            // A department's cases in one status, newest first (the case list with both filters: the ids of the page
            // straight from the index). As (status, department_code) it left the planner a choice, and with statistics
            // from before a sweep changed 10,000 statuses it walked all of a department's cases instead: 108 ms p50 for
            // status=accepted&departmentCode=fgj at a million cases, where the matching 644 ids are one index range.
            e.HasIndex(c => new { c.DepartmentCode, c.Status, c.Id });
            // The case list filters by status or department and pages newest first (CaseQueries.ListAsync). It finds a
            // page's ids first: with the deadline in these two indexes, the status and overdue filters and the offset
            // of a deep page are read from the index alone (page 1,000 is 50,000 rows skipped), not from the table.
            // The department too: the league table's "overdue now" counts open cases past their deadline per department
            // from this index alone (1.2 s reading 14,000 table pages at a million cases without it, bench/RESULTS.md).
            e.HasIndex(c => new { c.Status, c.Id }).IncludeProperties(c => new { c.DueAt, c.DepartmentCode });
            e.HasIndex(c => c.Id, "ix_cases_id_status_due_at").IncludeProperties(c => new { c.Status, c.DueAt }).HasDatabaseName("ix_cases_id_status_due_at");
            e.HasIndex(c => new { c.DepartmentCode, c.Id });
            // An officer's cases newest first (the case list's officer filter, "my cases"), and an account's work to hand over.
            e.HasIndex(c => new { c.OfficerId, c.Id });
            // An officer's open cases (the workbench's "my open" and "my overdue", the list's officer=me&status=open):
            // only open cases, with their status and deadline, so both counts read this index alone. With the index
            // above, a prepared statement's generic plan (the same for every officer) read every case, or every open
            // case, for an officer with none: 390 and 58 ms at a million cases, against 0.02–9 ms here (bench/RESULTS.md (g)).
            e.HasIndex(c => new { c.OfficerId, c.Id }, "ix_cases_open_by_officer").IncludeProperties(c => new { c.Status, c.DueAt })
                .HasFilter(OpenCases).HasDatabaseName("ix_cases_open_by_officer");
            // The case list's "awaiting a decision" filter: the few cases with an extension request pending (CaseQueries.WaitingForDecision).
            e.HasIndex(c => c.Id, "ix_cases_pending_extension").HasFilter("pending_extension_days IS NOT NULL").HasDatabaseName("ix_cases_pending_extension");
            // The case list's opened-date filter (CaseQueries.ListAsync: openedFrom, openedTo): a range of days, not a walk
            // of every case newest first down to the first day.
            e.HasIndex(c => c.CreatedAt);
            // The case list's key-enterprise filter: the key enterprises' cases, a fraction of all, newest first from
            // this small index, counted from it too.
            e.HasIndex(c => c.Id, "ix_cases_key_enterprise").HasFilter("enterprise_is_key").HasDatabaseName("ix_cases_key_enterprise");
            // The admin start page's warning: open cases whose deadline is provisional (its year has no holiday
            // schedule yet). Few at any time, so the index is small; its filter is the query's WHERE (CalendarYearStore.UnscheduledYearsAsync).
            // The case list by deadline (sort=due): the cases whose deadline runs, soonest first, a page straight from here.
            e.HasIndex(c => new { c.DueAt, c.Id }, "ix_cases_running_due").HasFilter(ClockRunningCases).HasDatabaseName("ix_cases_running_due");
            // The case list by last change (sort=updated), a page straight from here.
            e.HasIndex(c => new { c.UpdatedAt, c.Id });
            e.HasIndex(c => c.DueAt, "ix_cases_provisional_open").HasFilter(OpenProvisionalCases).HasDatabaseName("ix_cases_provisional_open");
            e.Property(c => c.Number).HasMaxLength(32);
            e.Property(c => c.Title).HasMaxLength(200);
            e.Property(c => c.Category).HasMaxLength(32);
            e.Property(c => c.DepartmentCode).HasMaxLength(32);
            e.Property(c => c.RoundDepartmentCode).HasMaxLength(32);
            e.Property(c => c.Priority).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.RowVersion).IsRowVersion();
            e.Property(c => c.AcceptByBasis).HasColumnType("jsonb");
            e.Property(c => c.DueAtBasis).HasColumnType("jsonb");
            e.HasIndex(c => c.WorkflowInstanceId);
            // The case list's search q: title, number or enterprise name containing the text.
            e.HasIndex(c => c.Title, "ix_cases_title_trgm").HasMethod("gin").HasOperators("gin_trgm_ops").HasDatabaseName("ix_cases_title_trgm");
            e.HasIndex(c => c.Number, "ix_cases_number_trgm").HasMethod("gin").HasOperators("gin_trgm_ops").HasDatabaseName("ix_cases_number_trgm");
            e.OwnsOne(c => c.Enterprise, o =>
            {
                o.Property(x => x.Name).HasMaxLength(200);
                o.HasIndex(x => x.Name, "ix_cases_enterprise_name_trgm").HasMethod("gin").HasOperators("gin_trgm_ops").HasDatabaseName("ix_cases_enterprise_name_trgm");
                o.Property(x => x.CreditCode).HasMaxLength(18);
                o.Property(x => x.Contact).HasMaxLength(200);
                o.Property(x => x.ChiefServiceOfficer).HasMaxLength(100);
            });
            e.HasMany(c => c.Timeline).WithOne().HasForeignKey(x => x.CaseId);
        });

        b.Entity<CaseEvent>(e =>
        {
            e.ToTable("case_events");
            e.HasIndex(x => new { x.CaseId, x.At });
            e.Property(x => x.Kind).HasMaxLength(48);
            e.Property(x => x.Actor).HasMaxLength(256);
            e.Property(x => x.Data).HasColumnType("jsonb");
            e.Property(x => x.DepartmentCode).HasMaxLength(32);
            // The league table adds up the scored entries of a period from this index alone (LeagueTableQuery); part_id
            // tells a co-handler's entries from the lead's.
            // The case list's department filter with involved=true: the cases a department was ever dispatched (lead or
            // co-handling part), newest first, from this index alone (CaseQueries.ListAsync).
            e.HasIndex(x => new { x.DepartmentCode, x.CaseId }, "ix_case_events_dispatched").HasDatabaseName("ix_case_events_dispatched")
                .IncludeProperties(x => x.PartId).HasFilter($"kind = '{CaseEventKinds.Dispatched}'");
            e.HasIndex(x => x.At, "scored").HasDatabaseName("ix_case_events_scored")
                .IncludeProperties(x => new { x.Kind, x.DepartmentCode, x.CaseId, x.OnTime, x.RoundStartedAt, x.NextSameAt, x.PartId })
                .HasFilter("department_code IS NOT NULL");
        });

        b.Entity<OutboxMessage>(e =>
        {
            e.ToTable("mail_outbox");
            // A mail's bodies (10–20 KB of HTML) are compressed when stored: lz4 costs a fraction of PostgreSQL's default
            // pglz, which was a seventh of PostgreSQL's CPU in a timer sweep (perf, bench/RESULTS.md (g)).
            e.Property(m => m.HtmlBody).UseCompressionMethod("lz4");
            e.Property(m => m.TextBody).UseCompressionMethod("lz4");
            e.HasIndex(m => m.MessageId).IsUnique();
            // The relay takes the oldest pending row whose back-off has passed: the pending rows in that order, so
            // taking the next one does not sort all pending mail. It is the only index on pending rows: with one on
            // (status, next_attempt_at), statistics from before a sweep queued 13,000 mails (an estimate of one
            // pending row) made PostgreSQL read and sort all of them on disk for every mail, 23–35 ms each. The MIN of
            // next_attempt_at, read when nothing is due, scans only the rows waiting for a retry.
            e.HasIndex(m => new { m.CreatedAt, m.Id }).HasFilter("status = 'Pending'").HasDatabaseName("ix_mail_outbox_pending");
            // The admin pages' failed mail.
            e.HasIndex(m => m.CreatedAt).HasFilter("status = 'Failed'").HasDatabaseName("ix_mail_outbox_failed");
            e.HasIndex(m => m.CaseId);
            e.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(m => m.Kind).HasMaxLength(48);
            e.Property(m => m.MessageId).HasMaxLength(200);
            e.Property(m => m.ThreadRootMessageId).HasMaxLength(200);
        });

        // Features keep their own mappings beside their code (IEntityTypeConfiguration<T> classes).
        b.ApplyConfigurationsFromAssembly(typeof(LiaisonDbContext).Assembly);
    }

    private static void ConfigureLiaison(OwnedNavigationBuilder<Department, DepartmentLiaison> o)
    {
        o.Property(x => x.Name).HasMaxLength(100);
        o.Property(x => x.Email).HasMaxLength(254);
        o.Property(x => x.Culture).HasMaxLength(8);
    }
}
