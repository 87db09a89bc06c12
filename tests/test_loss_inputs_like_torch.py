"""Loss and embedding arguments PyTorch refuses, refused by minigrad too (it answered them).

Found by running nn.functional's losses, layers and their misuses side by side with PyTorch:
* ``cross_entropy``/``nll_loss`` with int8, int16 or int32 class indices: PyTorch takes only
  int64 ("Long") and uint8 ("Byte");
* ``binary_cross_entropy`` with a target outside [0, 1] (or NaN);
* ``embedding`` with a ``padding_idx`` outside the table.
Each error names the function, the argument and the fix, and nothing is computed before it.
PyTorch, when installed, is the oracle: it must refuse the same calls and answer the rest.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

RNG = np.random.default_rng(3)
LOGITS = RNG.standard_normal((4, 3))
LABELS = [0, 2, 1, 2]


def _torch() -> Any:
    return pytest.importorskip("torch")


# -- class indices: int64 or uint8 only ---------------------------------------------------------

REFUSED = [("int8", "Char"), ("int16", "Short"), ("int32", "Int"), ("uint16", "UInt16")]


@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize(("dtype", "torch_name"), REFUSED)
@pytest.mark.parametrize("shape", ["(N, C)", "(N, C, d)", "(C,)"])
def test_class_indices_of_a_small_int_dtype_are_refused(
    loss: str, dtype: str, torch_name: str, shape: str
) -> None:
    x = {
        "(N, C)": LOGITS,
        "(N, C, d)": RNG.standard_normal((2, 3, 4)),
        "(C,)": LOGITS[0],
    }[shape]
    y = {"(N, C)": LABELS, "(N, C, d)": [[0, 1, 2, 0], [2, 2, 1, 0]], "(C,)": 1}[shape]
    logits = mg.tensor(x, requires_grad=True)
    with pytest.raises(
        TypeError,
        match=rf"^{loss}\(\): expected target dtype to be Long or Byte, but got {torch_name}"
        rf" \(class indices of dtype {dtype}\); use target\.long\(\)",
    ):
        getattr(F, loss)(logits, mg.tensor(np.asarray(y, dtype=dtype)))
    assert logits.grad is None and logits.grad_fn is None


@pytest.mark.parametrize("dtype", ["int32", "int16"])
def test_a_numpy_array_of_small_ints_is_refused_as_a_tensor_is(dtype: str) -> None:
    with pytest.raises(TypeError, match=r"but got (Int|Short) .*use target\.long\(\)"):
        F.cross_entropy(mg.tensor(LOGITS), np.asarray(LABELS, dtype=dtype))


def test_the_module_form_refuses_too() -> None:
    with pytest.raises(TypeError, match=r"^cross_entropy\(\): expected target dtype"):
        nn.CrossEntropyLoss()(mg.tensor(LOGITS), mg.tensor(LABELS, dtype=mg.int32))


@pytest.mark.parametrize("dtype", ["int64", "uint8"])
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
def test_int64_and_uint8_class_indices_answer_alike(loss: str, dtype: str) -> None:
    """The two dtypes PyTorch takes give the same loss and gradient (and PyTorch's)."""
    results = []
    for dt in ("int64", dtype):
        logits = mg.tensor(LOGITS, requires_grad=True)
        value = getattr(F, loss)(logits, mg.tensor(np.asarray(LABELS, dtype=dt)))
        value.backward()
        results.append((value.item(), logits.grad.numpy()))
    assert results[0][0] == results[1][0]
    np.testing.assert_array_equal(results[0][1], results[1][1])
    torch = _torch()
    t_logits = torch.tensor(LOGITS, requires_grad=True)
    t_value = getattr(torch.nn.functional, loss)(
        t_logits, torch.tensor(np.asarray(LABELS, dtype=dtype))
    )
    t_value.backward()
    np.testing.assert_allclose(results[1][0], t_value.item(), rtol=1e-12)
    np.testing.assert_allclose(results[1][1], t_logits.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize(("dtype", "torch_name"), REFUSED)
def test_torch_refuses_the_same_class_index_dtypes(loss: str, dtype: str, torch_name: str) -> None:
    torch = _torch()
    if not hasattr(torch, dtype):
        pytest.skip(f"torch has no {dtype}")
    with pytest.raises(RuntimeError, match=r"expected target dtype to be Long or Byte, but got"):
        getattr(torch.nn.functional, loss)(
            torch.tensor(LOGITS),
            torch.tensor(np.asarray(LABELS, dtype="int64")).to(getattr(torch, dtype)),
        )


def test_a_compiled_step_refuses_small_int_labels_as_eager_does() -> None:
    model = nn.Linear(3, 3)
    step = mg.compile(model, F.cross_entropy, mg.optim.SGD(model.parameters(), lr=0.1))
    x = mg.tensor(LOGITS, dtype=mg.float32)
    step(x, mg.tensor(LABELS))  # int64: compiled
    before = model.weight.detach().numpy().copy()
    with pytest.raises(TypeError, match=r"expected target dtype to be Long or Byte, but got Int"):
        step(x, mg.tensor(LABELS, dtype=mg.int32))
    np.testing.assert_array_equal(model.weight.detach().numpy(), before)


# -- binary_cross_entropy: targets in [0, 1] -----------------------------------------------------


@pytest.mark.parametrize("bad", [1.5, -0.25, float("nan"), float("inf")])
def test_binary_cross_entropy_refuses_a_target_outside_0_1(bad: float) -> None:
    p = mg.tensor([0.2, 0.7, 0.9], requires_grad=True)
    y = mg.tensor([0.0, bad, 1.0])
    with pytest.raises(
        ValueError,
        match=r"^binary_cross_entropy\(\): all elements of target should be between 0 and 1 "
        r"\(target shape \(3,\), dtype minigrad\.float32",
    ):
        F.binary_cross_entropy(p, y)
    with pytest.raises(ValueError, match="all elements of target should be between 0 and 1"):
        nn.BCELoss()(p, y)
    assert p.grad is None
    torch = _torch()
    with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
        torch.nn.functional.binary_cross_entropy(
            torch.tensor([0.2, 0.7, 0.9]), torch.tensor([0.0, bad, 1.0])
        )


def test_binary_cross_entropy_takes_targets_at_0_and_1_and_between() -> None:
    p = np.array([0.2, 0.7, 0.9, 0.5])
    y = np.array([0.0, 1.0, 0.25, 0.5])
    mp = mg.tensor(p, requires_grad=True)
    value = F.binary_cross_entropy(mp, mg.tensor(y))
    value.backward()
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(value.item(), expected, rtol=1e-12)
    np.testing.assert_allclose(mp.grad.numpy(), (p - y) / (p * (1 - p)) / 4, rtol=1e-12)


# -- binary_cross_entropy: a float target of the input's dtype -----------------------------------

OTHER_FLOAT = [("float32", "float64", "Double", "Float"), ("float64", "float32", "Float", "Double")]
OTHER_FLOAT += [("float32", "float16", "Half", "Float")]


@pytest.mark.parametrize(("dtype", "target_dtype", "found", "expected"), OTHER_FLOAT)
def test_binary_cross_entropy_refuses_a_float_target_of_another_dtype(
    dtype: str, target_dtype: str, found: str, expected: str
) -> None:
    p = mg.tensor([0.2, 0.7, 0.9], dtype=getattr(mg, dtype), requires_grad=True)
    y = mg.tensor([0.0, 0.5, 1.0], dtype=getattr(mg, target_dtype))
    message = (
        rf"^Found dtype {found} but expected {expected} \(binary_cross_entropy\(\) of a "
        rf"{target_dtype} target for a {dtype} input: convert it first, e\.g\. "
        r"target\.to\(input\.dtype\)\)"
    )
    with pytest.raises(RuntimeError, match=message):
        F.binary_cross_entropy(p, y)
    with pytest.raises(RuntimeError, match=message):
        nn.BCELoss()(p, y)
    assert p.grad is None and F.binary_cross_entropy(p, y.to(p.dtype)).dtype == p.dtype
    # an array, as a list, is read in the input's dtype (NumPy's default is float64)
    assert F.binary_cross_entropy(p, y.numpy()).dtype == p.dtype
    torch = _torch()
    tp = torch.tensor([0.2, 0.7, 0.9], dtype=getattr(torch, dtype))
    ty = torch.tensor([0.0, 0.5, 1.0], dtype=getattr(torch, target_dtype))
    for call in (torch.nn.functional.binary_cross_entropy, torch.nn.BCELoss()):
        with pytest.raises(RuntimeError, match=rf"^Found dtype {found} but expected {expected}$"):
            call(tp, ty)


@pytest.mark.parametrize(("dtype", "target_dtype", "found", "expected"), OTHER_FLOAT)
@pytest.mark.parametrize("pos_weight", [None, [2.0, 1.0, 0.5]])
def test_bce_with_logits_answers_a_float_target_of_another_dtype_in_its_dtype(
    dtype: str, target_dtype: str, found: str, expected: str, pos_weight: list[float] | None
) -> None:
    """PyTorch answers here, in the target's dtype (its kernel writes into a tensor made from
    the target), the gradient in the input's."""
    x = np.array([-1.5, 0.3, 2.0])
    y = np.array([0.0, 0.5, 1.0])
    results = {}
    for L in (mg, _torch()):
        xi = L.tensor(x, dtype=getattr(L, dtype), requires_grad=True)
        yi = L.tensor(y, dtype=getattr(L, target_dtype))
        pw = None if pos_weight is None else L.tensor(pos_weight, dtype=getattr(L, dtype))
        for call in (
            functools.partial(L.nn.functional.binary_cross_entropy_with_logits, pos_weight=pw),
            L.nn.BCEWithLogitsLoss(pos_weight=pw),
        ):
            loss = call(xi, yi)
            assert str(loss.dtype).split(".")[1] == target_dtype
            loss.backward()
        assert str(xi.grad.dtype).split(".")[1] == dtype
        results[L.__name__] = (loss.item(), xi.grad.numpy())
        if L is mg:  # an array, as a list, is read in the input's dtype
            assert F.binary_cross_entropy_with_logits(xi, yi.numpy()).dtype == xi.dtype
    tol = 1e-3 if "float16" in (dtype, target_dtype) else 1e-6
    np.testing.assert_allclose(results["minigrad"][0], results["torch"][0], rtol=tol)
    np.testing.assert_allclose(results["minigrad"][1], results["torch"][1], rtol=tol)


# -- embedding's padding_idx --------------------------------------------------------------------


@pytest.mark.parametrize("padding_idx", [5, 7, -6])
def test_embedding_refuses_a_padding_idx_outside_the_table(padding_idx: int) -> None:
    weight = mg.tensor(RNG.standard_normal((5, 3)), requires_grad=True)
    message = (
        rf"^embedding\(\): Padding_idx must be within num_embeddings \(padding_idx={padding_idx},"
    )
    with pytest.raises(AssertionError, match=message):
        F.embedding(mg.tensor([0, 4]), weight, padding_idx=padding_idx)
    with pytest.raises(AssertionError, match=r"Padding_idx must be within num_embeddings"):
        nn.Embedding(5, 3, padding_idx=padding_idx)
    torch = _torch()
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        torch.nn.functional.embedding(
            torch.tensor([0, 4]), torch.tensor(weight.detach().numpy()), padding_idx=padding_idx
        )


@pytest.mark.parametrize("padding_idx", [0, 4, -1, -5])
def test_embedding_padding_idx_in_the_table_as_torch(padding_idx: int) -> None:
    table = RNG.standard_normal((5, 3))
    idx = [[0, 4, 2], [4, 4, 1]]
    upstream = RNG.standard_normal((2, 3, 3))

    def run(lib: Any, functional: Callable[..., Any]) -> tuple[np.ndarray, np.ndarray]:
        weight = lib.tensor(table, requires_grad=True)
        out = functional(lib.tensor(idx), weight, padding_idx=padding_idx)
        (out * lib.tensor(upstream)).sum().backward()
        return out.detach().numpy(), weight.grad.numpy()

    out, grad = run(mg, F.embedding)
    pad = padding_idx % 5
    np.testing.assert_array_equal(out, table[np.asarray(idx)])
    assert not grad[pad].any()
    torch = _torch()
    t_out, t_grad = run(torch, torch.nn.functional.embedding)
    np.testing.assert_array_equal(out, t_out)
    np.testing.assert_allclose(grad, t_grad, rtol=1e-12)
