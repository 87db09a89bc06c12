"""Calls PyTorch refuses are refused by minigrad too, with PyTorch's exception type and words,
then the op and the fix: arithmetic on bool tensors where PyTorch has no kernel (abs, relu, unary
``+``, subtraction, pow, topk, trace, addcmul, dist, clamp, argmax, argmin), softmax and
log_softmax of integer and bool tensors, and maximum/minimum of a Python number. Where PyTorch
answers beside them (a bool tensor to a bool power, clamp of a bool tensor by numbers that are not
bools, the softmax of an empty tensor), minigrad gives the same answer.

The messages and the answers are checked without torch; torch, when installed, is the oracle of
which calls raise, of the words they raise with, and of the answers.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn

Make = Callable[[Any], Any]


def _bools(L: Any, *shape: int) -> Any:
    """A bool tensor of ``shape`` with both values in it."""
    n = int(np.prod(shape))
    return L.tensor(np.resize([True, False, True], n).reshape(shape).tolist(), dtype=L.bool)


def _ints(L: Any, dtype: str = "int64") -> Any:
    return L.tensor([3, 0, -2], dtype=getattr(L, dtype))


def _floats(L: Any) -> Any:
    return L.tensor([1.5, -0.5, 2.0])


# (name, the call, given the library's namespace L, minigrad's exception type, what minigrad's
# message says: PyTorch's words, then the op and the fix)
SUB_ONE = (
    r"^Subtraction, the `-` operator, with a bool tensor is not supported\. If you are trying "
    r"to invert a mask, use the `~` or `logical_not\(\)` operator instead\."
)
SUB_TWO = (
    r"^Subtraction, the `-` operator, with two bool tensors is not supported\. Use the `\^` or "
    r"`logical_xor\(\)` operator instead\."
)
REFUSED: list[tuple[str, Make, type[Exception], str]] = [
    # |x|, relu and +x of a mask: no kernel in PyTorch
    ("abs", lambda L: _bools(L, 3).abs(), NotImplementedError, r"^\"abs_cpu\" .*'Bool' \(abs\(\)"),
    ("abs_fn", lambda L: L.abs(_bools(L, 2, 3)), NotImplementedError, r"x\.int\(\)\.abs\(\)"),
    ("absolute", lambda L: _bools(L, 3).absolute(), NotImplementedError, r"abs_cpu"),
    ("abs_builtin", lambda L: abs(_bools(L)), NotImplementedError, r"abs_cpu"),
    ("abs_", lambda L: _bools(L, 3).abs_(), NotImplementedError, r"abs_cpu"),
    (
        "relu",
        lambda L: _bools(L, 3).relu(),
        RuntimeError,
        r"^Boolean inputs not supported for relu",
    ),
    ("relu_fn", lambda L: L.relu(_bools(L)), RuntimeError, r"relu\(\) of a bool tensor"),
    ("F.relu", lambda L: L.nn.functional.relu(_bools(L, 3)), RuntimeError, r"x\.float\(\)\.relu"),
    ("nn.ReLU", lambda L: L.nn.ReLU()(_bools(L, 2, 3)), RuntimeError, r"relu"),
    ("relu_", lambda L: _bools(L, 3).relu_(), RuntimeError, r"relu"),
    (
        "pos",
        lambda L: +_bools(L, 3),
        RuntimeError,
        r"^The `\+` operator, on a bool tensor .*x\.int",
    ),
    ("pos_0d", lambda L: operator.pos(_bools(L)), RuntimeError, r"`\+` operator"),
    # subtraction: any bool operand, a tensor or a Python bool
    ("sub_bools", lambda L: _bools(L, 3) - _bools(L, 3), RuntimeError, SUB_TWO),
    ("sub_bool_true", lambda L: _bools(L, 3) - True, RuntimeError, SUB_TWO),
    ("rsub_true_bool", lambda L: True - _bools(L, 3), RuntimeError, SUB_TWO),
    ("sub_int_bool", lambda L: _ints(L) - _bools(L, 3), RuntimeError, SUB_ONE),
    ("sub_bool_float", lambda L: _bools(L, 3) - _floats(L), RuntimeError, SUB_ONE),
    ("sub_bool_0d_float", lambda L: _bools(L, 3) - L.tensor(1.5), RuntimeError, SUB_ONE),
    ("sub_bool_number", lambda L: _bools(L, 3) - 1, RuntimeError, SUB_ONE),
    ("rsub_number_bool", lambda L: 2.5 - _bools(L), RuntimeError, SUB_ONE),
    ("sub_float_true", lambda L: _floats(L) - True, RuntimeError, SUB_ONE),
    ("rsub_true_float", lambda L: True - _floats(L), RuntimeError, SUB_ONE),
    ("sub_method", lambda L: _floats(L).sub(_bools(L, 3)), RuntimeError, SUB_ONE),
    ("sub_alpha", lambda L: _ints(L).sub(_bools(L, 3), alpha=2), RuntimeError, SUB_ONE),
    ("sub_fn_alpha", lambda L: L.sub(_bools(L, 3), _ints(L), alpha=2), RuntimeError, SUB_ONE),
    ("subtract", lambda L: L.subtract(_ints(L), True), RuntimeError, SUB_ONE),
    ("isub", lambda L: operator.isub(_floats(L), _bools(L, 3)), RuntimeError, SUB_ONE),
    ("sub_", lambda L: _bools(L, 3).sub_(True), RuntimeError, SUB_TWO),
    ("dist", lambda L: _bools(L, 3).dist(_floats(L)), RuntimeError, SUB_ONE),
    ("dist_bools", lambda L: L.dist(_bools(L, 3), _bools(L, 3)), RuntimeError, SUB_TWO),
    # alpha of add and sub: PyTorch's rules, not NumPy's promotion
    (
        "add_float_alpha",
        lambda L: _ints(L).add(_ints(L), alpha=2.5),
        RuntimeError,
        r"^For integral input tensors, argument alpha must not be a floating point number\. "
        r"\(add\(alpha=2\.5\): .*x\.float\(\)\.add",
    ),
    ("sub_float_alpha", lambda L: L.sub(_bools(L, 3), 1, alpha=0.5), RuntimeError, SUB_ONE),
    ("sub_int_float_alpha", lambda L: _ints(L).sub(1, alpha=0.5), RuntimeError, r"integral"),
    (
        "add_bools_float_alpha",
        lambda L: _bools(L, 3).add(_bools(L, 3), alpha=1.5),
        RuntimeError,
        r"integral",
    ),
    (
        "add_bool_alpha",
        lambda L: _ints(L).add(_ints(L), alpha=True),
        RuntimeError,
        r"^Boolean alpha only supported for Boolean results\. \(add\(alpha=True\).*alpha=1",
    ),
    ("add_bool_alpha_", lambda L: _ints(L).add_(_ints(L), alpha=False), RuntimeError, r"Boolean"),
    ("sub_bool_alpha_", lambda L: _ints(L).sub_(1, alpha=True), RuntimeError, r"Boolean alpha"),
    # pow with a bool result: only a Python bool exponent has one (see ANSWERED)
    ("pow_bools", lambda L: _bools(L, 3) ** _bools(L, 3), NotImplementedError, r'^"pow" .*Bool'),
    ("pow_0d", lambda L: _bools(L, 3).pow(_bools(L)), NotImplementedError, r"x\.int\(\) \*\* y"),
    ("rpow_true", lambda L: True ** _bools(L, 3), NotImplementedError, r"pow\(\)"),
    ("pow_fn_true", lambda L: L.pow(True, _bools(L, 2, 3)), NotImplementedError, r"pow"),
    ("pow_", lambda L: _bools(L, 3).pow_(_bools(L, 3)), NotImplementedError, r"pow"),
    # sorting, reducing and combining masks
    ("topk", lambda L: _bools(L, 2, 3).topk(1), RuntimeError, r"^topk does not support bool"),
    ("topk_0d", lambda L: L.topk(_bools(L), 1), RuntimeError, r"x\.int\(\)\.topk\(k\)"),
    ("topk_empty", lambda L: _bools(L, 0).topk(0), RuntimeError, r"bool dtypes"),
    ("trace", lambda L: _bools(L, 2, 3).trace(), NotImplementedError, r"^\"trace\" .*'Bool'"),
    ("trace_fn", lambda L: L.trace(_bools(L, 2, 2)), NotImplementedError, r"x\.int\(\)\.trace"),
    ("trace_1d", lambda L: _bools(L, 3).trace(), NotImplementedError, r"trace"),
    (
        "argmax",
        lambda L: _bools(L, 3).argmax(),
        RuntimeError,
        r"^argmax\(\): does not support bool",
    ),
    ("argmax_dim", lambda L: L.argmax(_bools(L, 2, 3), 1), RuntimeError, r"x\.int\(\)\.argmax"),
    ("argmax_bad_dim", lambda L: _bools(L, 3).argmax(5), RuntimeError, r"bool input"),
    ("argmax_empty", lambda L: _bools(L, 0).argmax(), RuntimeError, r"bool input"),
    ("argmin", lambda L: _bools(L, 2, 3).argmin(0, keepdim=True), RuntimeError, r"^argmin\(\)"),
    ("argmin_fn", lambda L: L.argmin(_bools(L)), RuntimeError, r"x\.int\(\)\.argmin"),
    (
        "addcmul",
        lambda L: _bools(L, 2, 3).addcmul(_bools(L, 3), _bools(L, 2, 1)),
        NotImplementedError,
        r"^\"addcmul_cpu_out\" not implemented for 'Bool' \(addcmul\(\)",
    ),
    (
        "addcmul_value",
        lambda L: L.addcmul(_bools(L, 3), _bools(L, 3), _bools(L, 3), value=2),
        NotImplementedError,
        r"addcmul_cpu_out",
    ),
    (
        "addcmul_",
        lambda L: _bools(L, 3).addcmul_(_bools(L, 3), _bools(L, 3)),
        NotImplementedError,
        r"addcmul",
    ),
    # clamp of a mask by bool numbers, or by two bool tensors
    ("clamp_min", lambda L: _bools(L, 3).clamp(True), NotImplementedError, r"clamp_min_scalar_cpu"),
    ("clamp_max", lambda L: _bools(L, 3).clamp(None, True), NotImplementedError, r"clamp_max_scal"),
    ("clamp_both", lambda L: _bools(L, 3).clip(True, False), NotImplementedError, r"clamp_scalar"),
    ("clamp_fn", lambda L: L.clamp(_bools(L), min=True), NotImplementedError, r"x\.int\(\)\.clamp"),
    ("clamp_min_m", lambda L: _bools(L, 3).clamp_min(True), NotImplementedError, r"clamp_min_sca"),
    ("clamp_max_m", lambda L: L.clamp_max(_bools(L, 3), False), NotImplementedError, r"x & max"),
    ("clamp_", lambda L: _bools(L, 3).clamp_(True), NotImplementedError, r"clamp_min_scalar_cpu"),
    (
        "clamp_tensors",
        lambda L: _bools(L, 3).clamp(_bools(L, 3), _bools(L)),
        NotImplementedError,
        r"^\"clamp_cpu\" not implemented for 'Bool' \(clamp\(\)",
    ),
    # softmax of integers and bools (PyTorch's kernels are float-only)
    (
        "softmax_int",
        lambda L: _ints(L).softmax(0),
        NotImplementedError,
        r"^\"softmax_lastdim_kernel_impl\" not implemented for 'Long' \(softmax\(\) of an "
        r"integer or bool tensor: .*x\.float\(\)\.softmax\(0\)",
    ),
    (
        "softmax_bool_dim0",
        lambda L: _bools(L, 2, 3).softmax(0),
        NotImplementedError,
        r"^\"softmax_kernel_impl\" not implemented for 'Bool'",
    ),
    (
        "log_softmax_uint8",
        lambda L: _ints(L, "uint8").log_softmax(-1),
        NotImplementedError,
        r"^\"log_softmax_lastdim_kernel_impl\" not implemented for 'Byte'.*dtype=",
    ),
    ("softmax_0d", lambda L: L.tensor(3).softmax(0), NotImplementedError, r"'Long'"),
    ("F.softmax", lambda L: L.nn.functional.softmax(_ints(L), 0), NotImplementedError, r"softm"),
    ("F.log_softmax", lambda L: L.log_softmax(_bools(L, 3), 0), NotImplementedError, r"'Bool'"),
    ("nn.Softmax", lambda L: L.nn.Softmax(1)(_ints(L, "int32")[None]), NotImplementedError, r"Int"),
    (
        "softmax_int_dtype",
        lambda L: _ints(L).softmax(0, dtype=L.int64),
        NotImplementedError,
        r"'Long'",
    ),
    # maximum and minimum take tensors only (clamp takes numbers)
    (
        "maximum_int",
        lambda L: _floats(L).maximum(2),
        TypeError,
        r"^maximum\(\): argument 'other' \(position 1\) must be Tensor, not int \(.*clamp\(min=",
    ),
    (
        "minimum_float",
        lambda L: _ints(L).minimum(2.5),
        TypeError,
        r"^minimum\(\): argument 'other' \(position 1\) must be Tensor, not float .*clamp\(max=",
    ),
    (
        "maximum_fn",
        lambda L: L.maximum(_ints(L), True),
        TypeError,
        r"^maximum\(\): argument 'other' \(position 2\) must be Tensor, not bool",
    ),
    (
        "minimum_fn_input",
        lambda L: L.minimum(1, _ints(L)),
        TypeError,
        r"^minimum\(\): argument 'input' \(position 1\) must be Tensor, not int",
    ),
    ("maximum_list", lambda L: _ints(L).maximum([1, 2, 3]), TypeError, r"not list.*tensor\("),
    ("maximum_0d", lambda L: _bools(L).maximum(0), TypeError, r"Tensor, not int"),
]


@pytest.mark.parametrize("name, make, error, words", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_naming_the_op_and_the_fix(
    name: str, make: Make, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        make(mg)


@pytest.mark.parametrize("name, make, error, words", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_in_torchs_words(name: str, make: Make, error: type[Exception], words: str) -> None:
    """PyTorch refuses the call too, with the same exception type, and minigrad's message
    starts with PyTorch's (what users search for)."""
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as expected:
        make(torch)
    with pytest.raises(type(expected.value)) as got:
        make(mg)
    assert str(got.value).startswith(str(expected.value)), (str(got.value), str(expected.value))


# The calls beside them that PyTorch answers: the same dtype, shape and values.
ANSWERED: list[tuple[str, Make]] = [
    ("pow_true", lambda L: _bools(L, 2, 3) ** True),
    ("pow_false", lambda L: _bools(L, 3).pow(False)),
    ("pow_fn_true_0d", lambda L: L.pow(_bools(L), True)),
    ("pow_int", lambda L: _bools(L, 3) ** 2),
    ("pow_float", lambda L: _bools(L, 3) ** 2.5),
    ("rpow_int", lambda L: 2 ** _bools(L, 3)),
    ("pow_int_tensor", lambda L: _bools(L, 3) ** _ints(L).abs()),
    ("int_pow_true", lambda L: _ints(L) ** True),
    ("float_pow_false", lambda L: _floats(L) ** False),
    ("true_pow_int", lambda L: True ** _ints(L).abs()),
    ("pow_true_", lambda L: _bools(L, 3).pow_(True)),
    ("ipow_false", lambda L: operator.ipow(_bools(L, 3), False)),
    ("add_bools", lambda L: _bools(L, 3) + _bools(L, 3)),
    ("add_bools_alpha", lambda L: _bools(L, 3).add(_bools(L, 3).logical_not(), alpha=2)),
    ("add_bools_alpha_0", lambda L: L.add(_bools(L, 3), _bools(L, 2, 1), alpha=0)),
    ("add_bool_true_alpha", lambda L: _bools(L, 3).add(True, alpha=-1)),
    ("add_bools_alpha_", lambda L: _bools(L, 3).add_(_bools(L, 3).logical_not(), alpha=3)),
    ("add_int_bool_alpha", lambda L: _ints(L).add(_bools(L, 3), alpha=2)),
    ("add_float_int_alpha", lambda L: _floats(L).add(_ints(L), alpha=2.5)),
    ("sub_int_alpha", lambda L: _ints(L).sub(_ints(L, "int8"), alpha=-3)),
    ("sub_int_alpha_", lambda L: _ints(L).sub_(2, alpha=2)),
    ("sub_ints", lambda L: _ints(L) - 1),
    ("float_sub_int", lambda L: _floats(L) - _ints(L)),
    ("abs_int", lambda L: _ints(L).abs()),
    ("relu_int", lambda L: _ints(L, "int8").relu()),
    ("pos_int", lambda L: +_ints(L)),
    ("clamp_ints", lambda L: _bools(L, 3).clamp(0, 2)),
    ("clamp_false_int", lambda L: _bools(L, 3).clamp(False, 1)),
    ("clamp_float", lambda L: _bools(L, 3).clamp(0.5)),
    ("clamp_one_tensor", lambda L: _bools(L, 3).clamp(_bools(L, 3))),
    ("clamp_0d_tensor", lambda L: _bools(L, 3).clamp(L.tensor(True), None)),
    ("clamp_max_tensor", lambda L: _bools(L, 3).clamp_max(_bools(L))),
    ("clamp_int_true", lambda L: _ints(L).clamp(True)),
    ("clamp_min_int", lambda L: _bools(L, 3).clamp_min(1)),
    ("addcmul_int", lambda L: _bools(L, 3).addcmul(_ints(L), _bools(L, 3))),
    ("addcmul_float", lambda L: _floats(L).addcmul(_bools(L, 3), _bools(L, 3))),
    ("dist_int_float", lambda L: _ints(L).dist(_floats(L))),
    ("max_dim", lambda L: tuple(_bools(L, 2, 3).max(1))),
    ("sort", lambda L: tuple(_bools(L, 2, 3).sort(1))),
    ("trace_uint8", lambda L: L.tensor([[1, 2], [3, 4]], dtype=L.uint8).trace()),
    ("argmax_int", lambda L: _bools(L, 2, 3).int().argmax(1)),
    ("topk_int", lambda L: tuple(_bools(L, 2, 3).int().topk(1))),
    ("maximum_tensors", lambda L: _ints(L).maximum(_floats(L))),
    ("maximum_0d", lambda L: L.maximum(_ints(L), L.tensor(1))),
    ("minimum_bools", lambda L: L.minimum(_bools(L, 3), _bools(L))),
    ("softmax_dtype", lambda L: _ints(L).softmax(0, dtype=L.float64)),
    ("log_softmax_dtype", lambda L: _bools(L, 2, 3).log_softmax(1, dtype=L.float32)),
    ("softmax_empty_int", lambda L: L.zeros(0, dtype=L.int64).softmax(0)),
    ("log_softmax_empty_bool", lambda L: L.zeros(0, dtype=L.bool).log_softmax(-1)),
    ("softmax_empty_rows_int", lambda L: L.zeros(0, 3, dtype=L.int32).softmax(1)),
    ("softmax_empty_int_dtype", lambda L: L.zeros(0, dtype=L.int32).softmax(0, dtype=L.int32)),
    ("softmax_empty_to_float", lambda L: L.zeros(0, dtype=L.int32).softmax(0, dtype=L.float32)),
    ("softmax_empty", lambda L: L.zeros(0).softmax(0)),
    ("log_softmax_empty", lambda L: L.zeros(0, dtype=L.float64).log_softmax(-1)),
    ("softmax_empty_dim", lambda L: L.zeros(3, 0).softmax(1)),
    ("log_softmax_empty_dim", lambda L: L.zeros(3, 0).log_softmax(1)),
    ("softmax_empty_other_dim", lambda L: L.zeros(3, 0).softmax(0)),
    ("F.softmax_empty", lambda L: L.nn.functional.softmax(L.zeros(2, 0), -1)),
    ("F.log_softmax_empty", lambda L: L.nn.functional.log_softmax(L.zeros(0, 4), 0)),
]


def _array(v: Any) -> np.ndarray:
    return v.detach().numpy() if hasattr(v, "detach") else np.asarray(v)


def _dtype(v: Any) -> str:
    return str(v.dtype).rsplit(".", 1)[-1]


@pytest.mark.parametrize("name, make", ANSWERED, ids=[c[0] for c in ANSWERED])
def test_answered_as_torch(name: str, make: Make) -> None:
    torch = pytest.importorskip("torch")
    expected, got = make(torch), make(mg)
    pairs = zip(expected, got) if isinstance(expected, tuple) else [(expected, got)]
    for e, g in pairs:
        assert (_dtype(g), tuple(g.shape)) == (_dtype(e), tuple(e.shape))
        np.testing.assert_allclose(_array(g), _array(e), rtol=1e-6)


@pytest.mark.parametrize("value", [True, False])
def test_a_mask_to_a_bool_power_is_a_mask(value: bool) -> None:
    """x ** True is x, x ** False is all True, both bool: a copy, never x's memory."""
    x = mg.tensor([True, False, True])
    y = x**value
    assert y.dtype == mg.bool
    np.testing.assert_array_equal(y.numpy(), [True, False, True] if value else [True] * 3)
    y[0] = False
    assert x[0].item() is True


@pytest.mark.parametrize("value", [True, False])
def test_a_float_to_a_bool_power_keeps_its_gradient(value: bool) -> None:
    """x ** True is x ** 1 (gradient 1), x ** False is x ** 0 (gradient 0), as in PyTorch."""
    x = mg.tensor([1.5, -2.0, 0.0], dtype=mg.float64, requires_grad=True)
    (x**value).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), np.full(3, 1.0 if value else 0.0))


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape, dim", [((0,), 0), ((3, 0), 1), ((0, 3), 1), ((3, 0), 0)])
def test_softmax_of_an_empty_tensor_is_empty(op: str, shape: tuple[int, ...], dim: int) -> None:
    """Empty in, empty out (PyTorch's answer; NumPy has no maximum of nothing), with a
    gradient: an empty one."""
    x = mg.zeros(shape, dtype=mg.float64, requires_grad=True)
    y = getattr(x, op)(dim)
    assert (y.shape, y.dtype) == (shape, mg.float64)
    y.sum().backward()
    assert x.grad is not None and x.grad.shape == shape


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int32", "int64"])
def test_softmax_of_an_empty_integer_tensor_keeps_its_dtype(dtype: str) -> None:
    """PyTorch answers an empty integer softmax in its dtype (no kernel runs on nothing)."""
    y = mg.zeros((2, 0), dtype=getattr(mg, dtype)).softmax(-1)
    assert (y.shape, y.dtype) == ((2, 0), getattr(mg, dtype))


def test_softmax_of_a_float_is_unchanged() -> None:
    x = np.array([[1.0, 2.0, -1.0], [0.5, 0.5, 3.0]])
    e = np.exp(x - x.max(1, keepdims=True))
    np.testing.assert_allclose(mg.tensor(x).softmax(1).numpy(), e / e.sum(1, keepdims=True))


@pytest.mark.parametrize(
    "make",
    [
        lambda x: x.clamp(0, 2),
        lambda x: x.clamp(min=True, max=2),
        lambda x: x.clamp_min(1),
        lambda x: x**2,
        lambda x: x.int() - 1,
        lambda x: x ^ True,
        lambda x: ~x,
        lambda x: x.logical_not(),
    ],
)
def test_a_mask_still_computes_where_torch_does(make: Make) -> None:
    """The refusals are narrow: a mask with an int bound, to an int power, converted first, or
    inverted with ~, logical_not() or ^ (the fixes the messages give) still answers."""
    make(mg.tensor([True, False, True]))


def test_the_subtraction_messages_are_torchs() -> None:
    """Two bools: use ^; one bool: invert with ~ (PyTorch's words, exactly)."""
    b = mg.tensor([True, False])
    with pytest.raises(RuntimeError) as two:
        b - b
    with pytest.raises(RuntimeError) as one:
        1 - b
    assert str(two.value) == re.sub(r"\\(.)", r"\1", SUB_TWO[1:])
    assert str(one.value) == re.sub(r"\\(.)", r"\1", SUB_ONE[1:])


@pytest.mark.parametrize("alpha", [2, -1, 0, True, False])
def test_add_of_masks_casts_alpha_to_bool(alpha: Any) -> None:
    """b.add(c, alpha=a) is b | (c & bool(a)) in bool, as PyTorch casts alpha (NumPy would
    give 1 + 2 = 3 in int64)."""
    b, c = mg.tensor([True, False, False]), mg.tensor([False, True, False])
    y = b.add(c, alpha=alpha)
    assert y.dtype == mg.bool
    assert y.tolist() == [True, bool(alpha), False]
