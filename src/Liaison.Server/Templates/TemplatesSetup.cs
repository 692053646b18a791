using Liaison.Cases.Notifications;

namespace Liaison.Server.Templates;

public static class TemplatesSetup
{
    /// <summary>The admins' email templates: the database-backed overrides the case mail renderer reads, and their service.</summary>
    public static IServiceCollection AddMailTemplates(this IServiceCollection services)
    {
        services.AddSingleton<MailTemplateOverrides>();
        services.AddSingleton<ITemplateOverrides>(sp => sp.GetRequiredService<MailTemplateOverrides>());
        services.AddScoped<MailTemplateService>();
        return services;
    }

    public static IEndpointRouteBuilder MapMailTemplates(this IEndpointRouteBuilder app)
    {
        app.MapMailTemplatesApi();
        app.MapMailTemplatePages();
        return app;
    }
}
