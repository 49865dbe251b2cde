"""Writes svdvals.pt and eigh.pt into ablations/src/main/resources/org/slicelab/ablations/premises/.

DJL's PyTorch engine binds no linear-algebra decomposition, but it runs TorchScript modules, and
libtorch compiles a scripted module from the TorchScript source stored in its archive at load
time. These two parameter-free modules call torch.linalg.svdvals (batched singular values) and
torch.linalg.eigh (symmetric eigendecomposition). torch is not needed to write them: a TorchScript
archive (file format version 3) is a zip of the module's source (code/__torch__.py), its pickled
object (data.pkl: the class and its two attributes, byte-identical to what torch.jit.save writes
for a parameter-free module; compare attention.pt from make_attention.py), its constants and its
version. Regenerate only when a module's source changes:

    python3 ablations/src/main/torchscript/make_linalg.py
"""
import pathlib
import zipfile

HEADER = """class {cls}(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
"""

MODULES = {
    # singular values of every matrix of a batch [..., m, n], descending: [..., min(m, n)]
    "svdvals": ("SliceSpectra", """  def forward(self: __torch__.SliceSpectra,
    x: Tensor) -> Tensor:
    return torch.linalg_svdvals(x)
"""),
    # eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix [..., n, n]
    "eigh": ("SymmetricEigen", """  def forward(self: __torch__.SymmetricEigen,
    x: Tensor) -> Tuple[Tensor, Tensor]:
    _0, _1 = torch.linalg_eigh(x)
    return (_0, _1)
"""),
}


def pickled_module(cls: str) -> bytes:
    """Protocol-2 pickle of a parameter-free scripted module object, as torch.jit.save writes it."""
    def text(s: str) -> bytes:
        b = s.encode()
        return b"X" + len(b).to_bytes(4, "little") + b
    return (b"\x80\x02c__torch__\n" + cls.encode() + b"\nq\x00)\x81}(" + text("training")
            + b"q\x01\x88" + text("_is_full_backward_hook") + b"q\x02Nubq\x03.")


if __name__ == "__main__":
    out_dir = (pathlib.Path(__file__).resolve().parents[1]
               / "resources/org/slicelab/ablations/premises")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, (cls, forward) in MODULES.items():
        out = out_dir / f"{name}.pt"
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
            for entry, data in [("data.pkl", pickled_module(cls)),
                                ("code/__torch__.py", HEADER.format(cls=cls) + forward),
                                ("constants.pkl", b"\x80\x02)."), ("version", b"3\n"),
                                ("byteorder", b"little")]:
                info = zipfile.ZipInfo(f"{name}/{entry}", date_time=(1980, 1, 1, 0, 0, 0))
                z.writestr(info, data)
        print(f"wrote {out} ({out.stat().st_size} bytes)")
