"""Reference numbers for the tests of org.slicelab.ablations.train (AdamWReferenceTest,
ClassificationMetricsTest), computed with PyTorch's torch.optim.AdamW and scikit-learn.

Run once, offline, from a venv built from the wheels on this machine image, e.g.
  python3 -m venv /tmp/refvenv
  /tmp/refvenv/bin/pip install --no-index --find-links /opt/wheels --find-links /opt/pypi/files \
      --find-links /opt/pypi-more/files "torch<3" scikit-learn
  /tmp/refvenv/bin/python ablations/src/test/python/train_reference.py \
      > ablations/src/test/resources/org/slicelab/ablations/train/train-reference.json
The output is committed; the Java tests read it and never run Python.
"""
import json
import sys

import numpy as np
import sklearn
import torch
from sklearn.metrics import accuracy_score, f1_score


def adamw_case(name, shapes, steps, lrs, weight_decay, clip, grad_scales, seed):
    """AdamW on float32 tensors with given gradients: per step, clip the global norm, set the
    learning rate, step. Records the gradients fed in, the norm before clipping and the values
    after every step."""
    rng = np.random.default_rng(seed)
    initial = [rng.normal(0, 0.5, s).astype(np.float32) for s in shapes]
    params = [torch.tensor(v, requires_grad=True) for v in initial]
    opt = torch.optim.AdamW(params, lr=lrs[0], betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=weight_decay, foreach=False)
    record = {"name": name, "shapes": [list(s) for s in shapes], "weight_decay": weight_decay,
              "clip": clip, "initial": [v.ravel().tolist() for v in initial], "steps": []}
    for step in range(steps):
        grads = [(rng.normal(0, 1, s) * grad_scales[step]).astype(np.float32) for s in shapes]
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g)
        if clip > 0:
            norm = torch.nn.utils.clip_grad_norm_(params, clip)
        else:
            norm = torch.linalg.vector_norm(torch.stack(
                [torch.linalg.vector_norm(p.grad) for p in params]))
        for group in opt.param_groups:
            group["lr"] = lrs[step]
        opt.step()
        record["steps"].append({
            "lr": lrs[step],
            "grads": [g.ravel().tolist() for g in grads],
            "grad_norm": float(norm),
            "after": [p.detach().numpy().ravel().tolist() for p in params],
        })
    return record


def f1_case(name, predicted, actual, classes):
    return {
        "name": name, "classes": classes, "predicted": predicted, "actual": actual,
        "accuracy": float(accuracy_score(actual, predicted)),
        "macro_f1": float(f1_score(actual, predicted, labels=list(range(classes)),
                                   average="macro", zero_division=0)),
    }


def main():
    torch.manual_seed(0)
    adamw = [
        # clipping active on the large-gradient steps, decay on, a changing learning rate
        adamw_case("clip-and-decay", [(3, 4), (5,)], 6,
                   [1e-3, 5e-3, 1e-2, 1e-2, 4e-3, 1e-3], 0.1, 1.0,
                   [0.1, 3.0, 0.2, 5.0, 0.05, 1.0], seed=7),
        # no clipping, no decay: plain Adam with bias correction
        adamw_case("plain", [(2, 3)], 4, [2e-2, 2e-2, 2e-2, 2e-2], 0.0, 0.0,
                   [1.0, 0.5, 2.0, 1e-3], seed=11),
    ]
    rng = np.random.default_rng(3)
    f1 = [
        f1_case("binary-hand", [1, 0, 1, 1, 0, 0, 1, 0], [1, 0, 0, 1, 0, 1, 1, 1], 2),
        f1_case("binary-random", rng.integers(0, 2, 40).tolist(), rng.integers(0, 2, 40).tolist(),
                2),
        f1_case("three-class-random", rng.integers(0, 3, 50).tolist(),
                rng.integers(0, 3, 50).tolist(), 3),
        # class 2 never predicted and class 3 never occurs at all: both count as F1 = 0
        f1_case("absent-classes", [0, 1, 1, 0, 1, 0], [0, 1, 2, 0, 2, 1], 4),
        f1_case("majority-collapse", [0] * 10, [0] * 7 + [1] * 3, 2),
    ]
    json.dump({
        "generator": "ablations/src/test/python/train_reference.py",
        "torch": torch.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__,
        "adamw": adamw, "macro_f1": f1,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
