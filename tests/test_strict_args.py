"""Arguments PyTorch refuses or reads otherwise, checked against PyTorch 2.13: required
arguments (logsumexp's dim, new_zeros' size), tensors where PyTorch takes only tensors (take,
take_along_dim), legacy positional forms PyTorch still takes (var(False)), integer bounds of
clamp in an integer dtype, the layout torch.tensor keeps, linalg's dtype refusals, and the one
place PyTorch's "not implemented for" wording lives."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg

PACKAGE = Path(__file__).resolve().parent.parent / "minigrad"
RNG = np.random.default_rng(5)


def _outcome(fn: Callable[[], Any]) -> tuple[str, Any]:
    """("raise", (exception type name, first line)) or ("ok", value as a NumPy array)."""
    try:
        r = fn()
    except Exception as e:
        return "raise", (type(e).__name__.lstrip("_"), str(e).splitlines()[0])
    if isinstance(r, tuple):
        return "ok", tuple(np.asarray(v.detach().numpy()) for v in r)
    return "ok", np.asarray(r.detach().numpy())


def _same(mine: tuple[str, Any], theirs: tuple[str, Any], words: bool = True) -> None:
    """The same outcome: PyTorch's exception type and (``words``) its words, which minigrad may
    follow with the fix; or the same dtype, shape and values."""
    assert mine[0] == theirs[0], (mine, theirs)
    if mine[0] == "raise":
        assert mine[1][0] == theirs[1][0], (mine, theirs)
        # (PyTorch's "invalid combination of arguments - got (int, int), but expected one of:"
        # lists its overloads; minigrad says instead which argument was wrong)
        theirs_words = theirs[1][1].split(" - got (")[0]
        assert not words or mine[1][1].startswith(theirs_words), (mine, theirs)
        return
    values = mine[1] if isinstance(mine[1], tuple) else (mine[1],)
    expected = theirs[1] if isinstance(theirs[1], tuple) else (theirs[1],)
    for a, b in zip(values, expected, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape, (a, b)
        np.testing.assert_allclose(a, b, rtol=1e-6)


# -- one place for PyTorch's "not implemented for <dtype>" --------------------------------------


def test_not_implemented_wording_lives_in_one_place() -> None:
    copies = [
        f"{path.relative_to(PACKAGE)}:{i}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"not implemented for '", line)
    ]
    assert copies and {c.split(":")[0] for c in copies} == {"dtypes.py"}, copies


def test_not_implemented_for_reads_as_torch() -> None:
    from minigrad.dtypes import not_implemented_for

    e = not_implemented_for("frac_cpu", np.int64)
    assert (
        isinstance(e, NotImplementedError) and str(e) == "\"frac_cpu\" not implemented for 'Long'"
    )
    e = not_implemented_for("abs_cpu", bool, "convert first")
    assert str(e) == "\"abs_cpu\" not implemented for 'Bool' (convert first)"


# -- logsumexp needs its dim ------------------------------------------------------------------

MISSING_DIM = r'^logsumexp\(\) missing 1 required positional arguments: "dim" \(logsumexp\(\): '


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.logsumexp(),
        lambda x: x.logsumexp(keepdim=True),
        lambda x: mg.logsumexp(x),
    ],
)
def test_logsumexp_needs_a_dim(call: Callable[[Any], Any]) -> None:
    x = mg.tensor(RNG.standard_normal((2, 3)))
    with pytest.raises(TypeError, match=MISSING_DIM):
        call(x)


@pytest.mark.parametrize("call", [lambda x: x.logsumexp(None), lambda x: x.logsumexp(dim=None)])
def test_logsumexp_refuses_none(call: Callable[[Any], Any]) -> None:
    x = mg.tensor(RNG.standard_normal((2, 3)))
    with pytest.raises(
        TypeError, match=r"argument 'dim'( \(position 1\))? must be tuple of ints, not"
    ):
        call(x)


@pytest.mark.parametrize(
    "call",
    [
        lambda L, x: x.logsumexp(),
        lambda L, x: L.logsumexp(x),
        lambda L, x: x.logsumexp(None),
        lambda L, x: x.logsumexp(1),
        lambda L, x: x.logsumexp(1, True),
        lambda L, x: x.logsumexp(dim=(0, 1)),
        lambda L, x: L.logsumexp(x, dim=0, keepdim=True),
    ],
)
def test_logsumexp_as_torch(call: Callable[[Any, Any], Any]) -> None:
    torch = pytest.importorskip("torch")
    a = RNG.standard_normal((2, 3))
    _same(_outcome(lambda: call(mg, mg.tensor(a))), _outcome(lambda: call(torch, torch.tensor(a))))


def test_logsumexp_over_all_dims_keeps_its_gradients() -> None:
    a = RNG.standard_normal((2, 3))
    assert mg.gradcheck(lambda x: x.logsumexp((0, 1)), (mg.tensor(a, requires_grad=True),))
    assert mg.gradgradcheck(lambda x: x.logsumexp((0, 1)), (mg.tensor(a, requires_grad=True),))


# -- arguments PyTorch requires, or takes only as tensors or keywords ---------------------------

CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "take(int)": lambda L, x: x.take(2),
    "take(float)": lambda L, x: x.take(2.0),
    "take(list)": lambda L, x: x.take([0, 1]),
    "take(ndarray)": lambda L, x: x.take(np.array([0, 1])),
    "take(tensor)": lambda L, x: x.take(L.tensor([[0, 5], [-1, 2]])),
    "torch.take(int)": lambda L, x: L.take(x, 2),
    "torch.take(list)": lambda L, x: L.take(x, [2]),
    "take_along_dim(list)": lambda L, x: x.take_along_dim([0, 1]),
    "take_along_dim(int)": lambda L, x: x.take_along_dim(1),
    "take_along_dim(ndarray, 1)": lambda L, x: x.take_along_dim(np.array([[0], [1]]), 1),
    "torch.take_along_dim(list)": lambda L, x: L.take_along_dim(x, [0, 1]),
    "take_along_dim(tensor, 1)": lambda L, x: x.take_along_dim(L.tensor([[0], [2]]), 1),
    "contiguous(0)": lambda L, x: x.contiguous(0),
    "contiguous()": lambda L, x: x.t().contiguous(),
    "new_zeros()": lambda L, x: x.new_zeros(),
    "new_ones()": lambda L, x: x.new_ones(),
    "new_empty()": lambda L, x: x.new_empty().shape,
    "new_zeros(())": lambda L, x: x.new_zeros(()),
    "new_ones(2, 3)": lambda L, x: x.new_ones(2, 3),
    "new_full(2, 0.5)": lambda L, x: x.new_full(2, 0.5),
    "new_full([2], 0.5)": lambda L, x: x.new_full([2], 0.5),
    "new_tensor(None)": lambda L, x: x.new_tensor(None),
    "new_tensor([None])": lambda L, x: x.new_tensor([None]),
    "new_tensor([1.5]) of int": lambda L, x: x.long().new_tensor([1.5, -2]),
    "new_tensor([-1]) of uint8": lambda L, x: x.to(L.uint8).new_tensor([-1, 255]),
    "roll(0-d tensor)": lambda L, x: x.roll(L.tensor(1)),
    "roll(1-element tensor)": lambda L, x: x.roll(L.tensor([[4]])),
    "roll(bool tensor)": lambda L, x: x.roll(L.tensor(True)),
    "roll(uint8 tensor, dims=tensor)": lambda L, x: x.roll(
        L.tensor([1], dtype=L.uint8), L.tensor(1)
    ),
    "roll((tensor, int), dims)": lambda L, x: x.roll((L.tensor([1]), 2), (0, 1)),
    "roll(2-element tensor)": lambda L, x: x.roll(L.tensor([1, 2]), (0, 1)),
    "roll(float tensor)": lambda L, x: x.roll(L.tensor(1.0)),
    "roll((float tensor,), dims)": lambda L, x: x.roll((L.tensor(1.0),), (1,)),
    "roll(1.0)": lambda L, x: x.roll(1.0),
    "roll(True)": lambda L, x: x.roll(True),
    "roll(1, 1.0)": lambda L, x: x.roll(1, 1.0),
    "roll(1, dims=tensor of 2)": lambda L, x: x.roll((1, 1), L.tensor([0, 1])),
    "roll(ndarray)": lambda L, x: x.roll(np.array([1])),
    "roll(numpy int)": lambda L, x: x.roll(np.int64(-1)),
    "var(False)": lambda L, x: x.var(False),
    "var(True)": lambda L, x: x.var(True),
    "std(False)": lambda L, x: x.std(False),
    "torch.var(x, False)": lambda L, x: L.var(x, False),
    "torch.std(x, True)": lambda L, x: L.std(x, True),
    "var(0, False)": lambda L, x: x.var(0, False),
    "std(1, False, True)": lambda L, x: x.std(1, False, True),
    "var(None, False)": lambda L, x: x.var(None, False),
    "var((0, 1), False)": lambda L, x: x.var((0, 1), False),
    "var(1, unbiased=False)": lambda L, x: x.var(1, unbiased=False),
    "var(unbiased=False)": lambda L, x: x.var(unbiased=False),
    "var(1, 0)": lambda L, x: x.var(1, 0),
    "std(1, 0)": lambda L, x: x.std(1, 0),
    "torch.var(x, 1, 0)": lambda L, x: L.var(x, 1, 0),
    "var(1, None)": lambda L, x: x.var(1, None),
    "var(1, numpy bool)": lambda L, x: x.var(1, np.bool_(False)),
    "var(unbiased=1)": lambda L, x: x.var(unbiased=1),
    "var(1, True, 1)": lambda L, x: x.var(1, True, 1),
    "var(1, keepdim=1)": lambda L, x: x.var(1, keepdim=1),
    "var(1, False, keepdim=None)": lambda L, x: x.var(1, False, keepdim=None),
    "var(False, True)": lambda L, x: x.var(False, True),
    "var(False, keepdim=True)": lambda L, x: x.var(False, keepdim=True),
    "var(1, unbiased=False, correction=0)": lambda L, x: x.var(1, unbiased=False, correction=0),
    "var(1, correction=0.5)": lambda L, x: x.var(1, correction=0.5),
    "var_mean(x, True)": lambda L, x: L.var_mean(x, True),
    "var_mean(x, False, True)": lambda L, x: L.var_mean(x, False, True),
    "var_mean(x, 1, 0)": lambda L, x: L.var_mean(x, 1, 0),
    "std_mean(x, 1, False, True)": lambda L, x: L.std_mean(x, 1, False, True),
    "std_mean(x, 1, True, 1)": lambda L, x: L.std_mean(x, 1, True, 1),
    "var_mean(x, 1, keepdim=True, correction=0)": lambda L, x: L.var_mean(
        x, 1, keepdim=True, correction=0
    ),
}


# refused as tensor() refuses the data, in minigrad's words, which name the bad element
OWN_WORDS = {"new_tensor(None)", "new_tensor([None])"}


@pytest.mark.parametrize("name", list(CALLS))
def test_arguments_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    a = RNG.standard_normal((2, 3))
    call = CALLS[name]

    def run(L: Any) -> tuple[str, Any]:
        out = _outcome(lambda: call(L, L.tensor(a)))
        if out[0] == "ok" and isinstance(out[1], np.ndarray) and out[1].dtype == object:
            out = ("ok", np.asarray(tuple(out[1])))
        return out

    _same(run(mg), run(torch), words=name not in OWN_WORDS)


# -- number bounds and alpha converted to the tensor's dtype as PyTorch converts them ----------

U8 = [1, 2, 3]
CONVERTED: dict[str, Callable[[Any], Any]] = {
    "clamp(-1)": lambda L: L.tensor(U8, dtype=L.uint8).clamp(-1),
    "clamp(-255)": lambda L: L.tensor(U8, dtype=L.uint8).clamp(-255),
    "clamp(-256)": lambda L: L.tensor(U8, dtype=L.uint8).clamp(-256),
    "clamp(max=-1)": lambda L: L.tensor(U8, dtype=L.uint8).clamp(max=-1),
    "clamp(max=300)": lambda L: L.tensor(U8, dtype=L.uint8).clamp(max=300),
    "clamp(-1, 300)": lambda L: L.tensor(U8, dtype=L.uint8).clamp(min=-1, max=300),
    "clamp(max=numpy 300)": lambda L: L.tensor(U8, dtype=L.uint8).clamp(max=np.int64(300)),
    "clamp(max=2**64)": lambda L: L.tensor(U8, dtype=L.uint8).clamp(max=2**64),
    "clamp(-1.5) of uint8": lambda L: L.tensor(U8, dtype=L.uint8).clamp(-1.5),
    "clamp_(-1)": lambda L: L.tensor(U8, dtype=L.uint8).clamp_(-1),
    "clamp_(max=300)": lambda L: L.tensor(U8, dtype=L.uint8).clamp_(max=300),
    "clamp_min(-1)": lambda L: L.tensor(U8, dtype=L.uint8).clamp_min(-1),
    "clamp_min_(-1)": lambda L: L.tensor(U8, dtype=L.uint8).clamp_min_(-1),
    "clamp_max(300)": lambda L: L.tensor(U8, dtype=L.uint8).clamp_max(300),
    "clip(-1)": lambda L: L.tensor(U8, dtype=L.uint8).clip(-1),
    "torch.clamp(-1)": lambda L: L.clamp(L.tensor(U8, dtype=L.uint8), -1),
    "int8 clamp(max=256)": lambda L: L.tensor(U8, dtype=L.int8).clamp(max=256),
    "int8 clamp(min=-128)": lambda L: L.tensor(U8, dtype=L.int8).clamp(min=-128),
    "int32 clamp(2**40)": lambda L: L.tensor(U8, dtype=L.int32).clamp(min=2**40),
    "int64 clamp(2**63)": lambda L: L.tensor(U8).clamp(2**63),
    "bool clamp(2)": lambda L: L.tensor([True, False]).clamp(2),
    "bool clamp(max=300)": lambda L: L.tensor([True, False]).clamp(max=300),
    "float16 clamp(max=70000)": lambda L: L.tensor([1.0], dtype=L.float16).clamp(max=70000),
    "float16 clamp(max=1e6)": lambda L: L.tensor([1.0], dtype=L.float16).clamp(max=1e6),
    "float32 clamp(max=10**40)": lambda L: L.tensor([1.0]).clamp(max=10**40),
    "float32 clamp(max=inf)": lambda L: L.tensor([1.0]).clamp(max=float("inf")),
    "float16 fill_(70000)": lambda L: L.zeros(2, dtype=L.float16).fill_(70000),
    "uint8 fill_(-1)": lambda L: L.zeros(2, dtype=L.uint8).fill_(-1),
    "uint8 copy_(-1)": lambda L: L.zeros(2, dtype=L.uint8).copy_(L.tensor(-1)),
    "uint8 + -1": lambda L: L.tensor(U8, dtype=L.uint8) + (-1),
    "uint8 - 5": lambda L: L.tensor(U8, dtype=L.uint8) - 5,
    "uint8 * -1000": lambda L: L.tensor(U8, dtype=L.uint8) * (-1000),
    "uint8 add(alpha=300)": lambda L: L.zeros(2, dtype=L.uint8).add(
        L.ones(2, dtype=L.uint8), alpha=300
    ),
    "uint8 add(alpha=-1)": lambda L: L.zeros(2, dtype=L.uint8).add(
        L.ones(2, dtype=L.uint8), alpha=-1
    ),
    "int8 add_(alpha=200)": lambda L: L.zeros(2, dtype=L.int8).add_(
        L.ones(2, dtype=L.int8), alpha=200
    ),
    "float16 add(alpha=70000)": lambda L: L.zeros(2, dtype=L.float16).add(
        L.ones(2, dtype=L.float16), alpha=70000
    ),
    "uint8 add(int64, alpha=300)": lambda L: L.zeros(2, dtype=L.uint8).add(
        L.ones(2, dtype=L.int64), alpha=300
    ),
}


@pytest.mark.parametrize("name", list(CONVERTED))
def test_numbers_converted_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no NumPy DeprecationWarning or overflow warning)
        mine = _outcome(lambda: CONVERTED[name](mg))
    _same(mine, _outcome(lambda: CONVERTED[name](torch)))


def test_refused_clamp_leaves_the_tensor_as_it_was() -> None:
    x = mg.tensor(U8, dtype=mg.uint8)
    with pytest.raises(RuntimeError, match=r"^value cannot be converted to type uint8_t without"):
        x.clamp_(-1, 300)
    np.testing.assert_array_equal(x.numpy(), U8)


def test_clamp_of_floats_keeps_its_gradients() -> None:
    a = mg.tensor([[-1.7, -0.5, 0.3], [1.4, 0.8, -1.2]], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda x: x.clamp(-1, 1), (a,))
    assert mg.gradgradcheck(lambda x: x.clamp(min=-1) * x, (a,))


# -- linalg: float16 and non-finite input refused in PyTorch's words ---------------------------

NAN = [[float("nan"), 1.0], [1.0, 2.0]]
LINALG: dict[str, Callable[[Any], Any]] = {
    "matrix_rank f16": lambda L: L.linalg.matrix_rank(L.eye(3, dtype=L.float16)),
    "matrix_rank f16 hermitian": lambda L: L.linalg.matrix_rank(
        L.eye(3, dtype=L.float16), hermitian=True
    ),
    "matrix_rank int64": lambda L: L.linalg.matrix_rank(L.eye(3, dtype=L.int64)),
    "lstsq f16": lambda L: L.linalg.lstsq(L.eye(3, dtype=L.float16), L.ones(3, 1, dtype=L.float16)),
    "lstsq int64": lambda L: L.linalg.lstsq(L.eye(3, dtype=L.int64), L.ones(3, 1, dtype=L.int64)),
    "inv f16": lambda L: L.linalg.inv(L.eye(3, dtype=L.float16)),
    "inverse f16": lambda L: L.eye(3, dtype=L.float16).inverse(),
    "det f16": lambda L: L.linalg.det(L.eye(3, dtype=L.float16)),
    "slogdet f16": lambda L: L.linalg.slogdet(L.eye(3, dtype=L.float16)),
    "solve f16": lambda L: L.linalg.solve(L.eye(3, dtype=L.float16), L.ones(3, dtype=L.float16)),
    "cholesky f16": lambda L: L.linalg.cholesky(L.eye(3, dtype=L.float16)),
    "qr f16": lambda L: L.linalg.qr(L.eye(3, dtype=L.float16)),
    "eigh f16": lambda L: L.linalg.eigh(L.eye(3, dtype=L.float16)),
    "eigvalsh f16": lambda L: L.linalg.eigvalsh(L.eye(3, dtype=L.float16)),
    "svd f16": lambda L: L.linalg.svd(L.eye(3, dtype=L.float16)),
    "matrix_norm 2 f16": lambda L: L.linalg.matrix_norm(L.eye(3, dtype=L.float16), 2),
    "matrix_norm nuc f16": lambda L: L.linalg.matrix_norm(L.eye(3, dtype=L.float16), "nuc"),
    "matrix_norm fro f16": lambda L: L.linalg.matrix_norm(L.eye(3, dtype=L.float16)),
    "householder_product f16": lambda L: L.linalg.householder_product(
        L.eye(3, dtype=L.float16), L.ones(2, dtype=L.float16)
    ),
    "matrix_power 2 f16": lambda L: L.linalg.matrix_power(L.eye(3, dtype=L.float16) * 2, 2),
    "svd nan": lambda L: L.linalg.svd(L.tensor(NAN)),
    "svdvals nan": lambda L: L.linalg.svdvals(L.tensor(NAN)),
    "matrix_rank nan": lambda L: L.linalg.matrix_rank(L.tensor(NAN)),
    "pinv nan": lambda L: L.linalg.pinv(L.tensor(NAN)),
    "matrix_norm 2 nan": lambda L: L.linalg.matrix_norm(L.tensor(NAN), 2),
    "Tensor.svd nan": lambda L: L.tensor(NAN).svd(),
    "svd inf": lambda L: L.linalg.svd(L.tensor([[float("inf"), 1.0], [1.0, 2.0]])).S,
}


@pytest.mark.parametrize("name", list(LINALG))
def test_linalg_refuses_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mine = _outcome(lambda: LINALG[name](mg))
    _same(mine, _outcome(lambda: LINALG[name](torch)))


def test_svd_failure_is_a_linalg_error() -> None:
    with pytest.raises(mg.linalg.LinAlgError, match=r"^linalg\.svd: The algorithm failed"):
        mg.linalg.svd(mg.tensor(NAN))


# -- tensor(), as_tensor() and from_numpy() of strided arrays: PyTorch's layouts ---------------

ARRAYS: dict[str, Callable[[], np.ndarray]] = {
    "transposed": lambda: np.arange(6.0).reshape(2, 3).T,
    "Fortran-ordered": lambda: np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    "permuted 3-D": lambda: np.arange(24.0).reshape(2, 3, 4).transpose(1, 0, 2),
    "sliced": lambda: np.arange(12.0).reshape(3, 4)[:, ::2],
    "sliced then permuted": lambda: np.arange(24.0).reshape(2, 3, 4)[:, ::2].transpose(2, 0, 1),
    "broadcast": lambda: np.broadcast_to(np.arange(3.0), (2, 3)),
    "int transposed": lambda: np.arange(6).reshape(2, 3).T,
}


# (not a broadcast array into as_tensor or from_numpy: PyTorch warns of a read-only array)
LAYOUTS = [
    pytest.param(make, name, id=f"{name}-{make}")
    for name in ARRAYS
    for make in ("tensor", "tensor float32", "as_tensor", "from_numpy")
    if not (name == "broadcast" and make in ("as_tensor", "from_numpy"))
]


@pytest.mark.parametrize(("make", "name"), LAYOUTS)
def test_layout_of_arrays_as_torch(make: str, name: str) -> None:
    torch = pytest.importorskip("torch")

    def build(L: Any) -> Any:
        a = ARRAYS[name]()
        if make == "tensor float32":
            return L.tensor(a, dtype=L.float32)
        return getattr(L, make)(a)

    mine, theirs = build(mg), build(torch)
    assert mine.is_contiguous() == theirs.is_contiguous()
    assert mine.stride() == theirs.stride()
    np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


def test_tensor_of_a_transposed_array_is_a_copy_with_its_layout() -> None:
    a = np.arange(6.0).reshape(2, 3).T
    t = mg.tensor(a)
    a[0, 0] = 100.0
    assert t[0, 0].item() == 0.0 and t.stride() == (1, 3) and not t.is_contiguous()
    assert t.contiguous().is_contiguous() and t.reshape(-1).tolist() == [0, 3, 1, 4, 2, 5]


# -- found by a sweep of the Tensor methods: None, a list or a number where PyTorch differs ----

SWEEP: dict[str, Callable[[Any, Any], Any]] = {
    "eq(None)": lambda L, x: x.eq(None),
    "ne(None)": lambda L, x: x.ne(None),
    "torch.eq(x, None)": lambda L, x: L.eq(x, None),
    "x == None": lambda L, x: L.tensor(x == None),  # noqa: E711 (Python's fallback: False)
    "masked_select(list)": lambda L, x: x.masked_select([[True, False, True]] * 2),
    "masked_select(ndarray)": lambda L, x: x.masked_select(np.ones((2, 3), bool)),
    "masked_select(True)": lambda L, x: x.masked_select(True),
    "torch.masked_select(x, list)": lambda L, x: L.masked_select(x, [True, False, True]),
    "masked_select(tensor)": lambda L, x: x.masked_select(x > 0),
    "fill_diagonal_(None)": lambda L, x: x.fill_diagonal_(None),
    "fill_diagonal_(str)": lambda L, x: x.fill_diagonal_("a"),
    "fill_diagonal_(2.5)": lambda L, x: x.fill_diagonal_(2.5),
    "fill_diagonal_(0-d tensor)": lambda L, x: x.fill_diagonal_(L.tensor(3.0)),
    "nan_to_num(None)": lambda L, x: (x / 0).nan_to_num(None),
    "nan_to_num(None, None, None)": lambda L, x: (x / 0).nan_to_num(None, None, None),
    "nan_to_num(str)": lambda L, x: x.nan_to_num(nan="a"),
    "norm(None)": lambda L, x: x.norm(None),
    "norm(p=None, dim=1)": lambda L, x: x.norm(p=None, dim=1),
    "torch.norm(x, None)": lambda L, x: L.norm(x, None),
    "logit(0.7)": lambda L, x: x.logit(0.7),
    "logit(1.0)": lambda L, x: x.logit(1.0),
    "logit(True)": lambda L, x: x.logit(True),
    "logit_(0.6)": lambda L, x: x.sigmoid().logit_(0.6),
    "logit(0.25)": lambda L, x: x.sigmoid().logit(0.25),
    "tile(1.0)": lambda L, x: x.tile(1.0),
    "tile(True)": lambda L, x: x.tile(True),
    "tile(0-d tensor)": lambda L, x: x.tile(L.tensor(2)),
    "tile(2, 1)": lambda L, x: x.tile(2, 1),
    "tile(dims=(1, 2))": lambda L, x: x.tile(dims=(1, 2)),
    "torch.tile(x, (2,))": lambda L, x: L.tile(x, (2,)),
}


def test_tile_refuses_a_float_in_its_dims() -> None:
    with pytest.raises(TypeError, match=r"^tile\(\): argument 'dims' .*element of type float"):
        mg.ones(2, 3).tile((2, 1.0))


@pytest.mark.parametrize("name", list(SWEEP))
def test_sweep_finds_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    a = np.array([[0.5, -1.25, 2.0], [3.0, 0.0, -0.75]])
    call = SWEEP[name]
    _same(_outcome(lambda: call(mg, mg.tensor(a))), _outcome(lambda: call(torch, torch.tensor(a))))
