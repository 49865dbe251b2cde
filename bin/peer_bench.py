"""SliceLab's peer benchmark: training steps of Hugging Face transformers + PEFT on PyTorch.

The model has SliceLab's shape (all-MiniLM-L6-v2: BERT, 6 layers, hidden 384, 12 heads, FFN
1536, mean pooling over tokens, a Linear head to 2 classes); the step is what a researcher would
write: forward, cross-entropy, backward, clip_grad_norm_(1.0), torch.optim.AdamW, zero_grad.
Weights are random (step time does not depend on their values), dropout is off as in SliceLab.

Methods (the labels of `slicelab bench`):
  head                 only the head trains
  full                 every parameter trains
  lora_r<k>            PEFT LoRA, rank k, alpha 16, no dropout, on query/key/value and the three
                       dense layers of every block (SliceLab's targets); the head trains fully
  slicefine_r<k>_row   plain PyTorch: rows 0..k-1 of every encoder Linear as a trainable
  slicefine_r<k>_column  increment (columns for _column), added to the frozen product in place

Two ways to run:
  peer_bench.py [--methods ...] [--threads 1,2] [--rounds 10] [--warmup 3]
      interleaved rounds, one JSON line of medians (ms) per method and thread count
  peer_bench.py --serve [--methods ...]
      for `slicelab bench --peer`: prints {"ready": ...}, then for each input line
      {"method": M, "threads": T} runs one step and prints its timing as one JSON line
"""
import argparse
import json
import os
import re
import resource
import statistics
import sys
import time

import peft
import torch
import transformers
from torch import nn
from torch.nn import functional as F

HIDDEN, LAYERS, HEADS, FFN, VOCAB = 384, 6, 12, 1536, 30522
TARGETS = ["query", "key", "value", "dense"]
LORA_ALPHA = 16


class Classifier(nn.Module):
    """BERT encoder, mean pooling over real tokens, Linear head (SliceLab's TextClassifier)."""

    def __init__(self):
        super().__init__()
        config = transformers.BertConfig(
            vocab_size=VOCAB, hidden_size=HIDDEN, num_hidden_layers=LAYERS,
            num_attention_heads=HEADS, intermediate_size=FFN, max_position_embeddings=512,
            hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
        self.bert = transformers.BertModel(config, add_pooling_layer=False)
        self.classifier = nn.Linear(HIDDEN, 2)

    def forward(self, input_ids, attention_mask):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9)
        return self.classifier(pooled)


def encoder_linears(model):
    return [m for n, m in model.named_modules()
            if isinstance(m, nn.Linear) and n.startswith("bert.encoder")]


def attach_slice(linear, rank, axis):
    """A trainable increment on rows (or columns) 0..rank-1, added to the frozen output in place."""
    if axis == "row":
        linear.slice_delta = nn.Parameter(torch.zeros(rank, linear.in_features))

        def hook(module, inputs, output):
            output[..., :rank] += F.linear(inputs[0], module.slice_delta)
            return output
    else:
        linear.slice_delta = nn.Parameter(torch.zeros(linear.out_features, rank))

        def hook(module, inputs, output):
            output += F.linear(inputs[0][..., :rank], module.slice_delta)
            return output
    linear.register_forward_hook(hook)


def build(method, lr):
    """The model with only the method's parameters trainable, and its optimizer."""
    torch.manual_seed(0)
    model = Classifier()
    lora = re.fullmatch(r"lora_r(\d+)", method)
    sliced = re.fullmatch(r"slicefine_r(\d+)_(row|column)", method)
    if method == "full":
        pass
    elif method == "head":
        model.bert.requires_grad_(False)
    elif lora:
        rank = int(lora.group(1))
        model = peft.get_peft_model(model, peft.LoraConfig(
            r=rank, lora_alpha=LORA_ALPHA, lora_dropout=0.0, target_modules=TARGETS))
        for p in model.base_model.model.classifier.parameters():
            p.requires_grad_(True)
    elif sliced:
        model.bert.requires_grad_(False)
        for linear in encoder_linears(model):
            attach_slice(linear, int(sliced.group(1)), sliced.group(2))
    else:
        raise SystemExit(f"peer_bench: method '{method}' is not supported; use head, full, "
                         "lora_r<k>, slicefine_r<k>_row or slicefine_r<k>_column")
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    return model, params, torch.optim.AdamW(params, lr=lr, weight_decay=0.0)


def batch(size, length, seed):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(1000, VOCAB, (size, length), generator=g)
    return ids, torch.ones_like(ids), torch.randint(0, 2, (size,), generator=g)


def step(built, data):
    """One training step; returns its phase times and OS counters."""
    model, params, optimizer = built
    ids, mask, labels = data
    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    loss = F.cross_entropy(model(ids, mask), labels)
    t1 = time.perf_counter()
    loss.backward()
    t2 = time.perf_counter()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    t3 = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_SELF)
    if not torch.isfinite(loss):
        raise SystemExit(f"peer_bench: loss is {loss.item()}")
    return {"ms": (t3 - t0) * 1e3, "forward_ms": (t1 - t0) * 1e3,
            "backward_ms": (t2 - t1) * 1e3, "optimizer_ms": (t3 - t2) * 1e3,
            "minor_faults": after.ru_minflt - before.ru_minflt,
            "sys_cpu_ms": (after.ru_stime - before.ru_stime) * 1e3,
            "user_cpu_ms": (after.ru_utime - before.ru_utime) * 1e3}


def versions():
    return {"python": sys.version.split()[0], "torch": torch.__version__,
            "transformers": transformers.__version__, "peft": peft.__version__,
            "malloc": os.environ.get("LD_PRELOAD") or "glibc (default)"}


def serve(models, data):
    print(json.dumps({"ready": True, "methods": list(models), "versions": versions()}),
          flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        request = json.loads(line)
        torch.set_num_threads(int(request["threads"]))
        result = step(models[request["method"]], data[int(request.get("batch", 0)) % len(data)])
        result["method"] = request["method"]
        print(json.dumps(result), flush=True)


def standalone(models, data, threads, rounds, warmup):
    times = {(m, t): [] for t in threads for m in models}
    keys = list(times)
    for r in range(warmup + rounds):
        for k in keys[r % len(keys):] + keys[:r % len(keys)]:
            torch.set_num_threads(k[1])
            ms = step(models[k[0]], data[r % len(data)])["ms"]
            if r >= warmup:
                times[k].append(ms)
    print(json.dumps({"versions": versions(), "rounds": rounds, "step_ms_median": {
        f"{m}@t{t}": round(statistics.median(v), 1) for (m, t), v in times.items()}}))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--methods", default="head,full,lora_r8,slicefine_r5_row")
    parser.add_argument("--threads", default="1", help="torch threads, comma-separated")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-len", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    for name in ("rounds", "batch_size", "max_len"):
        if getattr(args, name) < 1:
            raise SystemExit(f"peer_bench: --{name.replace('_', '-')} must be >= 1")
    threads = [int(t) for t in args.threads.split(",")]
    if any(t < 1 for t in threads):
        raise SystemExit("peer_bench: --threads must be positive integers")
    torch.set_num_interop_threads(1)
    torch.set_num_threads(threads[0])
    models = {m: build(m, args.lr) for m in args.methods.split(",")}
    data = [batch(args.batch_size, args.max_len, seed) for seed in range(4)]
    if args.serve:
        serve(models, data)
    else:
        standalone(models, data, threads, args.rounds, args.warmup)


if __name__ == "__main__":
    main()
