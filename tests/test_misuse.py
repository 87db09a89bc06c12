"""Misuse and edge cases that once gave a wrong answer without an error (and some that gave an
unhelpful one): out-of-range dims, powers at 0, empty reductions, complex and non-numeric data,
non-tensor operands, and IEEE special values under ``warnings`` as errors."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import Tensor


def _id(value: object) -> str:
    """A parameter's repr without the memory address of ``object()`` (ids must be the same in
    every process for ``pytest -n``)."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


DIM_ERROR = r"Dimension out of range \(expected to be in range of \[{lo}, {hi}\], but got {got}\)"


def _x(*shape: int) -> Tensor:
    return mg.zeros(*shape, requires_grad=True)


# ---------------------------------------------------------------------------------------------
# Dims: every axis argument is checked in one place, with PyTorch's error

# (call, lowest valid dim, highest valid dim, the bad dim) on a (2, 3) tensor
OUT_OF_RANGE: list[tuple[str, Callable[[Tensor], Any], int, int, int]] = [
    ("squeeze", lambda x: x.squeeze(5), -2, 1, 5),
    ("squeeze_dim", lambda x: x.squeeze(dim=-3), -2, 1, -3),
    ("squeeze_tuple", lambda x: x.squeeze((0, 4)), -2, 1, 4),
    ("unsqueeze", lambda x: x.unsqueeze(10), -3, 2, 10),
    ("unsqueeze_neg", lambda x: x.unsqueeze(-4), -3, 2, -4),
    ("permute", lambda x: x.permute(0, 3), -2, 1, 3),
    ("flatten_start", lambda x: x.flatten(5), -2, 1, 5),
    ("flatten_end", lambda x: x.flatten(0, 5), -2, 1, 5),
    ("transpose", lambda x: x.transpose(0, 5), -2, 1, 5),
    ("cat", lambda x: mg.cat([x, x], dim=5), -2, 1, 5),
    ("cat_neg", lambda x: mg.cat([x, x], -3), -2, 1, -3),
    ("stack", lambda x: mg.stack([x, x], dim=5), -3, 2, 5),
    ("stack_neg", lambda x: mg.stack([x, x], axis=-4), -3, 2, -4),
    ("sum", lambda x: x.sum(5), -2, 1, 5),
    ("sum_tuple", lambda x: x.sum(dim=(0, 2)), -2, 1, 2),
    ("mean", lambda x: x.mean(-3), -2, 1, -3),
    ("max", lambda x: x.max(dim=3), -2, 1, 3),
    ("min", lambda x: x.min(axis=2), -2, 1, 2),
    ("var", lambda x: x.var(dim=5), -2, 1, 5),
    ("logsumexp", lambda x: x.logsumexp(9), -2, 1, 9),
    ("softmax", lambda x: x.softmax(2), -2, 1, 2),
    ("log_softmax", lambda x: x.log_softmax(dim=-3), -2, 1, -3),
    ("argmax", lambda x: x.argmax(5), -2, 1, 5),
    ("argmin", lambda x: x.argmin(dim=-3), -2, 1, -3),
    ("fn_softmax", lambda x: F.softmax(x, dim=2), -2, 1, 2),
    ("nn_softmax", lambda x: mg.nn.Softmax(dim=4)(x), -2, 1, 4),
    ("nn_flatten", lambda x: mg.nn.Flatten(3)(x), -2, 1, 3),
]


@pytest.mark.parametrize("name,call,lo,hi,got", OUT_OF_RANGE, ids=[c[0] for c in OUT_OF_RANGE])
def test_out_of_range_dims_raise_pytorchs_index_error(
    name: str, call: Callable[[Tensor], Any], lo: int, hi: int, got: int
) -> None:
    x = _x(2, 3)
    with pytest.raises(IndexError, match=DIM_ERROR.format(lo=lo, hi=hi, got=got)):
        call(x)


@pytest.mark.parametrize("name,call,lo,hi,got", OUT_OF_RANGE, ids=[c[0] for c in OUT_OF_RANGE])
def test_out_of_range_dims_match_torch(
    name: str, call: Callable[[Tensor], Any], lo: int, hi: int, got: int
) -> None:
    torch = pytest.importorskip("torch")
    tcalls = {
        "cat": lambda t: torch.cat([t, t], dim=5),
        "cat_neg": lambda t: torch.cat([t, t], -3),
        "stack": lambda t: torch.stack([t, t], dim=5),
        "stack_neg": lambda t: torch.stack([t, t], dim=-4),
        "fn_softmax": lambda t: torch.softmax(t, dim=2),
        "nn_softmax": lambda t: torch.nn.Softmax(dim=4)(t),
        "nn_flatten": lambda t: torch.nn.Flatten(3)(t),
        "min": lambda t: t.amin(dim=2),
        "max": lambda t: t.amax(dim=3),
        "squeeze_tuple": lambda t: t.squeeze((0, 4)),
        "sum_tuple": lambda t: t.sum(dim=(0, 2)),
        "squeeze_dim": lambda t: t.squeeze(dim=-3),
        "log_softmax": lambda t: t.log_softmax(dim=-3),
        "argmin": lambda t: t.argmin(dim=-3),
    }
    if name in tcalls:
        tcall = tcalls[name]
    else:
        tcall = call  # the same method calls work on torch tensors
    with pytest.raises(IndexError, match=DIM_ERROR.format(lo=lo, hi=hi, got=got)):
        tcall(torch.zeros(2, 3))


def test_dim_errors_name_the_op_and_shape() -> None:
    with pytest.raises(IndexError, match=r"in unsqueeze\(\) of a tensor of shape \(2, 3\)"):
        _x(2, 3).unsqueeze(3)


def test_repeated_dims_are_refused() -> None:
    x = _x(2, 3)
    for call in (
        lambda: x.sum(axis=(0, 0)),
        lambda: x.mean(dim=[1, -1]),
        lambda: x.squeeze((0, 0)),
    ):
        with pytest.raises(RuntimeError, match=r"dim [01] appears multiple times"):
            call()
    with pytest.raises(RuntimeError, match="duplicate dims"):
        x.permute(1, 1)
    with pytest.raises(RuntimeError, match="number of dims"):
        x.permute(0)
    with pytest.raises(RuntimeError, match="start_dim cannot come after end_dim"):
        _x(2, 3, 4).flatten(2, 1)


@pytest.mark.parametrize("bad", [1.0, True, "1", None, [0.5]], ids=repr)
def test_non_integer_dims_are_refused(bad: Any) -> None:
    x = _x(2, 3)
    with pytest.raises(TypeError, match="dim must be an int"):
        x.sum(axis=bad) if bad is not None else x.softmax(bad)  # sum(None) is the full sum


def test_integer_like_dims_are_accepted() -> None:
    x = mg.from_numpy(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(x.sum(np.int64(1)).detach().numpy(), [3.0, 12.0])
    np.testing.assert_array_equal(x.sum(mg.from_numpy(np.array(1))).detach().numpy(), [3.0, 12.0])
    np.testing.assert_array_equal(x.sum(dim=[np.int32(0), -1]).detach().numpy(), 15.0)


def test_zero_dim_tensors_accept_dims_0_and_minus_1() -> None:
    """As in PyTorch, a 0-d tensor takes dims in [-1, 0] and nothing else."""
    z = mg.tensor(2.0, requires_grad=True)
    for out in (z.squeeze(0), z.squeeze(-1), z.sum(0), z.mean(-1), z.max(0).values, z.logsumexp(0)):
        assert out.shape == ()
    assert z.softmax(0).item() == 1.0
    assert z.unsqueeze(0).shape == (1,) and z.unsqueeze(-1).shape == (1,)
    assert z.flatten(0, -1).shape == (1,)
    for call in (lambda: z.squeeze(1), lambda: z.sum(1), lambda: z.unsqueeze(2)):
        with pytest.raises(IndexError, match="Dimension out of range"):
            call()
    with pytest.raises(RuntimeError, match="zero-dimensional tensor"):
        mg.cat([z, z])


def test_empty_dim_tuple_reduces_everything_as_in_pytorch() -> None:
    x = mg.from_numpy(np.arange(6.0).reshape(2, 3))
    assert x.sum(dim=()).item() == 15.0
    assert x.mean(axis=[]).item() == 2.5


# ---------------------------------------------------------------------------------------------
# Powers at 0: d/dx x^0 = 0 and d2/dx2 x^1 = 0 everywhere, as in PyTorch and finite differences


def test_pow_0_has_zero_gradient_at_0() -> None:
    x = mg.tensor([0.0, 1.5, -2.0], requires_grad=True)
    (x**0).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])


def test_pow_1_has_zero_second_derivative_at_0() -> None:
    x = mg.tensor([0.0, 1.5], dtype=np.float64, requires_grad=True)
    (g,) = mg.grad((x**1).sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.detach().numpy(), [1.0, 1.0])
    (gg,) = mg.grad(g.sum(), x, allow_unused=True)
    assert gg is None or np.array_equal(gg.detach().numpy(), [0.0, 0.0])


def test_pow_tensor_exponent_at_0_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    a, b = np.array([0.0, 0.0, 2.0, 0.0]), np.array([0.0, 2.0, 0.0, 1.0])
    x, y = mg.from_numpy(a).requires_grad_(), mg.from_numpy(b).requires_grad_()
    (x**y).sum().backward()
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (tx**ty).sum().backward()
    assert x.grad is not None and y.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_array_equal(y.grad.numpy(), ty.grad.numpy())


@pytest.mark.parametrize("p", [0, 1, 2, 3])
def test_integer_powers_at_0_pass_gradgradcheck(p: int) -> None:
    x = mg.from_numpy(np.array([0.0, 0.7, -1.3])).requires_grad_()
    assert mg.gradcheck(lambda t: t**p, [x])
    assert mg.gradgradcheck(lambda t: t**p, [x])


# ---------------------------------------------------------------------------------------------
# Empty reductions: nan, as in PyTorch and NumPy


def test_empty_mean_and_var_are_nan() -> None:
    e = mg.zeros(0, 3)
    assert np.isnan(e.mean().item())
    assert np.isnan(e.mean(0).detach().numpy()).all() and e.mean(0).shape == (3,)
    assert e.mean(1).shape == (0,)
    with pytest.warns(UserWarning, match="degrees of freedom"):
        assert np.isnan(e.var().item())
    with pytest.warns(UserWarning, match="degrees of freedom"):
        assert np.isnan(mg.zeros(1, 3).var(0).detach().numpy()).all()
    assert e.sum().item() == 0.0
    np.testing.assert_array_equal(e.logsumexp(0).detach().numpy(), [-np.inf] * 3)


def test_empty_batch_losses_are_nan() -> None:
    logits = mg.zeros(0, 3, requires_grad=True)
    labels = mg.tensor(np.zeros(0, dtype=np.int64))
    assert np.isnan(F.cross_entropy(logits, labels).item())
    assert np.isnan(F.nll_loss(logits, labels).item())
    assert F.cross_entropy(logits, labels, reduction="sum").item() == 0.0
    assert np.isnan(F.mse_loss(mg.zeros(0, 3), mg.zeros(0, 3)).item())
    F.cross_entropy(logits, labels).backward()
    assert logits.grad is not None and logits.grad.shape == (0, 3)


def test_empty_reductions_match_torch() -> None:
    torch = pytest.importorskip("torch")
    e, te = mg.zeros(0, 3), torch.zeros(0, 3)
    pairs = [
        (e.mean(), te.mean()),
        (e.mean(0), te.mean(0)),
        (e.logsumexp(0), te.logsumexp(0)),
        (e.sum(0), te.sum(0)),
        (
            F.cross_entropy(e, mg.tensor(np.zeros(0, dtype=np.int64))),
            torch.nn.functional.cross_entropy(te, torch.zeros(0, dtype=torch.long)),
        ),
    ]
    for ours, theirs in pairs:
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.numpy())


def test_max_of_nothing_is_refused() -> None:
    with pytest.raises(RuntimeError, match="numel\\(\\) == 0"):
        mg.zeros(0, 3).max()
    with pytest.raises(IndexError, match="reduction dim 0 to have non-zero size"):
        mg.zeros(0, 3).min(0)
    assert mg.zeros(0, 3).max(1).values.shape == (0,)


# ---------------------------------------------------------------------------------------------
# Data that is not real numbers is refused at creation, naming the bad element


@pytest.mark.parametrize(
    "data,error,match",
    [
        ([1 + 2j], TypeError, r"element \[0\] is the complex number"),
        (np.array([1.0, 2.0], dtype=np.complex64), TypeError, "complex"),
        (["a"], TypeError, r"element \[0\] has type str"),
        ([1.0, "a"], TypeError, r"element \[1\] has type str \('a'\)"),
        ([[1.0, 2.0], [3.0, None]], TypeError, r"element \[1\]\[1\] has type NoneType"),
        ([1.0, object()], TypeError, r"element \[1\] has type object"),
        ([[1.0, 2.0], [3.0]], ValueError, r"expected sequence of length 2 at dim 1 \(got 1\)"),
        ([[1.0, 2.0], 3.0], ValueError, r"length 2 at dim 1 \(got a float\) at element \[1\]"),
        ("abc", TypeError, "has type str"),
        ({"a": 1}, TypeError, "has type dict"),
        (np.array(["x"]), TypeError, "str"),
        (np.array([1, None], dtype=object), TypeError, r"element \[1\] has type NoneType"),
    ],
    ids=_id,
)
def test_non_numeric_data_is_refused_at_creation(data: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        mg.tensor(data)
    # Tensor(...) is torch.Tensor: a string or a dict as data is refused in its words
    legacy = {str: "invalid data type 'str'", dict: r"data must be a sequence \(got dict\)"}
    with pytest.raises(error, match=legacy.get(type(data), match)):
        Tensor(data, requires_grad=False)


def test_complex_tensors_are_refused_everywhere() -> None:
    with pytest.raises(TypeError, match="complex"):
        mg.tensor([1.0 + 2.0j], requires_grad=True)
    with pytest.raises(TypeError, match="not supported"):
        mg.tensor([1.0], dtype=np.complex128)
    with pytest.raises(TypeError, match="not supported"):
        mg.tensor([1.0]).astype(np.complex64)
    with pytest.raises(TypeError, match="'complex'"):
        mg.tensor([1.0]) * 1j


def test_numeric_data_still_converts() -> None:
    assert mg.tensor([[1, 2], [3, 4]]).dtype == np.int64
    assert mg.tensor([True, False]).dtype == np.bool_
    assert mg.tensor([np.float32(1), 2.0]).shape == (2,)
    assert mg.tensor([np.array([1.0, 2.0]), np.array([3.0, 4.0])]).shape == (2, 2)
    assert mg.tensor([mg.tensor(1.0), mg.tensor(2.0)]).shape == (2,)
    assert mg.tensor([]).shape == (0,)


# ---------------------------------------------------------------------------------------------
# Non-tensor operands: comparisons, where and hooks refuse what arithmetic refuses


@pytest.mark.parametrize("bad", ["a", None, object(), 1j, {"a": 1}], ids=_id)
def test_arithmetic_refuses_non_numbers(bad: Any) -> None:
    x = _x(2, 3)
    for call in (lambda: x + bad, lambda: bad * x, lambda: x / bad, lambda: x**bad):
        with pytest.raises(TypeError, match="unsupported operand type"):
            call()
    with pytest.raises(TypeError, match=r"^maximum\(\): argument 'other' .*must be Tensor"):
        mg.maximum(x, bad)
    with pytest.raises(TypeError, match="unsupported operand type"):
        x @ bad


@pytest.mark.parametrize("bad", ["a", None, object(), {"a": 1}], ids=_id)
def test_order_comparisons_refuse_non_numbers(bad: Any) -> None:
    x = _x(2, 3)
    for call in (lambda: x < bad, lambda: x <= bad, lambda: x > bad, lambda: x >= bad):
        with pytest.raises(TypeError, match="not supported between instances of 'Tensor'"):
            call()


def test_equality_with_non_numbers_is_pythons_and_pytorchs() -> None:
    """``==`` falls back to identity, as in Python and PyTorch: False (and ``!=`` True)."""
    x = _x(2)
    assert (x == "a") is False and (x == None) is False  # noqa: E711
    assert (x != "a") is True


def test_comparisons_refuse_bad_lists_naming_the_element() -> None:
    x = _x(2)
    with pytest.raises(TypeError, match=r"element \[1\] has type str"):
        _ = x < [1.0, "a"]
    with pytest.raises(TypeError, match=r"element \[1\] has type str"):
        _ = x.__add__([1.0, "a"])
    np.testing.assert_array_equal((x < [1.0, -1.0]).detach().numpy(), [True, False])


@pytest.mark.parametrize("bad", ["a", None, object()], ids=_id)
def test_where_refuses_non_numbers(bad: Any) -> None:
    x = _x(2, 3)
    with pytest.raises(TypeError, match=r"where\(\): argument 'other' \(position 3\)"):
        mg.where(x > 0, x, bad)
    with pytest.raises(TypeError, match=r"where\(\): argument 'input' \(position 2\)"):
        mg.where(x > 0, bad, x)
    with pytest.raises(TypeError, match=r"element \[1\] has type str"):
        mg.where(x > 0, x, [0.0, "a", 1.0])


@pytest.mark.parametrize("bad", ["a", [1.0, 2.0], {"g": 1}, True], ids=repr)
def test_hooks_returning_non_tensors_are_refused(bad: Any) -> None:
    x = _x(2)
    x.register_hook(lambda g: bad)
    with pytest.raises(TypeError, match="expected Tensor, but hook returned"):
        (x * 2).sum().backward()
    assert x.grad is None


def test_hooks_returning_integer_tensors_are_refused() -> None:
    x = _x(2)
    x.register_hook(lambda g: mg.tensor([1, 2]))
    with pytest.raises(TypeError, match="dtype int64"):
        (x * 2).sum().backward()


# ---------------------------------------------------------------------------------------------
# IEEE special values: PyTorch's values, and no NumPy RuntimeWarning out of minigrad


def _values(f: Callable[[Any, Any], Any], a: list[float], mod: Any) -> np.ndarray:
    x = mod.tensor(a, requires_grad=True, dtype=mod.float64)
    out = f(mod, x)
    out.sum().backward()
    return np.concatenate([np.ravel(out.detach().numpy()), np.ravel(x.grad.numpy())])


IEEE: list[tuple[str, Callable[[Any, Any], Any], list[float]]] = [
    ("log_0", lambda m, x: x.log(), [0.0, -1.0, 1.0]),
    ("div_by_0", lambda m, x: 1 / x, [0.0, 2.0]),
    ("div_by_neg_0", lambda m, x: x / (x * 0 - 0.0), [-2.0, 0.0]),
    ("0_div_0", lambda m, x: x / x, [0.0, 1.0]),
    ("sqrt_neg", lambda m, x: x.sqrt(), [-1.0, 0.0, 4.0]),
    ("exp_overflow", lambda m, x: x.exp(), [1000.0, -1000.0]),
    ("pow_half_at_0", lambda m, x: x**0.5, [0.0, -1.0, 4.0]),
    ("pow_neg_at_0", lambda m, x: x**-1, [0.0, 2.0]),
    ("rpow_at_0", lambda m, x: 0.0**x, [0.0, 1.0, 2.0]),
    ("log_of_exp", lambda m, x: (x.exp()).log(), [-800.0, 1.0]),
    ("softmax_inf", lambda m, x: x.softmax(0), [-np.inf, 0.0, 1.0]),
    ("softmax_all_neg_inf", lambda m, x: x.softmax(0), [-np.inf, -np.inf]),
    ("log_softmax_all_neg_inf", lambda m, x: x.log_softmax(0), [-np.inf, -np.inf]),
    ("logsumexp_all_neg_inf", lambda m, x: x.logsumexp(0), [-np.inf, -np.inf]),
    (
        "cross_entropy_all_neg_inf",
        lambda m, x: m.nn.functional.cross_entropy(x.reshape(1, 2), m.tensor([0])),
        [-np.inf, -np.inf],
    ),
    (
        "cross_entropy_one_inf",
        lambda m, x: m.nn.functional.cross_entropy(x.reshape(1, 2), m.tensor([1])),
        [np.inf, 0.0],
    ),
    ("tanh_sigmoid_big", lambda m, x: x.tanh() + x.sigmoid(), [800.0, -800.0]),
]


@pytest.mark.parametrize("name,f,a", IEEE, ids=[c[0] for c in IEEE])
def test_ieee_edges_raise_no_warning(name: str, f: Any, a: list[float]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _values(f, a, mg)


@pytest.mark.parametrize("name,f,a", IEEE, ids=[c[0] for c in IEEE])
def test_ieee_edges_match_torch(name: str, f: Any, a: list[float]) -> None:
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = _values(f, a, mg)
    np.testing.assert_allclose(ours, _values(f, a, torch), rtol=1e-12, atol=1e-300)


def test_ieee_edges_on_the_tensor_path_raise_no_warning() -> None:
    """The same rules run under create_graph: second order at the edges stays quiet too."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = mg.tensor([0.0, 1.0], dtype=np.float64, requires_grad=True)
        for f in (lambda t: t.log(), lambda t: t.sqrt(), lambda t: 1 / t, lambda t: t**0.5):
            (g,) = mg.grad(f(x).sum(), x, create_graph=True)
            mg.grad(g.sum(), x)


def _without_numpys_private_settings(monkeypatch: Any) -> None:
    """Switch NumPy's warnings by the public np.errstate, as on an older or future NumPy."""
    from minigrad import engine, quiet

    for module in (quiet, engine):
        monkeypatch.setattr(module, "_QUIET", None)
        monkeypatch.setattr(module, "_quiet_numpy", quiet._errstate_quiet)
        monkeypatch.setattr(module, "_loud_numpy", quiet._errstate_loud)


def test_backward_stays_quiet_without_numpys_private_settings(monkeypatch: Any) -> None:
    """The public np.errstate path (older or future NumPy) gives the same values, quietly."""
    _without_numpys_private_settings(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = mg.tensor([0.0, 4.0], requires_grad=True)
        x.log().sum().backward()
        assert np.isinf((mg.tensor([3e38]) * 10).numpy()).all()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [np.inf, 0.25])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x.grad = None
        x.sqrt().sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [np.inf, 0.25])


@pytest.mark.parametrize("prebuilt", [True, False], ids=["prebuilt settings", "np.errstate"])
def test_ieee_blocks_are_quiet_inside_and_loud_again_after(
    prebuilt: bool, monkeypatch: Any
) -> None:
    """``with _ieee():`` quiets a block, nested or left by an exception, and restores NumPy's
    settings on the way out (either way it is built)."""
    from minigrad import quiet

    if not prebuilt:
        _without_numpys_private_settings(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with quiet._ieee():
            np.log(np.zeros(1))
            with quiet._ieee():
                np.sqrt(-np.ones(1))
            np.divide(np.ones(1), 0.0)
        with pytest.raises(ZeroDivisionError), quiet._ieee():
            raise ZeroDivisionError
        with pytest.raises(RuntimeWarning):
            np.log(np.zeros(1))
        x = mg.tensor([float("inf"), 0.0])
        assert np.isnan(x.sin().numpy()[0]) and x.cos().numpy()[1] == 1.0


def test_any_and_all_check_their_dim_as_every_reduction() -> None:
    t = mg.ones(2, 3)
    for name in ("any", "all"):
        with pytest.raises(
            IndexError,
            match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 5\)",
        ):
            getattr(t, name)(5)
        assert getattr(t, name)(-1).shape == (2,)


def test_sparse_layout_as_torch_on_a_dense_tensor() -> None:
    """A tensor is dense (strided), as PyTorch's default: ``is_sparse`` is False and
    ``to_dense()`` returns the tensor itself; ``to_sparse()`` says minigrad has no sparse
    layout (it was a bare AttributeError). Methods, not a ``__getattr__`` on Tensor: that
    would make every slot read about three times slower (measured 9 -> 30 ns)."""
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        t = lib.ones(2)
        assert t.is_sparse is False and t.to_dense() is t
    with pytest.raises(NotImplementedError, match=r"torch\.Tensor\.to_sparse.*dense NumPy arrays"):
        mg.ones(2).to_sparse()


def test_clamp_without_bounds_is_pytorchs_runtime_error() -> None:
    # (a ValueError before, with words of minigrad's own; ArgumentError is both)
    for call in (lambda x: x.clamp(), lambda x: x.clip(), lambda x: mg.clamp(x)):
        with pytest.raises(RuntimeError, match=r"^torch\.clamp: At least one of 'min' or 'max'"):
            call(mg.ones(2))
