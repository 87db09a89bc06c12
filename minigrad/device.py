"""Devices: minigrad computes on the CPU with NumPy, and says so when asked for another device.

``minigrad.device("cpu")``, ``tensor.device``, ``.to(...)`` and ``device=`` keep PyTorch
programs running unchanged; ``cuda``, ``xpu``, ``backends.mps``, ``backends.cudnn`` and
``accelerator`` answer as they do on a machine without a GPU.
"""

from __future__ import annotations

import sys
from types import ModuleType, SimpleNamespace
from typing import Any

from ._missing import missing_attribute

__all__ = [
    "accelerator",
    "as_device",
    "backends",
    "cuda",
    "device",
    "get_default_device",
    "parse_to",
    "set_default_device",
    "xpu",
]


# PyTorch's device types: each can be named, only the CPU can hold a tensor.
_DEVICE_TYPES = (
    "cpu",
    "cuda",
    "ipu",
    "xpu",
    "mkldnn",
    "opengl",
    "opencl",
    "ideep",
    "hip",
    "ve",
    "fpga",
    "maia",
    "xla",
    "lazy",
    "vulkan",
    "mps",
    "meta",
    "hpu",
    "mtia",
    "privateuseone",
)


def _refuse(what: Any) -> RuntimeError:
    return RuntimeError(
        f"device {what!r} is not available: minigrad computes on the CPU with NumPy "
        "(use device='cpu', or leave device out)"
    )


class device:
    """Where a tensor lives: always ``device(type='cpu')`` for minigrad's tensors.

    As in PyTorch, a ``device`` object only names a device: ``device("cuda")`` can be made and
    compared (``device("cuda").index`` is None, as programs that probe for a GPU expect), but
    asking for a tensor or a module on it raises, since minigrad computes on the CPU.

    Args:
        type: a device type ("cpu", "cuda", "mps"...), optionally with an index ("cuda:1"),
            or a device.
        index: an optional device index.

    Raises:
        RuntimeError: for a string that names no device type, as PyTorch's message says.
    """

    __slots__ = ("index", "type")

    type: str
    index: int | None

    def __init__(self, type: Any = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        if not isinstance(type, str):
            raise _refuse(type)  # an int means the current accelerator's ordinal in PyTorch
        name, colon, ordinal = type.partition(":")
        if name not in _DEVICE_TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
                f"string: {type}"
            )
        if colon and not ordinal.isdigit():
            raise RuntimeError(f"Invalid device string: {type!r}")
        if ordinal:
            if index is not None:
                raise RuntimeError(f"device(): {type!r} already names an index; got index={index}")
            index = int(ordinal)
        self.type = name
        self.index = index

    def __repr__(self) -> str:
        extra = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{extra})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __enter__(self) -> device:
        """``with torch.device(d):`` makes ``d`` the default device of the block in PyTorch:
        the CPU is minigrad's always; another device (``meta`` too) is refused here."""
        as_device(self)
        return self

    def __exit__(self, *exc: object) -> None:
        return None


CPU = device("cpu")


def as_device(d: Any) -> device:
    """The CPU device from a device, a string or None; any other device raises, saying why."""
    if d is None or d is CPU:
        return CPU
    dev = d if isinstance(d, device) else device(d)
    if dev.type != "cpu":
        raise _refuse(str(d))
    return dev


def get_default_device() -> device:
    """The device new tensors are made on: always the CPU."""
    return CPU


def set_default_device(d: Any) -> None:
    """Accepts "cpu" (or None); any other device raises, since minigrad computes on the CPU."""
    as_device(d)


def parse_to(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, bool]:
    """Read the arguments of ``Tensor.to`` / ``Module.to``: returns (dtype or None, copy).

    Accepts PyTorch's forms ``to(device)``, ``to(dtype)``, ``to(device, dtype)``,
    ``to(other_tensor)`` and the keywords ``device``, ``dtype``, ``non_blocking``, ``copy``.
    A device is checked (only the CPU exists); a string that is not a device is read as a
    dtype name (``"float32"``).
    """
    extra = set(kwargs) - {"device", "dtype", "non_blocking", "copy", "memory_format"}
    if extra:
        raise TypeError(f"to() got an unexpected keyword argument {sorted(extra)[0]!r}")
    dtype = kwargs.get("dtype")
    if "device" in kwargs:
        as_device(kwargs["device"])
    if len(args) > 2:
        raise TypeError(f"to() takes at most 2 positional arguments, got {len(args)}")
    for i, a in enumerate(args):
        if hasattr(a, "_data") and hasattr(a, "grad_fn"):  # to(other): its dtype and device
            if len(args) > 1:
                raise TypeError("to(other) takes no other positional argument")
            dtype = a._data.dtype
        elif isinstance(a, device) or (isinstance(a, str) and _is_device_name(a)):
            if i > 0:
                raise TypeError("to(): the device goes before the dtype")
            as_device(a)
        elif i == 0 and isinstance(a, int) and not isinstance(a, bool):
            raise _refuse(a)  # an int is a CUDA ordinal in PyTorch
        else:
            if dtype is not None and "dtype" in kwargs:
                raise TypeError("to(): dtype given twice")
            dtype = a
    return dtype, bool(kwargs.get("copy", False))


def _is_device_name(s: str) -> bool:
    return s.partition(":")[0] in _DEVICE_TYPES


def _false() -> bool:
    return False


def _no_gpu(*args: Any, **kwargs: Any) -> Any:
    raise _refuse("cuda")


def _module(name: str, doc: str, **attributes: Any) -> ModuleType:
    """The module ``minigrad.<name>`` holding ``attributes``, found by ``import`` as PyTorch's
    are (``import torch.backends.cudnn as cudnn``); other names explain they are missing."""
    module = ModuleType(f"minigrad.{name}", doc)
    module.__dict__.update(attributes)
    module.__getattr__ = missing_attribute(module.__name__, f"torch.{name}")  # type: ignore[method-assign]
    sys.modules[module.__name__] = module
    return module


cuda = _module(
    "cuda",
    "``minigrad.cuda``: no GPU, ever (``is_available()`` is False, ``device_count()`` 0).",
    is_available=_false,
    device_count=lambda: 0,
    is_initialized=_false,
    manual_seed=lambda seed: None,  # no CUDA generator to seed (as PyTorch without a GPU)
    manual_seed_all=lambda seed: None,
    synchronize=lambda device=None: None,
    empty_cache=lambda: None,
    current_device=_no_gpu,
    get_device_name=_no_gpu,
    set_device=_no_gpu,
)

xpu = SimpleNamespace(
    is_available=_false,
    device_count=lambda: 0,
    manual_seed=lambda seed: None,
    manual_seed_all=lambda seed: None,
    synchronize=lambda device=None: None,
    empty_cache=lambda: None,
)
"""``minigrad.xpu``: no Intel GPU either (``is_available()`` is False, ``device_count()`` 0)."""

backends = _module(
    "backends",
    "``minigrad.backends``: ``mps.is_available()`` is False; ``cudnn`` flags may be set freely.",
    mps=_module("backends.mps", "No Apple GPU.", is_available=_false, is_built=_false),
    cuda=_module("backends.cuda", "No CUDA build.", is_built=_false),
    cudnn=_module(
        "backends.cudnn",
        "No cuDNN: its flags are kept and change nothing.",
        is_available=_false,
        enabled=False,
        benchmark=False,
        deterministic=False,
    ),
)

accelerator = SimpleNamespace(
    is_available=_false,
    current_accelerator=lambda check_available=False: None,
    device_count=lambda: 0,
)
"""``minigrad.accelerator``: no accelerator (``is_available()`` False)."""
