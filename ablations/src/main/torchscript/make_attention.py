"""Writes ablations/src/main/resources/org/slicelab/ablations/backbone/attention.pt.

DJL's PyTorch engine has no binding for torch's fused scaled_dot_product_attention, but it runs
TorchScript modules, and a scripted module is compiled from its source by libtorch at load time.
This script scripts a parameter-free module that calls it and saves it (file format version 3,
which every libtorch since 1.x loads). Regenerate only when the module's source changes:

    python3 ablations/src/main/torchscript/make_attention.py   # needs torch (any 2.x)

Inputs: q, k, v [batch, heads, length, head_dim]; mask: an additive float mask broadcastable to
[batch, heads, length, length], or an empty tensor for no mask. Output: [batch, heads, length,
head_dim]. Scaling is 1 / sqrt(head_dim), as in BERT.
"""
import pathlib

import torch
from torch import nn
from torch.nn import functional as F


class Attention(nn.Module):
    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                mask: torch.Tensor) -> torch.Tensor:
        if mask.numel() == 0:
            return F.scaled_dot_product_attention(q, k, v)
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


if __name__ == "__main__":
    out = (pathlib.Path(__file__).resolve().parents[1]
           / "resources/org/slicelab/ablations/backbone/attention.pt")
    torch.jit.script(Attention()).save(str(out))
    print(f"wrote {out} ({out.stat().st_size} bytes) with torch {torch.__version__}")
