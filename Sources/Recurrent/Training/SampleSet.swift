/// Windows for training or evaluation: `inputs` (count, timesteps, inputSize) batch-first and
/// `targets` (count, outputSize), both flattened row-major.
public struct SampleSet<Scalar: RecurrentScalar>: Sendable {
    public var inputs: [Scalar]
    public var targets: [Scalar]
    public let count: Int
    public let timesteps: Int
    public let inputSize: Int
    public let outputSize: Int

    public init(inputs: [Scalar], targets: [Scalar], count: Int, timesteps: Int, inputSize: Int, outputSize: Int) throws {
        guard count >= 0, timesteps >= 1, inputSize >= 1, outputSize >= 1 else {
            throw RecurrentError.invalidData("sizes must be positive (count \(count), timesteps \(timesteps), inputs \(inputSize), outputs \(outputSize))")
        }
        guard inputs.count == count * timesteps * inputSize else {
            throw RecurrentError.invalidData("inputs hold \(inputs.count) values, expected \(count)×\(timesteps)×\(inputSize)")
        }
        guard targets.count == count * outputSize else {
            throw RecurrentError.invalidData("targets hold \(targets.count) values, expected \(count)×\(outputSize)")
        }
        if let bad = inputs.firstIndex(where: { !$0.isFinite }) {
            throw RecurrentError.invalidData("input value \(bad) (window \(bad / (timesteps * inputSize))) is not finite")
        }
        if let bad = targets.firstIndex(where: { !$0.isFinite }) {
            throw RecurrentError.invalidData("target value \(bad) (window \(bad / outputSize)) is not finite")
        }
        self.inputs = inputs
        self.targets = targets
        self.count = count
        self.timesteps = timesteps
        self.inputSize = inputSize
        self.outputSize = outputSize
    }
}
