"""Writes ablations/src/main/resources/org/slicelab/ablations/backbone/vision/relu6.pt and
relu6_inplace.pt.

DJL's PyTorch engine has no binding for torch's hardtanh; its relu6 is min(relu(x), 6), whose
backward takes seven element-wise passes over the activation (eq, gt, where, masked_fill, ...),
and x.clip(0, 6) still four (ge, le, logical_and, where). A convolutional network has a ReLU6
after most of its convolutions, at their full size, so that was a fifth of MobileNetV2's training
step (docs/history.md, MobileNetV2, 2026-12-07). This script scripts a parameter-free module that
calls hardtanh(x, 0, 6) (one pass forward, one pass backward, as torch.nn.ReLU6 runs), checks
values and gradients against the element-wise definition, and saves it. Regenerate only when the
module's source changes:

    python3 ablations/src/main/torchscript/make_relu6.py   # needs torch (any 2.x)

Input: x (any shape, float32). Output: min(max(x, 0), 6). relu6_inplace.pt writes the result
into x and returns x (hardtanh_, as torch.nn.ReLU6(inplace=True) runs): no new activation-sized
tensor, for callers that own x (nothing else reads it); autograd handles it as torch does.
"""
import pathlib

import torch
from torch import nn
from torch.nn import functional as F


class ReLU6(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.hardtanh(x, 0.0, 6.0)


class ReLU6Inplace(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.hardtanh_(x, 0.0, 6.0)


def check(module, inplace):
    """Values and gradients equal clamp(x, 0, 6)'s; in place: written into a non-leaf input."""
    torch.manual_seed(0)
    x = (torch.randn(4, 8, 5, 5) * 5).requires_grad_(True)
    reference = x.detach().clone().requires_grad_(True)
    inner = x * 1.5  # a non-leaf, as a convolution's output is
    out = module(inner)
    if inplace and out.data_ptr() != inner.data_ptr():
        raise SystemExit("the scripted in-place relu6 did not write into its input")
    expected = torch.clamp(reference * 1.5, 0.0, 6.0)
    if not torch.equal(out, expected):
        raise SystemExit(f"the scripted relu6 (in place: {inplace}) differs from clamp(x, 0, 6)")
    grad = torch.randn_like(out)
    out.backward(grad)
    expected.backward(grad)
    if not torch.equal(x.grad, reference.grad):
        raise SystemExit(f"the scripted relu6's (in place: {inplace}) gradient differs from clamp's")


if __name__ == "__main__":
    folder = (pathlib.Path(__file__).resolve().parents[1]
              / "resources/org/slicelab/ablations/backbone/vision")
    for module, inplace, name in ((ReLU6(), False, "relu6.pt"),
                                  (ReLU6Inplace(), True, "relu6_inplace.pt")):
        scripted = torch.jit.script(module)
        check(scripted, inplace)
        out = folder / name
        scripted.save(str(out))
        print(f"wrote {out} ({out.stat().st_size} bytes) with torch {torch.__version__}")
