"""Arithmetic past the largest float gives PyTorch's inf and nan without NumPy's RuntimeWarning
(`minigrad/quiet.py`), under any warnings filter, while the user's own NumPy code still warns
and NumPy's error state is the user's after every op."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg

BIG = 3e38  # float32's largest is 3.4e38: twice it, or ten times, is inf

# name -> (inputs, the op written for minigrad and torch alike). Each overflows in forward (or
# meets inf - inf, inf * 0: nan), and the upstream gradient of 10 overflows again in backward.
CASES: dict[str, tuple[list[list[float]], Callable[..., Any]]] = {
    "mul": ([[BIG, 1.0], [BIG, 2.0]], lambda x, y: x * y),
    "mul scalar": ([[BIG, 1.0]], lambda x: x * 10),
    "add": ([[BIG, 1.0], [BIG, 2.0]], lambda x, y: x + y),
    "sub": ([[BIG, 1.0], [-BIG, 2.0]], lambda x, y: x - y),
    "inf - inf": ([[BIG, 1.0]], lambda x: x * 10 - x * 10),
    "inf * 0": ([[BIG, 1.0]], lambda x: x * 10 * 0),
    "pow 2": ([[BIG, 1.0]], lambda x: x**2),
    "pow 3": ([[BIG, 1.0]], lambda x: x**3),
    "square": ([[BIG, 1.0]], lambda x: x.square()),
    "matmul vectors": ([[BIG, BIG], [1.0, 1.0]], lambda x, y: x @ y),
    "matmul matrices": (
        [[BIG, BIG, 1.0, 2.0], [1.0, 1.0, 2.0, 3.0]],
        lambda x, y: x.reshape(2, 2) @ y.reshape(2, 2),
    ),
    "sum": ([[BIG, BIG, 1.0]], lambda x: x.sum()),
    "sum dim": ([[BIG, 1.0, BIG, 2.0]], lambda x: x.reshape(2, 2).sum(dim=0)),
    "mean": ([[BIG, BIG, 1.0]], lambda x: x.mean()),
    "mean dim": ([[BIG, 1.0, BIG, 2.0]], lambda x: x.reshape(2, 2).mean(dim=0)),
    "cumsum": ([[BIG, BIG, 1.0]], lambda x: x.cumsum(0)),
    "prod": ([[BIG, 10.0, 1.0]], lambda x: x.prod()),
    "prod dim": ([[BIG, 1.0, 10.0, 2.0]], lambda x: x.reshape(2, 2).prod(0)),
}


def _run(lib: Any, name: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """The op's output and the inputs' gradients, in float32, with an upstream gradient of 10."""
    data, op = CASES[name]
    xs = [lib.tensor(d, requires_grad=True) for d in data]
    out = op(*xs)
    out.backward(lib.full_like(out, 10.0))
    return out.detach().numpy(), [x.grad.numpy() for x in xs]


@pytest.mark.parametrize("name", CASES)
def test_overflow_is_quiet_under_warnings_as_errors(name: str) -> None:
    # (as pytest's `filterwarnings = error`, set after minigrad was imported)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, grads = _run(mg, name)
    assert not np.isfinite(out).all() or not all(np.isfinite(g).all() for g in grads)


@pytest.mark.parametrize("name", CASES)
def test_overflow_is_quiet_when_every_warning_is_shown(name: str) -> None:
    # (as pytest records warnings for its summary): this also fails when a forward calls NumPy
    # through one of its Python wrappers (x.sum()), which NumPy then names as the source
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _run(mg, name)
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize("filters", ["dropped", "cleared"])
def test_overflow_is_quiet_after_the_filters_were_replaced(filters: str) -> None:
    # pytest's catch_warnings around collection drops a filter added by `import minigrad`;
    # warnings.resetwarnings() leaves no filter at all
    with warnings.catch_warnings(record=True) as caught:
        if filters == "dropped":
            warnings.filters[:] = [("always", None, Warning, None, 0)]
        else:
            warnings.resetwarnings()
        _run(mg, "mul")
        _run(mg, "sum")
    assert [str(w.message) for w in caught] == []


def test_no_op_of_the_table_lets_a_numpy_warning_out_at_the_edge_of_float32() -> None:
    from op_specs import SPECS

    rng = np.random.default_rng(0)
    leaks = []
    for spec in SPECS:
        huge = [np.clip(a * BIG, -BIG, BIG).astype(np.float32) for a in spec.arrays(rng)]
        xs = [mg.tensor(a, requires_grad=True) for a in huge]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = spec(*xs)
            out.backward(mg.ones_like(out))
        leaks += [f"{spec.name}: {w.message}" for w in caught if w.category is RuntimeWarning]
    assert leaks == []


def test_overflow_is_quiet_in_a_users_pytest_run(tmp_path: Any) -> None:
    # The real thing: minigrad imported while pytest collects, pytest's own warning capture
    # (its summary), then `-W error`: no warning, no failure, as with PyTorch.
    (tmp_path / "test_user.py").write_text(
        "import minigrad as mg\n\n"
        "def test_overflow():\n"
        "    big = mg.tensor([3e38], requires_grad=True)\n"
        "    (big * 10).sum().backward()\n"
        "    assert big.grad.item() == 10\n"
    )
    # a user's shell, not a worker of this run's pytest -n (a plugin such as pytest-benchmark
    # warns when it sees PYTEST_XDIST_WORKER, and -W error makes that an error)
    user_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST_")}
    for options in ([], ["-W", "error"]):
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *options, "test_user.py"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**user_env, "PYTHONPATH": str(Path(mg.__file__).parent.parent)},
        )
        assert "1 passed" in run.stdout and "warning" not in run.stdout, run.stdout


@pytest.mark.parametrize("name", CASES)
def test_overflow_gives_pytorchs_values(name: str) -> None:
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, grads = _run(mg, name)
    expected_out, expected_grads = _run(torch, name)
    np.testing.assert_array_equal(out, expected_out)  # (nan equals nan here)
    if name.startswith("prod"):
        # PyTorch's rule divides the product by each element (inf / 3e38 = inf); minigrad's
        # multiplies the others (test_reductions), finite where their product is: 10 * 10
        expected_grads = [
            np.where(np.isinf(e) & (np.asarray(CASES[name][0][0]) == BIG), 100, e)
            for e in expected_grads
        ]
    for g, e in zip(grads, expected_grads):
        np.testing.assert_array_equal(g, e)


def test_the_users_own_numpy_still_warns() -> None:
    big = mg.tensor([BIG], requires_grad=True)
    before = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (big * 10).sum().backward()
    assert np.geterr() == before
    with pytest.warns(RuntimeWarning, match="overflow encountered"):
        np.float32(BIG) * np.float32(10)
    with pytest.warns(RuntimeWarning, match="overflow encountered"):
        np.array([BIG], np.float32) * 10


def test_the_users_numpy_error_state_is_kept_around_an_op() -> None:
    # NumPy set to raise by the user: minigrad's op still gives inf (as PyTorch), and the
    # user's next NumPy overflow still raises
    with np.errstate(over="raise"):
        assert np.isinf((mg.tensor([BIG]) * 10).numpy()).all()
        with pytest.raises(FloatingPointError):
            np.array([BIG], np.float32) * 10


def test_an_error_of_the_forward_itself_is_shown_once() -> None:
    # (an IndexError is also how the entry points find warnings.filters emptied: the forward
    # runs again, and its own error is raised alone, not chained to the first run's)
    from minigrad import ops
    from minigrad.tensor import _unary

    with pytest.raises(IndexError, match="out of bounds") as caught:
        _unary(ops.GetItem(5), mg.tensor([1.0, 2.0]))
    assert caught.value.__suppress_context__
