/// Derivative-free minimization by the Nelder–Mead simplex (reflection 1, expansion 2,
/// contraction 0.5, shrink 0.5), as `optim(method = "Nelder-Mead")` in R. The objective may
/// return `.infinity` for points outside the feasible region; the simplex then moves away.
public enum NelderMead {
    public static func minimize(_ f: ([Double]) -> Double, start: [Double], step: [Double],
                         maxEvaluations: Int = 2_000, tolerance: Double = 1e-8) -> (x: [Double], value: Double) {
        let d = start.count
        guard d > 0 else { return (start, f(start)) }
        var simplex = [start]
        for i in 0..<d {
            var p = start
            p[i] += step[i]
            simplex.append(p)
        }
        var values = simplex.map(f)
        var evaluations = d + 1
        while evaluations < maxEvaluations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            let spread = abs(values[d] - values[0])
            if spread <= tolerance * (abs(values[0]) + tolerance) && values[d].isFinite { break }
            var centroid = [Double](repeating: 0, count: d)
            for p in simplex.dropLast() { for i in 0..<d { centroid[i] += p[i] / Double(d) } }
            func along(_ t: Double) -> [Double] { (0..<d).map { centroid[$0] + t * (simplex[d][$0] - centroid[$0]) } }
            let reflected = along(-1)
            let fr = f(reflected); evaluations += 1
            if fr < values[0] {
                let expanded = along(-2)
                let fe = f(expanded); evaluations += 1
                if fe < fr { simplex[d] = expanded; values[d] = fe } else { simplex[d] = reflected; values[d] = fr }
            } else if fr < values[d - 1] {
                simplex[d] = reflected; values[d] = fr
            } else {
                let outside = fr < values[d]
                let contracted = along(outside ? -0.5 : 0.5)
                let fc = f(contracted); evaluations += 1
                if fc < (outside ? fr : values[d]) {
                    simplex[d] = contracted; values[d] = fc
                } else {
                    for k in 1...d {
                        simplex[k] = (0..<d).map { simplex[0][$0] + 0.5 * (simplex[k][$0] - simplex[0][$0]) }
                        values[k] = f(simplex[k])
                    }
                    evaluations += d
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] }!
        return (simplex[best], values[best])
    }
}
