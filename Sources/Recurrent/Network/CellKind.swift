/// The recurrent cells, with PyTorch's equations and gate order.
public enum CellKind: String, Codable, Sendable, CaseIterable {
    /// `nn.LSTM`: gates i, f, g, o.
    case lstm
    /// `nn.GRU`: gates r, z, n, with the reset applied to `W_hn h + b_hn`.
    case gru
    /// `nn.RNN` with tanh.
    case rnn

    /// Gate blocks stacked along the rows of `weight_ih` and `weight_hh`.
    public var gateCount: Int {
        switch self {
        case .lstm: 4
        case .gru: 3
        case .rnn: 1
        }
    }
}
