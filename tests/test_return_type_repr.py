"""The named tuples of results (``max(x, dim)``, ``svd``, ``linalg.eigh``...) print as
PyTorch's ``torch.return_types``: the type's full name, then each field on a line of its own
(the Tensors chapter of PyTorch's YouTube series prints ``torch.svd(m3)``). Compared with
torch's own printing, with only the library's name changed; each stays a tuple."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import minigrad as mg

SPD = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.25], [0.5, 0.25, 2.0]]
VALUES = [[3.0, 1.0, 2.0], [0.5, 4.0, 1.5]]

# (name, call): each call takes the library and gives its named tuple
CALLS: list[tuple[str, Any]] = [
    ("max", lambda lib: lib.max(lib.tensor(VALUES), 1)),
    ("min", lambda lib: lib.tensor(VALUES).min(dim=0)),
    ("sort", lambda lib: lib.sort(lib.tensor(VALUES))),
    ("topk", lambda lib: lib.topk(lib.tensor(VALUES), 2)),
    ("median", lambda lib: lib.median(lib.tensor(VALUES), 1)),
    ("nanmedian", lambda lib: lib.nanmedian(lib.tensor(VALUES), 1)),
    ("kthvalue", lambda lib: lib.kthvalue(lib.tensor(VALUES), 2)),
    ("mode", lambda lib: lib.mode(lib.tensor([[1, 2, 2], [3, 3, 1]]))),
    ("aminmax", lambda lib: lib.aminmax(lib.tensor(VALUES), dim=1)),
    ("cummax", lambda lib: lib.cummax(lib.tensor(VALUES), 1)),
    ("cummin", lambda lib: lib.cummin(lib.tensor(VALUES), 1)),
    ("frexp", lambda lib: lib.frexp(lib.tensor([1.0, 6.0, 0.375]))),
    ("histogram", lambda lib: lib.histogram(lib.tensor([1.0, 2.0, 1.0, 4.0]), bins=3)),
    ("slogdet", lambda lib: lib.slogdet(lib.tensor(SPD))),
    ("linalg_slogdet", lambda lib: lib.linalg.slogdet(lib.tensor(SPD))),
    ("linalg_inv_ex", lambda lib: lib.linalg.inv_ex(lib.tensor(SPD))),
    ("linalg_solve_ex", lambda lib: lib.linalg.solve_ex(lib.tensor(SPD), lib.ones(3, 1))),
    ("linalg_cholesky_ex", lambda lib: lib.linalg.cholesky_ex(lib.tensor(SPD))),
    ("linalg_lu_factor", lambda lib: lib.linalg.lu_factor(lib.tensor(SPD))),
    ("linalg_lu_factor_ex", lambda lib: lib.linalg.lu_factor_ex(lib.tensor(SPD))),
    ("linalg_lu", lambda lib: lib.linalg.lu(lib.tensor(SPD))),
    ("lu_unpack", lambda lib: lib.lu_unpack(*lib.linalg.lu_factor(lib.tensor(SPD)))),
    ("triangular_solve", lambda lib: lib.triangular_solve(lib.ones(3, 1), lib.tensor(SPD))),
    ("linalg_lstsq", lambda lib: lib.linalg.lstsq(lib.tensor(SPD), lib.ones(3, 1))),
    # decompositions: the same values up to the signs LAPACK picks (checked below)
    ("svd", lambda lib: lib.svd(lib.tensor(SPD))),
    ("linalg_svd", lambda lib: lib.linalg.svd(lib.tensor(SPD))),
    ("linalg_eigh", lambda lib: lib.linalg.eigh(lib.tensor(SPD))),
    ("linalg_qr", lambda lib: lib.linalg.qr(lib.tensor(SPD))),
    ("qr", lambda lib: lib.qr(lib.tensor(SPD))),
]


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_a_named_tuple_prints_its_name_then_a_field_a_line(name: str, call: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (qr's and triangular_solve's deprecations)
        result = call(mg)
    assert isinstance(result, tuple) and type(result).__name__ in (name, _CLASS.get(name))
    lines = repr(result).split("\n")
    assert lines[0] == f"minigrad.return_types.{name}("
    for field, value in zip(result._fields, result, strict=True):
        assert f"{field}={value!r}" in repr(result)
    assert repr(result).endswith(")") and str(result) == repr(result)
    assert [ln.split("=")[0] for ln in lines[1:] if "=" in ln][: len(result)] == list(
        result._fields
    )


_CLASS = {"linalg_svd": "LinalgSvd", "linalg_lstsq": "LinalgLstsq", "qr": "QRResult"}
_CLASS["triangular_solve"] = "TriangularSolveResult"


def _signs_aside(text: str) -> str:
    """The text with minus signs blanked (a decomposition's vectors may be negated)."""
    return text.replace("-", " ").replace("  ", " ")


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_named_tuples_print_as_torchs(name: str, call: Any) -> None:
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = repr(call(mg)).replace("minigrad.", "torch.")
        theirs = repr(call(torch))
    if name in ("svd", "linalg_svd", "linalg_eigh", "linalg_qr", "qr"):
        ours, theirs = _signs_aside(ours), _signs_aside(theirs)
    assert ours == theirs


def test_the_tuple_still_unpacks_and_compares_as_a_tuple() -> None:
    values, indices = r = mg.max(mg.tensor(VALUES), 1)
    assert r == (r.values, r.indices) and r[0] is values and r[1] is indices
    assert type(r)._make([1, 2]) == (1, 2) and r._replace(values=0).values == 0
