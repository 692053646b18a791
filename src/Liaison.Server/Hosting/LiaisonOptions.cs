namespace Liaison.Server.Hosting;

/// <summary>The <c>Liaison</c> configuration section (DESIGN §7).</summary>
public sealed class LiaisonOptions
{
    public const string Section = "Liaison";

    /// <summary>Base of every link put into an email, e.g. <c>https://liaison.anyue.gov.cn</c>. Never taken from a request's Host header.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>IANA time zone for deadlines, digests and displayed times.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();

    public DatabaseOptions Database { get; set; } = new();

    public JobsOptions Jobs { get; set; } = new();

    public sealed class BootstrapAdminOptions
    {
        public string? Email { get; set; }

        public string? Password { get; set; }
    }

    public sealed class DatabaseOptions
    {
        /// <summary>Apply pending EF Core migrations at start.</summary>
        public bool MigrateOnStart { get; set; } = true;
    }

    public sealed class JobsOptions
    {
        /// <summary>Run a Hangfire server in this process. Off for a web-only instance (and in most tests, which run jobs directly).</summary>
        public bool RunServer { get; set; } = true;

        public int WorkerCount { get; set; } = 4;
    }
}
