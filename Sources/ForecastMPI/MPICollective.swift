#if MPI
import CMPI
import Recurrent

/// `Collective` on MPI's world communicator: the ranks `mpirun` started.
///
///     let world = try MPICollective.start()
///     defer { world.finish() }
///     trainer.collective = world   // every rank trains; rank 0 writes
///
/// Calls come from one thread at a time (MPI_THREAD_SERIALIZED); gradients are summed in
/// place with MPI_Allreduce, so no copy of the model travels beyond what MPI itself sends.
public final class MPICollective: Collective {
    public let rank: Int
    public let size: Int
    /// Ranks on this host, to share its cores between them.
    public let localSize: Int
    private let world: MPI_Comm

    private init(world: MPI_Comm) {
        self.world = world
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(world, &r)
        MPI_Comm_size(world, &s)
        rank = Int(r)
        size = Int(s)
        var local: MPI_Comm? = nil
        var l: Int32 = 1
        if MPI_Comm_split_type(world, Int32(MPI_COMM_TYPE_SHARED), r, cmpi_info_null(), &local) == MPI_SUCCESS {
            MPI_Comm_size(local, &l)
            MPI_Comm_free(&local)
        }
        localSize = Int(max(1, l))
    }

    /// Initializes MPI (once per process) and returns the world.
    public static func start() -> MPICollective {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            var provided: Int32 = 0
            MPI_Init_thread(nil, nil, Int32(MPI_THREAD_SERIALIZED), &provided)
        }
        return MPICollective(world: cmpi_comm_world())
    }

    /// Shuts MPI down; every rank calls it once, after its last collective call.
    public func finish() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }

    /// Ends every rank of the run at once, for a failure the other ranks cannot know about.
    public func abort(code: Int32) -> Never {
        MPI_Abort(world, code)
        fatalError("MPI_Abort returned")
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        MPI_Allreduce(cmpi_in_place(), values.baseAddress, Int32(values.count), cmpi_float(), cmpi_sum(), world)
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
        MPI_Allreduce(cmpi_in_place(), values.baseAddress, Int32(values.count), cmpi_double(), cmpi_sum(), world)
    }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, from root: Int) {
        Self.inPieces(bytes.count) { offset, n in
            MPI_Bcast(bytes.baseAddress! + offset, n, cmpi_byte(), Int32(root), world)
        }
    }

    /// MPI counts are Int32: a buffer goes in pieces of at most 1 GiB, as (offset, count).
    private static func inPieces(_ count: Int, _ body: (Int, Int32) -> Void) {
        var offset = 0
        while offset < count {
            let n = min(count - offset, 1 << 30)
            body(offset, Int32(n))
            offset += n
        }
    }

    public func gather(_ bytes: [UInt8], to root: Int) -> [[UInt8]]? {
        guard rank == root else {
            var length = UInt64(bytes.count)
            MPI_Send(&length, 1, cmpi_uint64(), Int32(root), 0, world)
            bytes.withUnsafeBytes { send($0, to: root) }
            return nil
        }
        return (0..<size).map { source in
            guard source != rank else { return bytes }
            var length: UInt64 = 0
            MPI_Recv(&length, 1, cmpi_uint64(), Int32(source), 0, world, cmpi_status_ignore())
            var part = [UInt8](repeating: 0, count: Int(length))
            part.withUnsafeMutableBytes { receive($0, from: source) }
            return part
        }
    }

    private func send(_ bytes: UnsafeRawBufferPointer, to destination: Int) {
        Self.inPieces(bytes.count) { offset, n in
            MPI_Send(bytes.baseAddress! + offset, n, cmpi_byte(), Int32(destination), 1, world)
        }
    }

    private func receive(_ bytes: UnsafeMutableRawBufferPointer, from source: Int) {
        Self.inPieces(bytes.count) { offset, n in
            MPI_Recv(bytes.baseAddress! + offset, n, cmpi_byte(), Int32(source), 1, world, cmpi_status_ignore())
        }
    }

    public func allGather(_ bytes: [UInt8]) -> [[UInt8]] {
        var lengths = [UInt64](repeating: 0, count: size)
        var mine = UInt64(bytes.count)
        MPI_Allgather(&mine, 1, cmpi_uint64(), &lengths, 1, cmpi_uint64(), world)
        // Large gathers go one rank at a time, each by broadcast, to stay inside Int32 counts.
        return (0..<size).map { root in
            var part = root == rank ? bytes : [UInt8](repeating: 0, count: Int(lengths[root]))
            part.withUnsafeMutableBytes { broadcast($0, from: root) }
            return part
        }
    }
}
#endif
