import CVectorMath
import Recurrent
import Testing

/// CVectorMath's fused LSTM step against the equations written out one element at a time in
/// Swift with the same operations in the same order (and the same path's sigmoid and tanh): the
/// results must be the same bits, on the AVX2 path and on the baseline one, for widths that leave a partial vector and for the zero
/// initial state.
@Suite("Fused LSTM step kernels")
struct LSTMStepKernelTests {
    /// The activations of the path under test (AVX2 + FMA or baseline round differently).
    struct Activations {
        let baseline: Bool
        func σ(_ x: Float) -> Float {
            var y: Float = 0
            if baseline { cvm_sigmoid_baseline([x], &y, 1) } else { Float.sigmoid([x], &y, count: 1) }
            return y
        }
        func tanh(_ x: Float) -> Float {
            var y: Float = 0
            if baseline { cvm_tanh_baseline([x], &y, 1) } else { Float.tanh([x], &y, count: 1) }
            return y
        }
    }

    struct Case {
        let batch: Int, hidden: Int, ldh: Int
        let gates: [Float], cPrev: [Float]?, dh: [Float], dc: [Float]

        init(batch: Int, hidden: Int, withPrevious: Bool, seed: UInt64) {
            var g = SeededGenerator(seed: seed)
            func values(_ n: Int, _ bound: Double) -> [Float] { (0..<n).map { _ in Float(g.uniform(bound: bound)) } }
            self.batch = batch
            self.hidden = hidden
            ldh = hidden + 3
            gates = values(batch * 4 * hidden, 6)
            cPrev = withPrevious ? values(batch * hidden, 2) : nil
            dh = values(batch * ldh, 1)
            dc = values(batch * hidden, 1)
        }
    }

    static let cases = [(1, 1, false), (2, 8, true), (3, 13, true), (2, 50, false), (4, 50, true), (1, 64, true)]
        .enumerated().map { Case(batch: $1.0, hidden: $1.1, withPrevious: $1.2, seed: UInt64($0 + 1)) }

    @Test("forward: activations, c, tanh(c) and h equal the element-by-element equations bit for bit",
          arguments: cases.indices, [false, true])
    func forward(index: Int, baseline: Bool) {
        let k = Self.cases[index], H = k.hidden, act = Activations(baseline: baseline)
        var gates = k.gates
        var c = [Float](repeating: 9, count: k.batch * H), cTanh = c
        var h = [Float](repeating: 7, count: k.batch * k.ldh)
        let run = baseline ? cvm_lstm_forward_baseline : cvm_lstm_forward
        if let cPrev = k.cPrev {
            run(k.batch, H, &gates, cPrev, &c, &cTanh, &h, k.ldh)
        } else {
            run(k.batch, H, &gates, nil, &c, &cTanh, &h, k.ldh)
        }
        for b in 0..<k.batch {
            for j in 0..<H {
                let a = b * 4 * H + j
                let i = act.σ(k.gates[a]), f = act.σ(k.gates[a + H])
                let gg = act.tanh(k.gates[a + 2 * H]), o = act.σ(k.gates[a + 3 * H])
                let cv = k.cPrev.map { f * $0[b * H + j] + i * gg } ?? i * gg
                let tc = act.tanh(cv)
                #expect([gates[a], gates[a + H], gates[a + 2 * H], gates[a + 3 * H]].map(\.bitPattern)
                        == [i, f, gg, o].map(\.bitPattern), "row \(b) unit \(j)")
                #expect(c[b * H + j].bitPattern == cv.bitPattern)
                #expect(cTanh[b * H + j].bitPattern == tc.bitPattern)
                #expect(h[b * k.ldh + j].bitPattern == (o * tc).bitPattern)
            }
            // The padding between rows of h is not touched.
            #expect(h[b * k.ldh + H..<b * k.ldh + k.ldh].allSatisfy { $0 == 7 })
        }
    }

    @Test("backward: dGates and dc_{t-1} equal the element-by-element equations bit for bit",
          arguments: cases.indices, [false, true])
    func backward(index: Int, baseline: Bool) {
        let k = Self.cases[index], H = k.hidden, act = Activations(baseline: baseline)
        // Activations as forward leaves them.
        let acts = k.gates.enumerated().map { n, x in (n / H) % 4 == 2 ? act.tanh(x) : act.σ(x) }
        let cTanh = (0..<k.batch * H).map { act.tanh(Float($0 % 11) / 4 - 1.2) }
        var dc = k.dc
        var dGates = [Float](repeating: 5, count: k.batch * 4 * H)
        let run = baseline ? cvm_lstm_backward_baseline : cvm_lstm_backward
        if let cPrev = k.cPrev {
            run(k.batch, H, k.dh, k.ldh, &dc, acts, cPrev, cTanh, &dGates)
        } else {
            run(k.batch, H, k.dh, k.ldh, &dc, acts, nil, cTanh, &dGates)
        }
        for b in 0..<k.batch {
            for j in 0..<H {
                let a = b * 4 * H + j
                let i = acts[a], f = acts[a + H], gg = acts[a + 2 * H], o = acts[a + 3 * H]
                let tc = cTanh[b * H + j], dhv = k.dh[b * k.ldh + j]
                let prev = k.cPrev?[b * H + j] ?? 0
                let dct = dhv * o * (1 - tc * tc) + k.dc[b * H + j]
                let expected = [dct * gg * i * (1 - i), dct * prev * f * (1 - f), dct * i * (1 - gg * gg),
                                dhv * tc * o * (1 - o)]
                #expect([dGates[a], dGates[a + H], dGates[a + 2 * H], dGates[a + 3 * H]].map(\.bitPattern)
                        == expected.map(\.bitPattern), "row \(b) unit \(j)")
                #expect(dc[b * H + j].bitPattern == (dct * f).bitPattern)
            }
        }
    }
}
