"""Writes ablations/src/main/resources/org/slicelab/ablations/train/adamw.pt.

DJL's PyTorch engine has no binding for torch's fused AdamW kernel (one pass over parameter,
gradient and both moments), but it runs TorchScript modules, compiled from their source by
libtorch at load time. This script scripts a parameter-free module that applies one AdamW step
to one tensor in place, checks it against torch.optim.AdamW (gradients clipped by a factor
first), checks that every tensor it creates lives on the parameter's device (run on the `meta`
device under a dispatch mode that records each operation's devices: torch's CUDA kernel reads
`step` and `grad_scale` from device memory, so a CPU tensor there is an illegal memory access on
a GPU), and saves it. Regenerate only when the module's source changes:

    python3 ablations/src/main/torchscript/make_adamw.py   # needs torch >= 2.4
    # e.g. with the peer venv: ~/.cache/slicelab/peer-venv/bin/python (bin/slicelab-peer-bench --setup)

Inputs: param, grad, exp_avg, exp_avg_sq (same shape and device, float32; param and both moments
are updated in place) and settings = [lr, beta1, beta2, eps, weight_decay, step, clip_factor], a
list of floats kept on the host (no device read-back), where step counts from 1 and the gradient
enters the update multiplied by clip_factor. Output: param.
"""
import pathlib
from typing import List, Optional

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode


class AdamWStep(nn.Module):
    def forward(self, param: torch.Tensor, grad: torch.Tensor, exp_avg: torch.Tensor,
                exp_avg_sq: torch.Tensor, settings: List[float]) -> torch.Tensor:
        s = settings
        # torch's CUDA kernel reads step and grad_scale from device memory: the parameter's device
        step = torch.full([1], s[5], dtype=torch.float32, device=param.device)
        # the kernel divides the gradient by grad_scale
        grad_scale: Optional[torch.Tensor] = None
        if s[6] != 1.0:
            grad_scale = torch.full([1], 1.0 / s[6], dtype=torch.float32, device=param.device)
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
        module(param, grad, exp_avg, exp_avg_sq, [1e-2, 0.9, 0.999, 1e-8, 0.1, float(step), clip])
    difference = (param - reference.detach()).abs().max().item()
    if difference > 1e-6:
        raise SystemExit(f"the scripted step differs from torch.optim.AdamW by {difference}")


class DeviceRecorder(TorchDispatchMode):
    """Records the device types of every tensor each dispatched operation reads or returns."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        devices = set()
        pending = [list(args), list(kwargs.values()), result]
        while pending:
            value = pending.pop()
            if isinstance(value, torch.Tensor):
                devices.add(value.device.type)
            elif isinstance(value, (list, tuple)):
                pending.extend(value)
        self.seen.append((str(func), devices))
        return result


def check_devices(module):
    """Every tensor the module reads or creates must be on the parameters' device (here `meta`)."""
    tensors = [torch.zeros(8, device="meta") for _ in range(4)]
    for clip in (1.0, 0.5):  # both branches: with and without grad_scale
        recorder = DeviceRecorder()
        with recorder:
            module(*tensors, [1e-2, 0.9, 0.999, 1e-8, 0.0, 1.0, clip])
        stray = [(op, sorted(d)) for op, d in recorder.seen if d - {"meta"}]
        if stray or not any("_fused_adamw_" in op for op, _ in recorder.seen):
            raise SystemExit(f"the scripted step touches tensors off the parameters' device: {stray}"
                             f" (operations seen: {recorder.seen})")


if __name__ == "__main__":
    scripted = torch.jit.script(AdamWStep())
    check(scripted)
    check_devices(scripted)
    out = (pathlib.Path(__file__).resolve().parents[1]
           / "resources/org/slicelab/ablations/train/adamw.pt")
    scripted.save(str(out))
    print(f"wrote {out} ({out.stat().st_size} bytes) with torch {torch.__version__}")
