"""PyTorch's ``out=`` on the creation functions (``torch.rand(2, 2, out=c)``, "works for
creation too!" in the Tensors chapter of PyTorch's YouTube series): the values are made in
``out``'s dtype and written into it, and ``out`` itself is returned. Compared with torch; the
refusals leave ``out`` as it was. (Creation is not differentiable: there is no gradient to
check.)"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest

import minigrad as mg

# (name, shape of out, call): each call takes the library and an out tensor and is
# deterministic (arange and linspace keep an out of their number of elements as it is shaped
# in PyTorch: theirs are given 1-D outs)
DETERMINISTIC: list[tuple[str, tuple[int, ...], Any]] = [
    ("zeros", (2, 3), lambda lib, out: lib.zeros(2, 3, out=out)),
    ("ones", (2, 3), lambda lib, out: lib.ones((2, 3), out=out)),
    ("full", (2, 3), lambda lib, out: lib.full((2, 3), 7, out=out)),
    ("arange", (6,), lambda lib, out: lib.arange(6, out=out)),
    ("arange_float", (6,), lambda lib, out: lib.arange(0, 3, 0.5, out=out)),
    ("linspace", (6,), lambda lib, out: lib.linspace(0, 10, 6, out=out)),
    ("logspace", (3,), lambda lib, out: lib.logspace(0, 2, 3, out=out)),
    ("eye", (3, 2), lambda lib, out: lib.eye(3, 2, out=out)),
    ("normal_of_zero_std", (2, 2), lambda lib, out: lib.normal(2.0, 0.0, (2, 2), out=out)),
]
DTYPES = ["float32", "float64", "int64", "int32"]


def _out(lib: Any, dtype: str, shape: tuple[int, ...]) -> Any:
    return lib.full(shape, -5, dtype=getattr(lib, dtype))


def _outcome(call: Any, lib: Any, out: Any) -> Any:
    """The call's result, or the type of the error it raised."""
    try:
        return call(lib, out)
    except (RuntimeError, ValueError, NotImplementedError) as e:
        return type(e)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    ("name", "shape", "call"), DETERMINISTIC, ids=[n for n, _, _ in DETERMINISTIC]
)
def test_out_is_returned_holding_the_values_in_its_dtype(
    name: str, shape: tuple[int, ...], call: Any, dtype: str
) -> None:
    """The values are torch's in out's dtype; where torch refuses the dtype (a fractional
    step or normal draws in integers), minigrad refuses with the same kind of error."""
    out = _out(mg, dtype, shape)
    before = out._version
    ours = _outcome(call, mg, out)
    if isinstance(ours, type):
        assert name in ("arange_float", "normal_of_zero_std") and dtype.startswith("int")
        assert out._version == before and (out.numpy() == -5).all()
    else:
        assert ours is out and out.dtype == getattr(mg, dtype) and out._version > before
    torch = pytest.importorskip("torch")
    theirs = _outcome(call, torch, _out(torch, dtype, shape))
    if isinstance(ours, type):
        assert theirs is ours
        return
    assert str(theirs.dtype).split(".")[1] == dtype and tuple(theirs.shape) == tuple(out.shape)
    np.testing.assert_array_equal(out.numpy(), theirs.numpy())


@pytest.mark.parametrize(
    "call",
    [
        lambda out: mg.rand(2, 3, out=out),
        lambda out: mg.randn((2, 3), out=out),
        lambda out: mg.normal(0.0, 1.0, (2, 3), out=out),
    ],
)
def test_random_floats_into_out_are_the_draws_of_its_dtype(call: Any) -> None:
    for dtype in (mg.float32, mg.float64):
        mg.manual_seed(3)
        out = mg.zeros(2, 3, dtype=dtype)
        assert call(out) is out
        mg.manual_seed(3)
        expected = call(None).to(dtype) if dtype == mg.float32 else None
        mg.manual_seed(3)
        again = call(mg.zeros(2, 3, dtype=dtype))
        np.testing.assert_array_equal(out.numpy(), again.numpy())
        if expected is not None:  # the default dtype: the draws of the call without out
            np.testing.assert_array_equal(out.numpy(), expected.numpy())


def test_random_integers_and_permutations_into_out() -> None:
    mg.manual_seed(0)
    out = mg.zeros(4, 5)  # float: randint's integers written as floats, as in PyTorch
    assert mg.randint(3, 9, (4, 5), out=out) is out and out.dtype == mg.float32
    values = out.numpy()
    assert ((values >= 3) & (values < 9) & (values == np.floor(values))).all()
    perm = mg.empty(0, dtype=mg.int64)
    assert mg.randperm(6, out=perm) is perm and sorted(perm.tolist()) == list(range(6))


def test_the_tutorials_lines() -> None:
    """The Tensors chapter: ``c`` keeps its identity through matmul(out=) and rand(out=)."""
    a, b, c = mg.rand(2, 2), mg.rand(2, 2), mg.zeros(2, 2)
    old_id = id(c)
    d = mg.matmul(a, b, out=c)
    assert c is d and id(c) == old_id
    mg.rand(2, 2, out=c)
    assert id(c) == old_id and not np.allclose(c.numpy(), (a @ b).numpy())
    assert ((c.numpy() >= 0) & (c.numpy() < 1)).all()


def test_an_out_of_another_shape_owning_its_memory_is_resized_as_in_torch() -> None:
    out = mg.zeros(5)
    assert mg.ones(2, 2, out=out) is out and out.shape == (2, 2)
    assert mg.arange(3, out=out).tolist() == [0.0, 1.0, 2.0]
    torch = pytest.importorskip("torch")
    theirs = torch.zeros(5)
    torch.ones(2, 2, out=theirs)
    assert tuple(theirs.shape) == (2, 2)


def test_requires_grad_is_set_on_out() -> None:
    out = mg.zeros(3)
    assert mg.ones(3, requires_grad=True, out=out) is out
    assert out.requires_grad and out.is_leaf and out.tolist() == [1.0, 1.0, 1.0]


def _refused(call: Any, out: Any, error: type, match: str) -> None:
    kept = out.detach().numpy().copy()
    shape, dtype, version = out.shape, out.dtype, out._version
    with pytest.raises(error, match=match):
        call(out)
    assert out.shape == shape and out.dtype == dtype and out._version == version
    np.testing.assert_array_equal(out.detach().numpy(), kept)


def test_refusals_change_nothing() -> None:
    _refused(
        lambda o: mg.zeros(2, 2, dtype=mg.float64, out=o),
        mg.ones(2, 2),
        RuntimeError,
        r"^dtype Double does not match dtype of out parameter \(Float\)$",
    )
    _refused(
        lambda o: mg.zeros(2, out=o),
        mg.ones(2, requires_grad=True),
        RuntimeError,
        r"zeros\(\): functions with out=\.\.\. arguments don't support automatic differentiation",
    )
    _refused(
        lambda o: mg.rand(2, 2, out=o),
        mg.ones(2, 2, dtype=mg.int64),
        NotImplementedError,
        r"rand\(\): random floats are not implemented for dtype int64",
    )
    base = mg.ones(4, 4)
    _refused(
        lambda o: mg.rand(3, 3, out=o),
        base[:, :2],
        RuntimeError,
        r"rand\(\): out= has shape \[4, 2\], a view of another tensor, .* cannot resize a view",
    )
    _refused(
        lambda o: mg.zeros(3, out=o),
        mg.ones(1).expand(3),
        RuntimeError,
        r"zeros\(\): out= refers to memory shared by several elements .* clone\(\) it first",
    )
    with pytest.raises(TypeError, match=r"^rand\(\): argument 'out' must be Tensor, not list$"):
        mg.rand(2, out=[0.0, 0.0])


def test_the_errors_are_torchs() -> None:
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        with pytest.raises(RuntimeError, match=r"dtype Double does not match .* \(Float\)"):
            lib.zeros(2, 2, dtype=lib.float64, out=lib.ones(2, 2))
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            lib.zeros(2, out=lib.ones(2, requires_grad=True))


def test_under_no_grad_an_out_requiring_grad_is_written() -> None:
    out = mg.ones(2, requires_grad=True)
    with mg.no_grad():
        assert mg.zeros(2, out=out) is out
    assert out.tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    "name",
    "zeros ones empty full arange linspace logspace eye rand randn randint randperm normal".split(),
)
def test_the_signature_shows_out_as_torchs_does(name: str) -> None:
    parameters = inspect.signature(getattr(mg, name)).parameters
    assert parameters["out"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["out"].default is None
    assert list(parameters).index("out") < list(parameters).index("dtype")
