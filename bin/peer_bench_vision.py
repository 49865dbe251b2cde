"""SliceLab's vision peer benchmark: training steps of torchvision's MobileNetV2 + PEFT on PyTorch.

The model is torchvision's mobilenet_v2 (the architecture of SliceLab's `mobilenet-v2` backbone:
52 convolutions, 17 of them depthwise, 1280 pooled features) with a 10-class Linear head on the
globally pooled features, as `slicelab bench --backbone mobilenet-v2` trains it; the step is what
a researcher would write: forward, cross-entropy, backward, clip_grad_norm_(1.0),
torch.optim.AdamW, zero_grad. Batch norm runs in eval mode with frozen running statistics (as in
SliceLab: its affine parameters train only under `full`), dropout is off. Weights and images are
random (step time does not depend on their values). Activations are NCHW as torchvision makes
them (`--channels-last` converts model and images, the layout SliceLab runs).

Methods (the labels of `slicelab bench`):
  head                   only the head trains
  full                   every parameter trains (kernels, batch-norm scales and shifts, head)
  lora_r<k>              PEFT LoRA, rank k, alpha 16, no dropout, on every convolution that is not
                         depthwise (PEFT's and SliceLab's default); the head trains fully
  slicefine_r<k>_row     plain PyTorch: filters 0..k-1 of every convolution (input channels for
  slicefine_r<k>_column  _column; channels of a depthwise one) as a trainable increment D, run as
                         one convolution with W + D (a parametrization), as SliceLab runs it

Two ways to run:
  peer_bench_vision.py [--methods ...] [--threads 1,2] [--rounds 10] [--warmup 3]
      interleaved rounds, one JSON line of medians (ms) per method and thread count
  peer_bench_vision.py --serve [--methods ...]
      for `slicelab bench --backbone mobilenet-v2 --peer`: prints {"ready": ...}, then for each
      input line {"method": M, "threads": T, "batch": B} runs one step and prints its timing as
      one JSON line
"""
import importlib.util
import re
import sys
import types

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils import parametrize

import peer_bench_common as common

PROG = "peer_bench_vision"

CLASSES = 10
LORA_ALPHA = 16


def torchvision_models():
    """torchvision.models; without its C++ operators when they cannot load.

    The torchvision wheels on this machine are CUDA builds: against the CPU build of torch their
    detection operators (nms, roi_align) fail to register and `import torchvision` fails. The
    classification models are pure Python, so the package is then loaded without its
    initialisation (which registers those operators).
    """
    try:
        import torchvision
        return torchvision.__version__, torchvision.models
    except (ImportError, RuntimeError, OSError):
        spec = importlib.util.find_spec("torchvision")
        package = types.ModuleType("torchvision")
        package.__path__ = list(spec.submodule_search_locations)
        package.__spec__ = spec
        sys.modules["torchvision"] = package
        from torchvision import models
        from torchvision import version
        return version.__version__ + " (models only)", models


# before peft: transformers (imported by peft) imports torchvision when it can find it
TORCHVISION_VERSION, MODELS = torchvision_models()
import peft  # noqa: E402


class SliceDelta(nn.Module):
    """W -> W + D, D trainable at units 0..rank-1 of one weight axis (zero elsewhere)."""

    def __init__(self, weight, rank, axis):
        super().__init__()
        shape = list(weight.shape)
        shape[axis] = rank
        self.delta = nn.Parameter(torch.zeros(shape))
        self.axis = axis
        self.rest = weight.shape[axis] - rank

    def forward(self, weight):
        pad = [0, 0] * (weight.dim() - 1 - self.axis) + [0, self.rest]
        return weight + F.pad(self.delta, pad)


def convolutions(model):
    return [m for m in model.features.modules() if isinstance(m, nn.Conv2d)]


def build(method, lr, channels_last):
    """The model with only the method's parameters trainable, and its optimizer."""
    torch.manual_seed(0)
    model = MODELS.mobilenet_v2(num_classes=CLASSES)
    lora = re.fullmatch(r"lora_r(\d+)", method)
    sliced = re.fullmatch(r"slicefine_r(\d+)_(row|column)", method)
    if method == "full":
        pass
    elif method == "head":
        model.features.requires_grad_(False)
    elif lora:
        names = [n for n, m in model.named_modules()
                 if isinstance(m, nn.Conv2d) and m.groups == 1]
        model = peft.get_peft_model(model, peft.LoraConfig(
            r=int(lora.group(1)), lora_alpha=LORA_ALPHA, lora_dropout=0.0,
            target_modules=names))
        for p in model.base_model.model.classifier.parameters():
            p.requires_grad_(True)
    elif sliced:
        model.features.requires_grad_(False)
        rank = int(sliced.group(1))
        for conv in convolutions(model):
            axis = 0 if sliced.group(2) == "row" or conv.groups > 1 else 1
            parametrize.register_parametrization(conv, "weight",
                                                 SliceDelta(conv.weight, rank, axis))
    else:
        raise SystemExit(f"{PROG}: method '{method}' is not supported; use head, "
                         "full, lora_r<k>, slicefine_r<k>_row or slicefine_r<k>_column")
    model.train()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eval()
        if isinstance(m, nn.Dropout):
            m.p = 0.0
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    params = [p for p in model.parameters() if p.requires_grad]
    return model, params, torch.optim.AdamW(params, lr=lr, weight_decay=0.0)


def batch(size, image_size, seed, channels_last):
    g = torch.Generator().manual_seed(seed)
    images = torch.randn(size, 3, image_size, image_size, generator=g)
    if channels_last:
        images = images.contiguous(memory_format=torch.channels_last)
    return images, torch.randint(0, CLASSES, (size,), generator=g)


def versions(channels_last):
    return common.versions(
        torchvision=TORCHVISION_VERSION, peft=peft.__version__,
        memory_format="channels_last" if channels_last else "NCHW (contiguous)")


def main():
    parser = common.parser(__doc__)
    parser.add_argument("--image-size", type=int, default=96)
    parser.add_argument("--lr", type=float, default=1e-5)
    parser.add_argument("--channels-last", action="store_true")
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    common.check_counts(args, ("rounds", "batch_size"), PROG)
    if args.image_size < 32:
        raise SystemExit(f"{PROG}: --image-size must be >= 32 (MobileNetV2's strides)")
    threads = common.thread_counts(args, PROG)
    models = {m: build(m, args.lr, args.channels_last) for m in args.methods.split(",")}
    data = [batch(args.batch_size, args.image_size, seed, args.channels_last)
            for seed in range(4)]
    peer_versions = versions(args.channels_last)
    if args.serve:
        common.serve(models, data, peer_versions, PROG)
    else:
        common.standalone(models, data, threads, args.rounds, args.warmup, peer_versions, PROG)


if __name__ == "__main__":
    main()
