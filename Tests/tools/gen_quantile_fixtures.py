"""PyTorch references for the quantile (pinball) loss of a multi-quantile head.

  python Tests/tools/gen_quantile_fixtures.py Tests/RecurrentTests

writes, in float64 (same array conventions as Fixtures/NOTES.md: {"shape", "data"} row-major):
  ExtraFixtures/quantile_loss.json  pinball loss and dL/dprediction for fixed predictions and
                                    targets, ties (prediction == target) included, for two level sets;
  ExtraFixtures/quantile_lstm.json  one nn.LSTM + nn.Linear case in the ref-rnn-fixture/1 format
                                    whose head emits horizon*targets*Q outputs and whose loss is the
                                    pinball loss instead of the MSE (so the golden MSE test, which
                                    scans Fixtures/, must not see it).

Head layout: the output (batch, horizon*targets*Q) reshapes to (batch, horizon, targets, Q); the
target (batch, horizon*targets) to (batch, horizon, targets). The loss is written exactly as
torch.max(tau*e, (tau-1)*e) with e = y - prediction, averaged over every value; at e = 0 autograd
splits the gradient evenly between the two equal arguments, giving dL/dprediction = (0.5 - tau)/N.
"""
import json
import os
import sys

import torch
import torch.nn as nn

from gen_extra_fixtures import arr, draw_params

torch.set_default_dtype(torch.float64)


def pinball(pred, y, levels):
    """pred (..., Q), y (...): mean over all values of max(tau*e, (tau-1)*e), e = y - pred."""
    tau = torch.tensor(levels)
    e = y.unsqueeze(-1) - pred
    return torch.max(tau * e, (tau - 1) * e).mean()


def loss_cases():
    # Binary fractions, so that the ties (prediction == target) are exact in float32 too.
    y = torch.tensor([0.5, -1.0, 2.0, 0.25, 3.0])
    cases = []
    for levels, pred in (
        ([0.1, 0.5, 0.9], [[0.0, 0.5, 1.0],        # tie at the median
                           [-1.0, -1.0, -1.0],     # ties at every level
                           [1.5, 2.5, 3.5],
                           [0.25, -0.75, 0.125],   # tie at the lowest level
                           [4.0, 3.0, 2.0]]),      # crossed quantiles, tie in the middle
        ([0.05, 0.25, 0.75, 0.95], [[0.5, 0.0, 1.0, 0.5],
                                    [-2.0, -1.5, -1.0, 0.0],
                                    [2.0, 1.0, 3.0, 2.0],
                                    [0.0, 0.25, 0.5, 0.75],
                                    [-3.0, 3.0, 3.5, 3.0]]),
    ):
        p = torch.tensor(pred, requires_grad=True)
        loss = pinball(p, y, levels)
        loss.backward()
        cases.append({"levels": levels, "predicted": arr(p), "loss": float(loss.detach()), "grad": arr(p.grad)})
    return {"target": arr(y), "cases": cases}


def lstm_case(name, input_dim, hidden, layers, horizon, targets, levels, batch, timesteps, seed):
    Q = len(levels)
    out_dim = horizon * targets * Q
    g = torch.Generator().manual_seed(seed)
    rnn = nn.LSTM(input_dim, hidden, num_layers=layers, batch_first=True)
    head = nn.Linear(hidden, out_dim)
    params = draw_params(g, hidden, rnn, head)
    x = torch.randn(batch, timesteps, input_dim, generator=g).requires_grad_(True)
    y = torch.randn(batch, horizon * targets, generator=g)
    out, (h_n, c_n) = rnn(x)
    last = h_n[-1]
    pred = head(last)
    loss = pinball(pred.reshape(batch, horizon, targets, Q), y.reshape(batch, horizon, targets), levels)
    loss.backward()
    return {
        "format": "ref-rnn-fixture/1",
        "generator": "Tests/tools/gen_quantile_fixtures.py",
        "torch_version": torch.__version__,
        "loss_name": "quantile:" + ",".join(repr(v) for v in levels),
        "config": dict(name=name, cell="lstm", input_dim=input_dim, hidden=hidden, layers=layers,
                       bidirectional=False, directions=1, out_dim=out_dim, horizon=horizon, target_dim=targets,
                       quantiles=levels, batch=batch, timesteps=timesteps, batch_first=True, dtype="float64"),
        "param_order": list(params),
        "params": {k: arr(v) for k, v in params.items()},
        "x": arr(x), "y": arr(y), "output": arr(pred), "loss": float(loss.detach()),
        "grads": {k: arr(v.grad) for k, v in params.items()}, "grad_x": arr(x.grad),
    }


def main():
    extra = os.path.join(sys.argv[1], "ExtraFixtures")
    os.makedirs(extra, exist_ok=True)
    with open(os.path.join(extra, "quantile_loss.json"), "w") as f:
        json.dump(loss_cases(), f, indent=1)
    with open(os.path.join(extra, "quantile_lstm.json"), "w") as f:
        json.dump(lstm_case("quantile_lstm_2layer", 3, 5, 2, 2, 2, [0.1, 0.5, 0.9], 4, 6, 201), f, indent=1)


if __name__ == "__main__":
    main()
