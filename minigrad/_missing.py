"""The error for a PyTorch name minigrad does not have (each namespace's ``__getattr__``)."""

from __future__ import annotations

import dis
import importlib.abc
import sys
from collections.abc import Callable
from types import FrameType

DOCS = "docs/pytorch.md"

# PyTorch names users reach for, with what minigrad offers instead.
KNOWN: dict[str, str] = {
    "torch.jit": "there is no TorchScript; a minigrad model is plain Python and runs as it is",
    "torch.utils.data.DistributedSampler": "minigrad trains in one process; use RandomSampler",
    "torch.cuda": "minigrad computes on the CPU, with NumPy",
    "torch.mps": "minigrad computes on the CPU, with NumPy",
    "torch.backends": "minigrad computes on the CPU, with NumPy; there are no backends to set",
    "torch.amp": "there is no mixed precision; use float32 (the default) or float64",
    "torch.autocast": "there is no mixed precision; use float32 (the default) or float64",
    "torch.fft": "there are no FFTs; use numpy.fft on t.numpy()",
    "torch.sparse": "tensors are dense NumPy arrays",
    "torch.quantization": "there is no quantization",
    "torch.ao": "there is no quantization",
    **dict.fromkeys(
        [f"torch.utils.benchmark.{name}" for name in ("CallgrindStats", "FunctionCounts")],
        "there is no Valgrind integration (Timer.collect_callgrind is refused); measure wall "
        "time with Timer.blocked_autorange",
    ),
    **dict.fromkeys(
        [f"torch.utils.benchmark.{name}" for name in ("op_fuzzers", "FuzzedSparseTensor")],
        "the ready-made fuzzers (op_fuzzers) and sparse tensors are not there; describe the "
        "inputs with Fuzzer, FuzzedParameter and FuzzedTensor",
    ),
    # torch.nn.modules' files other than module and loss (minigrad.nn.modules has those two)
    **dict.fromkeys(
        [
            f"torch.nn.modules.{name}"
            for name in (
                "activation adaptive batchnorm channelshuffle container conv distance "
                "dropout flatten fold instancenorm lazy linear normalization padding "
                "pixelshuffle pooling rnn sparse transformer upsampling utils"
            ).split()
        ],
        "minigrad keeps its layers in minigrad.nn: import them from there "
        "(from minigrad.nn import Conv2d)",
    ),
    **dict.fromkeys(
        [f"torch.hub.{name}" for name in ("load", "list", "help", "load_state_dict_from_url")]
        + ["torch.hub.download_url_to_file"],
        "minigrad loads no published models: build the model in Python and load its weights "
        "from a state dict saved by minigrad.save (docs/checkpoints.md)",
    ),
}


def missing_attribute(
    module: str, torch_module: str, why_all: str | None = None
) -> Callable[[str], object]:
    """A module ``__getattr__`` that explains a missing name instead of a bare error: the
    reason KNOWN gives for the name, else ``why_all`` (one reason for every missing name of
    the module, e.g. ``minigrad.distributed``'s), if given."""

    def __getattr__(name: str) -> object:
        if name.startswith("__"):  # dunders probed by tools (doctest, pickle, inspect)
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        torch_name = f"{torch_module}.{name}"
        why = KNOWN.get(torch_name, why_all)
        detail = f"; {why}" if why else ""
        explained = (
            f': minigrad does not have {torch_name}{detail}. See {DOCS} ("Coming from '
            'PyTorch") for what minigrad has and how it differs from PyTorch'
        )
        if _in_from_import(sys._getframe(1)):
            # Python turns an AttributeError here into its generic "cannot import name",
            # dropping the explanation; an ImportError goes through with it. Python's own
            # fallback for a circular import comes first: the submodule in sys.modules.
            submodule = sys.modules.get(f"{module}.{name}")
            if submodule is not None:
                return submodule
            raise ImportError(
                f"cannot import name {name!r} from {module!r}{explained}", name=module
            )
        raise AttributeError(f"module {module!r} has no attribute {name!r}{explained}")

    return __getattr__


_IMPORT_FROM = dis.opmap["IMPORT_FROM"]


def _in_from_import(frame: FrameType | None) -> bool:
    """Whether the attribute is being looked up by ``from module import name``: the first
    frame above the ``__getattr__`` wrappers is executing the IMPORT_FROM instruction."""
    while frame is not None and frame.f_code.co_name == "__getattr__":
        frame = frame.f_back
    if frame is None:
        return False
    code, at = frame.f_code.co_code, frame.f_lasti
    return 0 <= at < len(code) and code[at] == _IMPORT_FROM


class MissingModuleFinder(importlib.abc.MetaPathFinder):
    """Turns ``import minigrad.X`` for an absent PyTorch namespace in KNOWN into a clear error.

    It sits last on ``sys.meta_path``, so it is only asked after the normal finders found no
    module; it answers only for ``minigrad.X`` with ``torch.X`` in KNOWN and returns None for
    everything else, which leaves Python's normal ModuleNotFoundError in place.
    """

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if not fullname.startswith("minigrad."):
            return None
        torch_name = "torch" + fullname[len("minigrad") :]
        why = KNOWN.get(torch_name)
        if why is None:
            return None
        raise ModuleNotFoundError(
            f"No module named {fullname!r}: minigrad does not have {torch_name}; {why}. "
            f'See {DOCS} ("Coming from PyTorch") for what minigrad has and how it differs '
            "from PyTorch",
            name=fullname,
        )


def install_finder() -> None:
    """Append one MissingModuleFinder to ``sys.meta_path`` (idempotent)."""
    if not any(isinstance(f, MissingModuleFinder) for f in sys.meta_path):
        sys.meta_path.append(MissingModuleFinder())
