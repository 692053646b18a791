using Liaison.Cases.Common;
using Liaison.Server.Admin;
using Liaison.Server.Data;
using Liaison.Server.Pages;

namespace Liaison.Server.Workflows;

/// <summary>
/// The admins' page for one workflow instance at <c>/admin/workflow-instances/{id}</c>: what runs and where it stands,
/// its parent and children (each a link to its own page), its bookmarks, journal and incidents. It reads what
/// <c>GET /api/workflow-instances/{id}</c> answers, from the same loader.
/// </summary>
public static class WorkflowInstancePages
{
    public static IEndpointRouteBuilder MapWorkflowInstancePages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapAdminPageGroup("admin/workflow-instances");
        pages.MapGet("/{id}", Show);
        return app;
    }

    public static string InstanceUrl(Guid id) => $"/admin/workflow-instances/{id}";

    private static async Task<IResult> Show(string id, LiaisonDbContext db, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var instanceId))
        {
            return PageResults.Message(
                new MessageModel(new Text("编号无效", "Invalid id"),
                    new Text($"“{id}”不是流程实例编号（应为 GUID，如 3f2b…-…）", $"'{id}' is not a workflow instance id (a GUID such as 3f2b…-…)"),
                    "/admin", BackToAdmin),
                StatusCodes.Status400BadRequest);
        }

        return await WorkflowInstancesApi.LoadAsync(db, instanceId, ct) is { } instance
            ? PageResults.Page<WorkflowInstancePage>(instance)
            : PageResults.Message(
                new MessageModel(MessageModel.NotFoundTitle, new Text($"没有编号为 {instanceId} 的流程实例", $"There is no workflow instance '{instanceId}'"),
                    "/admin", BackToAdmin),
                StatusCodes.Status404NotFound);
    }

    private static readonly Text BackToAdmin = new("返回管理", "Back to admin");

    /// <summary>An instance's status in the reader's words.</summary>
    public static Text StatusLabel(string status) => status switch
    {
        "Running" => new("运行中", "Running"),
        "Suspended" => new("等待中", "Suspended (waiting)"),
        "Finished" => new("已结束", "Finished"),
        "Faulted" => new("出错终止", "Faulted"),
        "Cancelled" => new("已取消", "Cancelled"),
        _ => new(status, status),
    };
}
