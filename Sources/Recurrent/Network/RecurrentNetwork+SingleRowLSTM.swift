import CPackedProduct
import CSpinPool
import CVectorMath

/// Batch-1 LSTM steps on two cores, split by hidden unit: each core computes the four gate rows
/// of its half of the units (h_{t-1} times 4 blocks of W_hh rows, each block 128 KiB on `large`)
/// and then the cell update of those units, so the gate nonlinearities run in parallel too.
/// Both cores stay in one CSpinPool job for the whole sequence and meet once per step
/// (`csp_meet`), instead of a hand-over per step.
///
/// Before step 0, each core fills its units' gate columns for every time step (bias and input
/// projection), so that prologue runs in parallel as well, with W_ih's rows packed and
/// CPackedProduct's tile kernel (OpenBLAS's sgemm on the same 64 × 128 × 16 blocks was 9% of
/// `large` batch-1 CPU time). Each core also packs its rows of W_hh into panels then (step 0 has
/// no product: h_{-1} = 0), and every later step runs the single-row panel kernel, which streams
/// one panel after another (512 × 256 per core: 5.9 µs vs 7.0 for the row-by-row dot kernel;
/// packing 21 µs once). The panels stay packed from one call to the next while the weights'
/// `ParameterStore.generation` stays the same (`large` latency 0.494 → 0.468 ms, medians of 6
/// alternating runs). Gates then come out the bits of the batched time loop, which sums in the
/// same order. H must be a multiple of 16, so that every panel of 16 rows belongs to one core;
/// other sizes take `SingleRowProduct`, which also splits the product over two cores.
///
/// Shapes as in forwardDirection: x (T, I), W_ih (4H, I), gates (T, 4H), W_hh
/// (4H, H), h_t at out + t·ldh, c_t and tanh(c_t) at row t of (T, H). `panels` holds
/// `panelFloats(hidden:inputs:)`: W_hh's panels as `cpp_pack(H, 4H, W_hh, H, 1)` lays them out,
/// then W_ih's.
struct SingleRowLSTMSteps {
    struct Input {
        let x: UnsafePointer<Float>, width: Int
        let wih: UnsafePointer<Float>
        /// (4H): b_ih + b_hh.
        let bias: UnsafePointer<Float>
    }

    let T: Int, H: Int, ldh: Int
    let reversed: Bool
    let input: Input
    let gates: UnsafeMutablePointer<Float>
    let whh: UnsafePointer<Float>
    let out: UnsafeMutablePointer<Float>
    let cells: UnsafeMutablePointer<Float>, cellTanh: UnsafeMutablePointer<Float>
    /// Where W_hh and W_ih are packed before step 0.
    let panels: UnsafeMutablePointer<Float>, inputPanels: UnsafeMutablePointer<Float>
    /// Units [0, split) are part 0, [split, H) part 1.
    let split: Int
    /// Whether `panels` already hold W_hh and W_ih, packed by an earlier call.
    let packed: Bool

    /// Where `SingleRowProduct` would split the (4H, H) product over two cores, this does instead.
    static func applies(hidden H: Int) -> Bool {
        SingleRowProduct.usesTwoCores(n: 4 * H, k: H) && H % 16 == 0 && cpp_available() != 0
    }

    /// Floats of the `panels` buffer for H hidden units and I inputs.
    static func panelFloats(hidden H: Int, inputs I: Int) -> Int { cpp_panel_floats(H, 4 * H) + 4 * H * I }

    init(T: Int, H: Int, ldh: Int, reversed: Bool, input: Input, gates: UnsafeMutablePointer<Float>,
         whh: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, cells: UnsafeMutablePointer<Float>,
         cellTanh: UnsafeMutablePointer<Float>, panels: UnsafeMutablePointer<Float>, packed: Bool) {
        (self.T, self.H, self.ldh, self.reversed, self.input) = (T, H, ldh, reversed, input)
        (self.gates, self.whh, self.out, self.cells, self.cellTanh) = (gates, whh, out, cells, cellTanh)
        self.panels = panels
        self.packed = packed
        inputPanels = panels + cpp_panel_floats(H, 4 * H)
        split = (H / 2) & ~15
    }

    private func time(_ s: Int) -> Int { reversed ? T - 1 - s : s }

    /// gates[t][rows] = b_ih + b_hh + x_t · W_ih[rows]ᵀ for every t, for the rows of units [lo, hi)
    /// in each gate block (what forwardDirection computes for all rows at once); packs those rows
    /// of W_ih and W_hh too, unless `packed`.
    private func prepare(_ lo: Int, _ hi: Int) {
        let n = hi - lo, I = input.width
        for block in 0..<4 {
            let row = block * H + lo
            // Panels of 16 rows each, k = I: block by block they sit at row · I as in one packing.
            if !packed { cpp_pack(I, n, input.wih + row * I, I, 1, inputPanels + row * I) }
            cpp_multiply_bias(T, n, I, input.x, I, inputPanels + row * I, input.bias + row, gates + row, 4 * H)
            if !packed { cpp_pack(H, n, whh + row * H, H, 1, panels + row * H) }
        }
    }

    /// Every other step runs the four blocks last to first (see SingleRowProduct: each half is
    /// about as large as a core's L2, and this way a step starts on what the last one left there).
    private func run(units lo: Int, _ hi: Int, step: Int) {
        let t = time(step)
        let g = gates + t * 4 * H
        var cPrev: UnsafePointer<Float>?
        if step > 0 {
            let tp = time(step - 1)
            let hPrev = UnsafePointer(out + tp * ldh)
            for q in 0..<4 {
                let block = step % 2 == 1 ? 3 - q : q
                let row = block * H + lo
                cpp_multiply(1, hi - lo, H, hPrev, H, panels + row * H, g + row, 4 * H)
            }
            cPrev = UnsafePointer(cells + tp * H)
        }
        cvm_lstm_forward_units(H, lo, hi, g, cPrev, cells + t * H, cellTanh + t * H, out + t * ldh)
    }

    /// The whole sequence, `part` 0 on the calling thread and 1 on CSpinPool's helper.
    private func runSequence(part: Int) {
        let lo = part == 0 ? 0 : split, hi = part == 0 ? split : H
        prepare(lo, hi)
        for s in 0..<T {
            // Step s reads all of h_{s-1}, half of which the other core wrote.
            if s > 0 { csp_meet(Int32(part)) }
            run(units: lo, hi, step: s)
        }
    }

    func runAll() {
        var steps = self
        withUnsafeMutablePointer(to: &steps) { pointer in
            csp_run_pair({ context, part in
                context!.assumingMemoryBound(to: SingleRowLSTMSteps.self).pointee.runSequence(part: Int(part))
            }, pointer)
        }
    }
}
