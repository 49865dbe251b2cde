"""What the two peer benchmarks (peer_bench.py, peer_bench_vision.py) share: the timed training
step, the --serve protocol for `slicelab bench --peer`, the standalone interleaved rounds and
the options both take. Imports only torch and the standard library: the vision peer must set up
torchvision before anything imports peft or transformers.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import torch
from torch.nn import functional as F


def versions(**libraries):
    """The versions the peer reports: python, torch, then `libraries` in order, then malloc."""
    return {"python": sys.version.split()[0], "torch": torch.__version__, **libraries,
            "malloc": os.environ.get("LD_PRELOAD") or "glibc (default)"}


def step(built, data, prog):
    """One training step on data = (*model inputs, labels); returns phase times and OS counters."""
    model, params, optimizer = built
    *inputs, labels = data
    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    loss = F.cross_entropy(model(*inputs), labels)
    t1 = time.perf_counter()
    loss.backward()
    t2 = time.perf_counter()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    t3 = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_SELF)
    if not torch.isfinite(loss):
        raise SystemExit(f"{prog}: loss is {loss.item()}")
    return {"ms": (t3 - t0) * 1e3, "forward_ms": (t1 - t0) * 1e3,
            "backward_ms": (t2 - t1) * 1e3, "optimizer_ms": (t3 - t2) * 1e3,
            "minor_faults": after.ru_minflt - before.ru_minflt,
            "sys_cpu_ms": (after.ru_stime - before.ru_stime) * 1e3,
            "user_cpu_ms": (after.ru_utime - before.ru_utime) * 1e3}


def serve(models, data, peer_versions, prog):
    """Prints {"ready": ...}, then one step's timing per request line until an empty line."""
    print(json.dumps({"ready": True, "methods": list(models), "versions": peer_versions}),
          flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        request = json.loads(line)
        torch.set_num_threads(int(request["threads"]))
        result = step(models[request["method"]],
                      data[int(request.get("batch", 0)) % len(data)], prog)
        result["method"] = request["method"]
        print(json.dumps(result), flush=True)


def standalone(models, data, threads, rounds, warmup, peer_versions, prog):
    """Interleaved rounds over methods and thread counts; one JSON line of median step times."""
    times = {(m, t): [] for t in threads for m in models}
    keys = list(times)
    for r in range(warmup + rounds):
        for k in keys[r % len(keys):] + keys[:r % len(keys)]:
            torch.set_num_threads(k[1])
            ms = step(models[k[0]], data[r % len(data)], prog)["ms"]
            if r >= warmup:
                times[k].append(ms)
    print(json.dumps({"versions": peer_versions, "rounds": rounds, "step_ms_median": {
        f"{m}@t{t}": round(statistics.median(v), 1) for (m, t), v in times.items()}}))


def parser(doc):
    """The options both peers take (each adds its own after these)."""
    p = argparse.ArgumentParser(description=doc,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--methods", default="head,full,lora_r8,slicefine_r5_row")
    p.add_argument("--threads", default="1", help="torch threads, comma-separated")
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=16)
    return p


def check_counts(args, names, prog):
    """Exits unless each of `names` (options given as attribute names) is >= 1."""
    for name in names:
        if getattr(args, name) < 1:
            raise SystemExit(f"{prog}: --{name.replace('_', '-')} must be >= 1")


def thread_counts(args, prog):
    """--threads as a list; sets torch to one inter-op thread and the first count."""
    threads = [int(t) for t in args.threads.split(",")]
    if any(t < 1 for t in threads):
        raise SystemExit(f"{prog}: --threads must be positive integers")
    torch.set_num_interop_threads(1)
    torch.set_num_threads(threads[0])
    return threads
