"""Exchange models between swift-forecast and PyTorch.

  python3 tools/torch_interop.py predict MODEL.safetensors DATA.csv
      Load a model written by `forecast train` into nn.LSTM/nn.GRU/nn.RNN + nn.Linear and print
      the forecast after the end of DATA.csv (compare with `forecast predict MODEL DATA`).

  python3 tools/torch_interop.py train DATA.csv TARGET OUT.safetensors [--cell gru] [--epochs 200]
      Train a model in PyTorch and write it in swift-forecast's layout, so that
      `forecast predict OUT.safetensors DATA.csv` uses it.

The model file is plain safetensors: tensors `rnn.*` and `head.*` under PyTorch's state_dict names,
`scaler.offset` and `scaler.scale` (x_scaled = (x - offset) / scale, one entry per column of
config.inputs followed by the targets that are not inputs), and `__metadata__.config`, the
forecaster's configuration as JSON. With config.residual the network predicts the change from the
last observed (scaled) target value. Needs numpy and torch only (no safetensors package).
"""
import argparse
import csv
import json
import struct
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, e in header.items():
        assert e["dtype"] == "F32", name
        b, end = e["data_offsets"]
        tensors[name] = np.frombuffer(data[base + b:base + end], dtype="<f4").reshape(e["shape"]).copy()
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        blobs.append(a.tobytes())
        offset += a.nbytes
    data = b"".join(blobs)
    canonical = b"".join(k.encode() + b"\0" + meta[k].encode() + b"\0" for k in sorted(meta))
    header["__metadata__"] = dict(meta, data_crc32=str(zlib.crc32(data)), metadata_crc32=str(zlib.crc32(canonical)))
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


class Net(nn.Module):
    """The forecaster's network: recurrent layers, then a Linear head on the final state of each
    top-layer direction (forward after t=T-1, backward after t=0)."""

    def __init__(self, cfg):
        super().__init__()
        cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cfg["cell"]]
        self.rnn = cls(len(cfg["inputs"]), cfg["hidden"], num_layers=cfg["layers"],
                       bidirectional=cfg["bidirectional"], dropout=cfg["dropout"], batch_first=True)
        self.head = nn.Linear(cfg["hidden"] * (2 if cfg["bidirectional"] else 1),
                              cfg["horizon"] * len(cfg["targets"]) * len(quantile_levels(cfg)))

    def forward(self, x):
        _, state = self.rnn(x)
        h_n = state[0] if isinstance(state, tuple) else state
        last = torch.cat([h_n[-2], h_n[-1]], dim=1) if self.rnn.bidirectional else h_n[-1]
        return self.head(last)


def quantile_levels(cfg):
    """The head's quantile levels: those of `quantile[:L1,L2,...]`, else [0.5] (one output, the
    point forecast). The head's outputs are (horizon, targets, levels), levels innermost."""
    loss = cfg.get("loss", "mse").lower()
    if not loss.startswith("quantile"):
        return [0.5]
    rest = loss[len("quantile"):].lstrip(":")
    return [float(v) for v in rest.split(",")] if rest else [0.1, 0.5, 0.9]


def read_columns(path, names):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    return {n: np.array([float(r[n].replace(",", "")) for r in rows]) for n in names}


def columns_of(cfg):
    return cfg["inputs"] + [t for t in cfg["targets"] if t not in cfg["inputs"]]


def forecast(net, cfg, offset, scale, data):
    cols = columns_of(cfg)
    scaled = {c: (data[c] - offset[i]) / scale[i] for i, c in enumerate(cols)}
    T = cfg["timesteps"]
    x = np.stack([scaled[c][-T:] for c in cfg["inputs"]], axis=1)[None].astype(np.float32)
    levels = quantile_levels(cfg)
    with torch.no_grad():
        y = net(torch.from_numpy(x)).numpy().reshape(cfg["horizon"], len(cfg["targets"]), len(levels))
    y = np.sort(y, axis=2)  # as forecast does: quantiles never cross
    out = []
    for k, t in enumerate(cfg["targets"]):
        i = cols.index(t)
        base = scaled[t][-1] if cfg.get("residual", False) else 0.0
        out.append((y[:, k, :] + base) * scale[i] + offset[i])
    return np.stack(out, axis=1), levels  # (horizon, targets, levels)


def cmd_predict(a):
    tensors, meta = read_safetensors(a.model)
    cfg = json.loads(meta["config"])
    net = Net(cfg)
    net.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items() if not k.startswith("scaler.")})
    net.eval()
    data = read_columns(a.data, columns_of(cfg))
    values, levels = forecast(net, cfg, tensors["scaler.offset"], tensors["scaler.scale"], data)
    median = levels.index(0.5) if 0.5 in levels else 0
    for h in range(cfg["horizon"]):
        for k, t in enumerate(cfg["targets"]):
            quantiles = "" if len(levels) == 1 else "  " + "  ".join(
                f"q{lv:g}={values[h, k, j]:.6f}" for j, lv in enumerate(levels))
            print(f"step {h + 1:3d}  {t}  {values[h, k, median]:.6f}{quantiles}")


def cmd_train(a):
    torch.manual_seed(a.seed)
    cfg = {"inputs": [a.target], "targets": [a.target], "timesteps": a.timesteps, "horizon": a.horizon, "stride": 1,
           "cell": a.cell, "hidden": a.hidden, "layers": 1, "bidirectional": False, "dropout": 0.0,
           "scaler": "standard", "residual": True, "loss": "mse", "optimizer": "adam", "learningRate": a.lr,
           "epochs": a.epochs, "batchSize": 16, "patience": None, "gradientClip": None, "validationFraction": 0.0,
           "missing": "error", "seed": a.seed, "timeColumn": None}
    cfg = {k: v for k, v in cfg.items() if v is not None}
    y = read_columns(a.data, [a.target])[a.target]
    offset, scale = y.mean(), y.std()
    s = ((y - offset) / scale).astype(np.float32)
    T, H = a.timesteps, a.horizon
    n = len(s) - T - H + 1
    x = np.stack([s[i:i + T] for i in range(n)])[:, :, None]
    t = np.stack([s[i + T:i + T + H] - s[i + T - 1] for i in range(n)])
    net = Net(cfg)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    xt, tt = torch.from_numpy(x), torch.from_numpy(t)
    for _ in range(a.epochs):
        perm = torch.randperm(n)
        for i in range(0, n, 16):
            idx = perm[i:i + 16]
            opt.zero_grad()
            loss = nn.functional.mse_loss(net(xt[idx]), tt[idx])
            loss.backward()
            opt.step()
    net.eval()
    tensors = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    tensors["scaler.offset"] = np.array([offset], dtype=np.float32)
    tensors["scaler.scale"] = np.array([scale], dtype=np.float32)
    write_safetensors(a.out, tensors, {"format": "swift-forecast", "format_version": "1", "config": json.dumps(cfg),
                                       "info": json.dumps({"trained_by": "PyTorch " + torch.__version__})})
    values, _ = forecast(net, cfg, tensors["scaler.offset"], tensors["scaler.scale"], {a.target: y})
    print(f"wrote {a.out}; PyTorch's forecast after the end of {a.data}:")
    for h, v in enumerate(values[:, 0, 0]):
        print(f"step {h + 1:3d}  {a.target}  {v:.6f}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    pr = sub.add_parser("predict")
    pr.add_argument("model")
    pr.add_argument("data")
    tr = sub.add_parser("train")
    tr.add_argument("data")
    tr.add_argument("target")
    tr.add_argument("out")
    tr.add_argument("--cell", default="gru", choices=["lstm", "gru", "rnn"])
    tr.add_argument("--hidden", type=int, default=16)
    tr.add_argument("--timesteps", type=int, default=12)
    tr.add_argument("--horizon", type=int, default=6)
    tr.add_argument("--epochs", type=int, default=150)
    tr.add_argument("--lr", type=float, default=0.005)
    tr.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    {"predict": cmd_predict, "train": cmd_train}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
