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
import re

import peft
import torch
import transformers
from torch import nn
from torch.nn import functional as F

import peer_bench_common as common

PROG = "peer_bench"

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
        raise SystemExit(f"{PROG}: method '{method}' is not supported; use head, full, "
                         "lora_r<k>, slicefine_r<k>_row or slicefine_r<k>_column")
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    return model, params, torch.optim.AdamW(params, lr=lr, weight_decay=0.0)


def batch(size, length, seed):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(1000, VOCAB, (size, length), generator=g)
    return ids, torch.ones_like(ids), torch.randint(0, 2, (size,), generator=g)


def versions():
    return common.versions(transformers=transformers.__version__, peft=peft.__version__)


def main():
    parser = common.parser(__doc__)
    parser.add_argument("--max-len", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    common.check_counts(args, ("rounds", "batch_size", "max_len"), PROG)
    threads = common.thread_counts(args, PROG)
    models = {m: build(m, args.lr) for m in args.methods.split(",")}
    data = [batch(args.batch_size, args.max_len, seed) for seed in range(4)]
    if args.serve:
        common.serve(models, data, versions(), PROG)
    else:
        common.standalone(models, data, threads, args.rounds, args.warmup, versions(), PROG)


if __name__ == "__main__":
    main()
