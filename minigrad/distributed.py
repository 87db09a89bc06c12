"""``minigrad.distributed``: PyTorch's probes of ``torch.distributed``, answered as by a PyTorch
built without it. minigrad trains in one process, so ``is_available()`` and
``is_initialized()`` are False and the guard ``dist.is_available() and dist.is_initialized()``
skips the distributed branch; every other name explains itself with an ``AttributeError``
(an ``ImportError`` in ``from minigrad.distributed import get_rank``)."""

from __future__ import annotations

from ._missing import missing_attribute

WHY = (
    "minigrad trains in one process, so there is no process group to join: run the script as "
    "one process (rank 0 of a world of size 1) and leave the distributed calls out, or guard "
    "them with `dist.is_available() and dist.is_initialized()`, which is False"
)


def is_available() -> bool:
    """False: minigrad has no distributed backend (PyTorch's answer when built without one)."""
    return False


def is_initialized() -> bool:
    """False: no process group is ever initialised (PyTorch's answer before
    ``init_process_group``)."""
    return False


# Any other name of ``torch.distributed`` (``init_process_group``, ``get_rank``,
# ``all_reduce``...): an ``AttributeError`` that says why and what to do instead.
__getattr__ = missing_attribute("minigrad.distributed", "torch.distributed", WHY)
