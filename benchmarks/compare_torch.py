"""Runs PyTorch's reference benchmark and `forecast bench` alternately, config by config and run
by run, on the same machine in one go, and prints medians and ratios. Installs nothing.

    python3 benchmarks/compare_torch.py [--runs 3] [--configs seed,stacked,bigru,large]
                                        [--forecast .build/release/forecast] [--out results.json]

Each measurement is its own process, so the peak resident memory (ru_maxrss) of each side is
measured the same way. Ratios: training and inference throughput swift/torch (higher is
better), batch-1 latency swift/torch (lower is better), peak RSS swift/torch.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def measure(cmd, stdout_path=None):
    """Runs cmd as a child and returns (status, stderr, peak RSS MiB) using wait4."""
    out = open(stdout_path, "w") if stdout_path else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()
    err.seek(0)
    return p.returncode, err.read().decode(errors="replace"), usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--configs", default="seed,stacked,bigru,large")
    ap.add_argument("--forecast", default=os.path.join(ROOT, ".build/release/forecast"))
    ap.add_argument("--forecast-args", default="", help="extra arguments for forecast bench, e.g. '--threads 2'")
    ap.add_argument("--torch-threads", type=int, default=os.cpu_count())
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--out", help="write all measurements and the summary as JSON here")
    a = ap.parse_args()

    # Not imported here: a child forked from a process holding torch would start with its memory
    # and spoil the peak-RSS figures.
    if subprocess.run([sys.executable, "-c", "import torch, numpy"], capture_output=True).returncode != 0:
        sys.exit("PyTorch is not installed: pip install torch numpy (this script installs nothing)")
    if not os.access(a.forecast, os.X_OK):
        sys.exit(f"{a.forecast} not found: run swift build -c release first")

    configs = [c for c in a.configs.split(",") if c]
    samples = {c: {"torch": [], "swift": []} for c in configs}
    tmp = tempfile.mkdtemp(prefix="compare-torch-")
    for r in range(a.runs):
        for c in configs:
            path = os.path.join(tmp, f"torch-{c}-{r}.json")
            status, err, rss = measure([sys.executable, os.path.join(HERE, "torch/bench_torch.py"), "--configs", c,
                                        "--epochs", str(a.epochs), "--threads", str(a.torch_threads), "--out", path])
            if status != 0:
                sys.exit(f"bench_torch.py failed on {c}: {err.strip()}")
            t = json.load(open(path))["results"][0]
            samples[c]["torch"].append(dict(train=t["train_samples_per_s"], infer=t["infer_samples_per_s"],
                                            latency=t["latency_b1_ms_median"], rss=rss))

            path = os.path.join(tmp, f"swift-{c}-{r}.json")
            status, err, rss = measure([a.forecast, "bench", "--configs", c, "--epochs", str(a.epochs), "--json"]
                                       + a.forecast_args.split(), stdout_path=path)
            if status != 0:
                sys.exit(f"forecast bench failed on {c}: {err.strip()}")
            s = json.load(open(path))["results"][0]
            samples[c]["swift"].append(dict(train=s["trainSamplesPerSecond"]["median"],
                                            infer=s["inferSamplesPerSecond"]["median"],
                                            latency=s["latencyBatch1Milliseconds"]["median"], rss=rss))
            last_t, last_s = samples[c]["torch"][-1], samples[c]["swift"][-1]
            print(f"run {r + 1}/{a.runs} {c:8s} train smp/s torch {last_t['train']:9.0f}  swift {last_s['train']:9.0f}"
                  f"   b1 ms torch {last_t['latency']:.3f}  swift {last_s['latency']:.3f}", file=sys.stderr, flush=True)

    def med(c, side, key):
        return statistics.median(x[key] for x in samples[c][side])

    summary = []
    print(f"\nmedians of {a.runs} alternating runs ({a.epochs} timed epochs each); torch {a.torch_threads} threads\n")
    print("| config | train smp/s torch | train smp/s swift | ratio | infer smp/s torch | infer smp/s swift | ratio "
          "| b1 latency ms torch | b1 latency ms swift | ratio | peak RSS MiB torch | peak RSS MiB swift |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c in configs:
        row = {k: (med(c, "torch", k), med(c, "swift", k)) for k in ("train", "infer", "latency", "rss")}
        summary.append(dict(config=c, **{f"{k}_torch": v[0] for k, v in row.items()},
                            **{f"{k}_swift": v[1] for k, v in row.items()}))
        tr, inf, lat, rss = row["train"], row["infer"], row["latency"], row["rss"]
        print(f"| {c} | {tr[0]:.0f} | {tr[1]:.0f} | {tr[1] / tr[0]:.2f}× | {inf[0]:.0f} | {inf[1]:.0f} | {inf[1] / inf[0]:.2f}× "
              f"| {lat[0]:.3f} | {lat[1]:.3f} | {lat[1] / lat[0]:.2f}× | {rss[0]:.0f} | {rss[1]:.0f} |")
    if a.out:
        with open(a.out, "w") as f:
            json.dump(dict(runs=a.runs, epochs=a.epochs, torch_threads=a.torch_threads,
                           forecast_args=a.forecast_args, samples=samples, summary=summary), f, indent=1)


if __name__ == "__main__":
    main()
