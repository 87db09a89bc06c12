"""``minigrad.hub``: of ``torch.hub``, the progress bar training programs import.

``from torch.hub import tqdm`` is how several PyTorch examples get tqdm's bar; here it is tqdm's
own class (the optional extra ``progress``). What ``torch.hub`` is for, loading published models
and weights (``load``, ``list``, ``help``, ``load_state_dict_from_url``), fetches PyTorch code
that minigrad cannot run: those names raise an error saying so and what to do instead.
"""

from __future__ import annotations

from ._missing import missing_attribute
from ._optional import require

_missing = missing_attribute("minigrad.hub", "torch.hub")


def __getattr__(name: str) -> object:
    """``tqdm``, imported when first asked for; any other name, the error for a missing one."""
    if name == "tqdm":
        return require("tqdm", "minigrad.hub.tqdm", "tqdm", "progress").tqdm
    return _missing(name)
