"""Writes ablations/src/main/resources/org/slicelab/ablations/train/adamw.pt.

DJL's PyTorch engine has no binding for torch's fused AdamW kernel (one pass over parameter,
gradient and both moments), but it runs TorchScript modules, compiled from their source by
libtorch at load time. This script scripts a parameter-free module that applies one AdamW step
to one tensor in place, checks it against torch.optim.AdamW (gradients clipped by a factor
first), and saves it. Regenerate only when the module's source changes:

    python3 ablations/src/main/torchscript/make_adamw.py   # needs torch >= 2.4

Inputs: param, grad, exp_avg, exp_avg_sq (same shape, float32; param and both moments are
updated in place) and settings = [lr, beta1, beta2, eps, weight_decay, step, clip_factor], where
step counts from 1 and the gradient enters the update multiplied by clip_factor. Output: param.
"""
import pathlib
from typing import List, Optional

import torch
from torch import nn


class AdamWStep(nn.Module):
    def forward(self, param: torch.Tensor, grad: torch.Tensor, exp_avg: torch.Tensor,
                exp_avg_sq: torch.Tensor, settings: torch.Tensor) -> torch.Tensor:
        s: List[float] = settings.tolist()
        step = torch.full([1], s[5], dtype=torch.float32)
        # the kernel divides the gradient by grad_scale
        grad_scale: Optional[torch.Tensor] = None
        if s[6] != 1.0:
            grad_scale = torch.full([1], 1.0 / s[6], dtype=torch.float32)
        params = [param]
        exp_avgs = [exp_avg]
        exp_avg_sqs = [exp_avg_sq]
        torch._fused_adamw_(params, [grad], exp_avgs, exp_avg_sqs, [], [step], lr=s[0],
                            beta1=s[1], beta2=s[2], weight_decay=s[4], eps=s[3],
                            amsgrad=False, maximize=False, grad_scale=grad_scale,
                            found_inf=None)
        # returning the updated tensor keeps the scripted call from being removed as unused
        return params[0]


def check(module):
    torch.manual_seed(0)
    param = torch.randn(1000)
    reference = param.clone().requires_grad_(True)
    optimizer = torch.optim.AdamW([reference], lr=1e-2, weight_decay=0.1, eps=1e-8)
    exp_avg, exp_avg_sq = torch.zeros_like(param), torch.zeros_like(param)
    for step, clip in ((1, 1.0), (2, 0.5), (3, 0.25)):
        grad = torch.randn(1000) * 3
        reference.grad = grad * clip
        optimizer.step()
        module(param, grad, exp_avg, exp_avg_sq,
               torch.tensor([1e-2, 0.9, 0.999, 1e-8, 0.1, float(step), clip]))
    difference = (param - reference.detach()).abs().max().item()
    if difference > 1e-6:
        raise SystemExit(f"the scripted step differs from torch.optim.AdamW by {difference}")


if __name__ == "__main__":
    scripted = torch.jit.script(AdamWStep())
    check(scripted)
    out = (pathlib.Path(__file__).resolve().parents[1]
           / "resources/org/slicelab/ablations/train/adamw.pt")
    scripted.save(str(out))
    print(f"wrote {out} ({out.stat().st_size} bytes) with torch {torch.__version__}")
