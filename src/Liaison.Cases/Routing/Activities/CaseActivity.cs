using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

/// <summary>Base of the <c>Liaison.*</c> activities: they need the case of the run.</summary>
public abstract class CaseActivity : Activity
{
    public const string Category = "Liaison";

    public sealed override void Execute(ActivityContext context)
    {
        if (CaseRouting.From(context) is { } routing)
        {
            Execute(context, routing);
        }
        else
        {
            context.Fault("This activity needs a case: it runs only in a case workflow. / 该活动只能在事项流程中运行。");
        }
    }

    protected abstract void Execute(ActivityContext context, CaseRouting routing);
}
