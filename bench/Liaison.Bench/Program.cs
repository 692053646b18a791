using BenchmarkDotNet.Running;

namespace Liaison.Bench;

public static class Program
{
    /// <summary>
    /// <c>dotnet run -c Release --project bench/Liaison.Bench -- --filter '*'</c> (see bench/run.sh).
    /// <c>-- --check</c> runs each flow once on both engines and prints what happened, without BenchmarkDotNet.
    /// </summary>
    public static int Main(string[] args)
    {
        if (args is ["--check"])
        {
            Check.Run();
            return 0;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
