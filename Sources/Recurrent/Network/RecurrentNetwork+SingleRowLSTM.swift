import CPackedProduct
import CSpinPool
import CVectorMath

/// Batch-1 LSTM steps on two cores, split by hidden unit: each core computes the four gate rows
/// of its half of the units (h_{t-1} times 4 blocks of W_hh rows, each block 128 KiB on `large`)
/// and then the cell update of those units, so the gate nonlinearities run in parallel too and a
/// step needs one hand-over instead of a product on two cores followed by the cell update on one.
/// Gates come out the same bits as through `SingleRowProduct` (the same dot kernel per row).
///
/// Shapes as in forwardDirection: gates (T, 4H) holding bias + input projection, W_hh (4H, H),
/// h_t at out + t·ldh, c_t and tanh(c_t) at row t of (T, H).
struct SingleRowLSTMSteps {
    let T: Int, H: Int, ldh: Int
    let reversed: Bool
    let gates: UnsafeMutablePointer<Float>
    let whh: UnsafePointer<Float>
    let out: UnsafeMutablePointer<Float>
    let cells: UnsafeMutablePointer<Float>, cellTanh: UnsafeMutablePointer<Float>
    /// Units [0, split) are part 0, [split, H) part 1.
    let split: Int
    var step = 0

    /// Where `SingleRowProduct` would split the (4H, H) product over two cores, this does instead.
    static func applies(hidden H: Int) -> Bool {
        SingleRowProduct.usesTwoCores(n: 4 * H, k: H) && cpp_available() != 0
    }

    init(T: Int, H: Int, ldh: Int, reversed: Bool, gates: UnsafeMutablePointer<Float>, whh: UnsafePointer<Float>,
         out: UnsafeMutablePointer<Float>, cells: UnsafeMutablePointer<Float>, cellTanh: UnsafeMutablePointer<Float>) {
        (self.T, self.H, self.ldh, self.reversed) = (T, H, ldh, reversed)
        (self.gates, self.whh, self.out, self.cells, self.cellTanh) = (gates, whh, out, cells, cellTanh)
        split = (H / 2) & ~7
    }

    private func time(_ s: Int) -> Int { reversed ? T - 1 - s : s }

    /// Every other step runs the four blocks last to first (see SingleRowProduct: each half is
    /// about as large as a core's L2, and this way a step starts on what the last one left there).
    func run(part: Int) {
        let lo = part == 0 ? 0 : split, hi = part == 0 ? split : H
        guard hi > lo else { return }
        let t = time(step)
        let g = gates + t * 4 * H
        var cPrev: UnsafePointer<Float>?
        if step > 0 {
            let tp = time(step - 1)
            let hPrev = UnsafePointer(out + tp * ldh)
            for q in 0..<4 {
                let block = step % 2 == 1 ? 3 - q : q
                cpp_rows_dot(hi - lo, H, whh + (block * H + lo) * H, H, hPrev, g + block * H + lo)
            }
            cPrev = UnsafePointer(cells + tp * H)
        }
        cvm_lstm_forward_units(H, lo, hi, g, cPrev, cells + t * H, cellTanh + t * H, out + t * ldh)
    }

    mutating func runAll() {
        for s in 0..<T {
            step = s
            withUnsafeMutablePointer(to: &self) { pointer in
                csp_run_pair({ context, part in
                    context!.assumingMemoryBound(to: SingleRowLSTMSteps.self).pointee.run(part: Int(part))
                }, pointer)
            }
        }
    }
}
