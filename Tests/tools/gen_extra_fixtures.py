"""PyTorch references for what ../shared/reference/fixtures does not cover.

  python Tests/tools/gen_extra_fixtures.py Tests/RecurrentTests

writes, in float64:
  Fixtures/rnn_*.json          plain tanh nn.RNN cases in the same ref-rnn-fixture/1 format as the
                               shared fixtures (so the golden test discovers them);
  ExtraFixtures/optimizers.json  5 steps of each torch.optim rule on fixed gradients;
  ExtraFixtures/losses.json      MSE, L1 and Huber losses and their gradients.
The quantile (pinball) loss has its own script, gen_quantile_fixtures.py, which imports this one.
"""
import json
import os
import sys

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)


def arr(t):
    t = t.detach().contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def draw_params(g, hidden, rnn, head):
    """Overwrites every parameter, in named_parameters() order, with uniform draws from g:
    weights in +-1/sqrt(hidden), biases in +-1.5/sqrt(hidden) (wider than PyTorch's init, so the
    biases matter). Returns them by state_dict name ("rnn.weight_ih_l0", ..., "head.bias")."""
    params = {}
    with torch.no_grad():
        for prefix, mod in (("rnn.", rnn), ("head.", head)):
            for pname, p in mod.named_parameters():
                k = 1.0 / hidden ** 0.5 * (1.5 if "bias" in pname else 1.0)
                p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * k)
                params[prefix + pname] = p
    return params


def rnn_case(name, input_dim, hidden, layers, bidir, out_dim, batch, timesteps, seed):
    g = torch.Generator().manual_seed(seed)
    rnn = nn.RNN(input_dim, hidden, num_layers=layers, bidirectional=bidir, batch_first=True)
    head = nn.Linear(hidden * (2 if bidir else 1), out_dim)
    params = draw_params(g, hidden, rnn, head)
    x = torch.randn(batch, timesteps, input_dim, generator=g).requires_grad_(True)
    y = torch.randn(batch, out_dim, generator=g)
    out, h_n = rnn(x)
    last = torch.cat([h_n[-2], h_n[-1]], dim=1) if bidir else h_n[-1]
    pred = head(last)
    loss = nn.functional.mse_loss(pred, y)
    loss.backward()
    return {
        "format": "ref-rnn-fixture/1",
        "generator": "Tests/tools/gen_extra_fixtures.py",
        "torch_version": torch.__version__,
        "config": dict(name=name, cell="rnn", input_dim=input_dim, hidden=hidden, layers=layers,
                       bidirectional=bidir, directions=2 if bidir else 1, out_dim=out_dim, batch=batch,
                       timesteps=timesteps, batch_first=True, dtype="float64"),
        "param_order": list(params),
        "params": {k: arr(v) for k, v in params.items()},
        "x": arr(x), "y": arr(y), "rnn_output": arr(out), "h_n": arr(h_n), "head_input": arr(last),
        "output": arr(pred), "loss": float(loss), "grads": {k: arr(v.grad) for k, v in params.items()},
        "grad_x": arr(x.grad),
    }


OPTIMIZERS = [
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1)),
    ("sgd_momentum_dampening_wd", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("sgd_nesterov", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    ("rmsprop", lambda p: torch.optim.RMSprop(p, lr=0.01)),
    ("rmsprop_momentum_wd", lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5, weight_decay=0.1)),
    ("adagrad", lambda p: torch.optim.Adagrad(p, lr=0.1)),
    ("adagrad_decay_wd", lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.05)),
    ("adam_wd", lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1)),
    ("adamw", lambda p: torch.optim.AdamW(p, lr=0.01)),
    ("adamw_wd", lambda p: torch.optim.AdamW(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.3)),
]


def optimizer_cases():
    g = torch.Generator().manual_seed(11)
    start = torch.randn(7, generator=g)
    grads = [torch.randn(7, generator=g) * s for s in (1.0, 0.5, 2.0, 0.1, 1.5)]
    grads[2][3] = 0.0
    cases = []
    for name, make in OPTIMIZERS:
        p = nn.Parameter(start.clone())
        opt = make([p])
        after = []
        for gr in grads:
            p.grad = gr.clone()
            opt.step()
            after.append([float(v) for v in p.detach().tolist()])
        cases.append({"name": name, "defaults": {k: (list(v) if isinstance(v, tuple) else v)
                                                  for k, v in opt.defaults.items() if isinstance(v, (int, float, bool, tuple))},
                      "after": after})
    return {"start": [float(v) for v in start.tolist()], "grads": [[float(v) for v in gr.tolist()] for gr in grads],
            "cases": cases}


def loss_cases():
    pred = torch.tensor([0.5, -1.0, 2.0, 3.0, -0.2, 1.0], requires_grad=True)
    y = torch.tensor([0.0, 1.0, 2.0, 0.5, -0.25, 1.0])
    out = {}
    for name, fn in (("mse", nn.MSELoss()), ("mae", nn.L1Loss()), ("huber", nn.HuberLoss(delta=1.0)),
                     ("huber:0.5", nn.HuberLoss(delta=0.5))):
        pred.grad = None
        loss = fn(pred, y)
        loss.backward()
        out[name] = {"loss": float(loss), "grad": [float(v) for v in pred.grad.tolist()]}
    return {"predicted": [float(v) for v in pred.detach().tolist()], "target": [float(v) for v in y.tolist()],
            "losses": out}


def main():
    root = sys.argv[1]
    fx = os.path.join(root, "Fixtures")
    extra = os.path.join(root, "ExtraFixtures")
    os.makedirs(extra, exist_ok=True)
    for spec in (("rnn_1layer", 3, 4, 1, False, 1, 2, 5, 101), ("rnn_bidir_2layer", 2, 3, 2, True, 3, 3, 4, 102)):
        with open(os.path.join(fx, spec[0] + ".json"), "w") as f:
            json.dump(rnn_case(*spec), f, indent=1)
    with open(os.path.join(extra, "optimizers.json"), "w") as f:
        json.dump(optimizer_cases(), f, indent=1)
    with open(os.path.join(extra, "losses.json"), "w") as f:
        json.dump(loss_cases(), f, indent=1)


if __name__ == "__main__":
    main()
