namespace Liaison.Server.Hosting;

/// <summary>The <c>Liaison</c> configuration section (DESIGN §7).</summary>
public sealed class LiaisonOptions
{
    public const string Section = "Liaison";

    /// <summary>Base of every link put into an email, e.g. <c>https://liaison.anyue.gov.cn</c>. Never taken from a request's Host header.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>IANA time zone for deadlines, digests and displayed times.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>
    /// The local time a working day's deadlines fall due (DESIGN §2: "close of business, default 18:00, configurable").
    /// A change applies to deadlines computed from then on; deadlines already set keep their time.
    /// </summary>
    public TimeOnly CloseOfBusiness { get; set; } = Liaison.Cases.Calendar.WorkingCalendar.DefaultCloseOfBusiness;

    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();

    /// <summary>How long a bearer token from <c>POST /api/auth/login</c> stays valid (default: a working day).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Prefix of case numbers, e.g. <c>AYKF</c> gives <c>AYKF-2026-000123</c>.</summary>
    public string CaseNumberPrefix { get; set; } = "AYKF";

    /// <summary>The zone leadership (领导小组) who receive top-level escalations and the league table.</summary>
    public List<ContactOptions> ZoneLeadership { get; set; } = [];

    /// <summary>The configured zone leadership, or one clearly marked sample address when none is configured.</summary>
    public IReadOnlyList<ContactOptions> ZoneLeadershipOrSample() =>
        ZoneLeadership.Count > 0
            ? ZoneLeadership
            : [new ContactOptions { Name = "园区领导小组办公室（示例）", Email = "leadership@anyue.example" }];

    /// <summary>The sample address the leadership's mail goes to while <see cref="ZoneLeadership"/> is not configured; null once it is.</summary>
    public string? SampleLeadershipEmail => ZoneLeadership.Count == 0 ? ZoneLeadershipOrSample()[0].Email : null;

    /// <summary>How long a link still shows its (closed) case after the round ended by closing; reassign and cancel end links at once.</summary>
    public TimeSpan LinkGracePeriod { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The least time between two nudges of one kind to one handler: the officer's urges (催办) of a case, or of one
    /// co-handler's part, and a leader's reminders (领导督促); also the officer's 重发进度链接 to a case's enterprise. Each
    /// sends mail; a second within this window is refused (409, saying when the last went and when the next may). Zero
    /// turns the limit off.
    /// </summary>
    public TimeSpan NudgeCoolDown { get; set; } = DefaultNudgeCoolDown;

    /// <summary>Ten minutes: a double-sent nudge or a burst from several officers goes once; a real follow-up waits little.</summary>
    public static readonly TimeSpan DefaultNudgeCoolDown = TimeSpan.FromMinutes(10);

    public sealed class ContactOptions
    {
        public string Name { get; set; } = "";

        public string Email { get; set; } = "";

        public string Culture { get; set; } = "zh-CN";
    }

    public DatabaseOptions Database { get; set; } = new();

    public JobsOptions Jobs { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    public DataProtectionOptions DataProtection { get; set; } = new();

    /// <summary>
    /// The key ring that signs cookies, bearer tokens and signed CSV links lives in the database. With a certificate
    /// (a PKCS#12 file) its keys are stored encrypted, so a copy of the database or a backup cannot forge sign-ins.
    /// </summary>
    public sealed class DataProtectionOptions
    {
        /// <summary>A .pfx file with the certificate and its private key; empty: keys stored as plain XML (Development).</summary>
        public string CertificatePath { get; set; } = "";

        /// <summary>The .pfx file's password, if it has one.</summary>
        public string CertificatePassword { get; set; } = "";
    }

    public sealed class BootstrapAdminOptions
    {
        public string? Email { get; set; }

        public string? Password { get; set; }
    }

    public sealed class DatabaseOptions
    {
        /// <summary>Apply pending EF Core migrations at start.</summary>
        public bool MigrateOnStart { get; set; } = true;

        /// <summary>
        /// Connections this process's application pool may hold (EF, the case-number counter). A <c>Maximum Pool Size</c>
        /// in the connection string wins. Sizing for several processes: docs/scaling.md.
        /// </summary>
        public int MaxPoolSize { get; set; } = 30;

        /// <summary>Connections Hangfire may hold beyond one per worker: its heartbeat, schedulers, recurring-job and expiry managers.</summary>
        public int HangfireExtraConnections { get; set; } = 5;
    }

    public sealed class JobsOptions
    {
        /// <summary>Run a Hangfire server in this process. Off for a web-only instance (and in most tests, which run jobs directly).</summary>
        public bool RunServer { get; set; } = true;

        public int WorkerCount { get; set; } = 4;
    }

    /// <summary>Load shedding (<see cref="Liaison.Server.Http.RequestAdmission"/>): how many requests a process serves at once and lets wait.</summary>
    public sealed class HttpOptions
    {
        /// <summary>Requests served at once, static files and the health check aside. Default: the application pool's size, so a request admitted finds a connection instead of queueing for one.</summary>
        public int? MaxConcurrentRequests { get; set; }

        /// <summary>Requests that may wait for one of those; any more are answered 503 at once. Default: four times <see cref="MaxConcurrentRequests"/>.</summary>
        public int? RequestQueueLimit { get; set; }

        /// <summary>How long a request may wait in that queue before it is answered 503.</summary>
        public TimeSpan RequestQueueTimeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>The largest request body, in bytes, anywhere but a file upload (<see cref="Liaison.Server.Http.RequestBodyLimits"/>); larger is 413.</summary>
        public long MaxRequestBodyBytes { get; set; } = Liaison.Server.Http.RequestBodyLimits.Default.MaxBytes;

        /// <summary>The largest body of a file upload (the enterprise register's CSV import, at most 2 MB of file).</summary>
        public long MaxUploadBodyBytes { get; set; } = Liaison.Server.Http.RequestBodyLimits.Default.UploadBytes;

        /// <summary>How long a request's body may take to arrive in full; slower is 408.</summary>
        public TimeSpan RequestBodyTimeout { get; set; } = Liaison.Server.Http.RequestBodyLimits.Default.Timeout;
    }
}
