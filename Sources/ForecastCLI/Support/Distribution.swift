import ArgumentParser
import Forecast
import Foundation
#if MPI
import ForecastMPI
#endif

/// `--distributed`, for the commands that can run as the ranks of an MPI job.
struct DistributedOptions: ParsableArguments {
    @Flag(help: "Run as one rank of an MPI job started with mpirun -np N (needs a build with --traits MPI).")
    var distributed = false
}

/// This process's place in a run: alone, or one rank of an MPI job. Rank 0 writes files and
/// prints; the other ranks compute and stay quiet.
struct Distribution {
    let collective: Collective?
    private let finish: () -> Void
    /// Ranks of this job on this host, to share its cores between them.
    let localRanks: Int

    var rank: Int { collective?.rank ?? 0 }
    var ranks: Int { collective?.size ?? 1 }
    var writes: Bool { rank == 0 }

    static var alone: Distribution { Distribution(collective: nil, finish: {}, localRanks: 1) }

    /// Threads for one rank: this host's cores shared between its ranks.
    var defaultThreads: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount / localRanks, 256)) }

    static func start(_ options: DistributedOptions) throws -> Distribution {
        guard options.distributed else { return .alone }
        #if MPI
        let world = MPICollective.start()
        return Distribution(collective: world, finish: { world.finish() }, localRanks: world.localSize)
        #else
        throw ValidationError("this forecast was built without MPI; rebuild with: swift build -c release --traits MPI (needs libopenmpi-dev)")
        #endif
    }

    /// Runs `body` on every rank; when it throws anywhere, all ranks throw (see `Collective.together`).
    func together<T>(_ body: () throws -> T) throws -> T { try collective.together(body) }

    /// A command body as one rank: errors as `reportingErrors` prints them, once for the whole
    /// job (by the lowest failing rank), and MPI shut down on every way out.
    static func run(_ options: DistributedOptions, _ body: (Distribution) throws -> Void) throws {
        let d = try start(options)
        defer { d.finish() }
        try reportingErrors { try body(d) }
    }
}
