using Liaison.Workflows.Expressions;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing;

/// <summary>Publishes the run's case to expressions: <c>getCase()</c> in JavaScript, <c>Case</c> in Liquid.</summary>
public sealed class CaseExpressionGlobals : IExpressionGlobalsContributor
{
    public void Contribute(IExpressionGlobals globals, RunContext? context)
    {
        if (context?.Get<CaseRouting>() is not { } routing)
        {
            return;
        }

        globals.AddFunction("getCase", _ => routing.Case);
        globals.AddLiquidValue("Case", routing.Case);
    }
}
