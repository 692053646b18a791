using BenchmarkDotNet.Running;

namespace Liaison.Bench;

public static class Program
{
    /// <summary>
    /// <c>dotnet run -c Release --project bench/Liaison.Bench -- --filter '*'</c> (see bench/run.sh).
    /// <c>-- --check</c> runs each flow once on both engines and prints what happened, without BenchmarkDotNet.
    /// <c>-- --durable [--cycles N] [--warmup N] [--workers N] [--inserts N]</c> runs benchmark (c), the durable cycle on a
    /// throwaway PostgreSQL cluster with fsync on (Durable/DurableCycleBench.cs; a Stopwatch harness, not BenchmarkDotNet).
    /// <c>-- --children [--parents N] [--wide N]</c> runs the child-workflow benchmark on such a cluster (Durable/DurableChildrenBench.cs).
    /// </summary>
    public static int Main(string[] args)
    {
        if (args is ["--durable", ..])
        {
            return Durable.DurableCycleBench.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        if (args is ["--children", ..])
        {
            return Durable.DurableChildrenBench.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        if (args is ["--mail", ..])
        {
            return Durable.MailRelayBench.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        if (args is ["--million", ..])
        {
            return Million.MillionBench.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        if (args is ["--load", ..])
        {
            return Load.LoadDriver.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        if (args is ["--check"])
        {
            Check.Run();
            return 0;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
