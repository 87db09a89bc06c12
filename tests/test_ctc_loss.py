"""F.ctc_loss and nn.CTCLoss: values and gradients against PyTorch (float64 and float32, every
reduction, padded and concatenated targets, unbatched input, repeated labels, empty targets,
short inputs, a blank other than 0, impossible alignments with and without zero_infinity),
finite differences at first and second order through log_softmax, PyTorch's gradient on a raw
log_probs leaf, misuse refused in PyTorch's words, and a tiny model trained with it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F

T, N, C = 7, 3, 5


def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(2006 + salt)


# Cases: (targets, input_lengths, target_lengths, keyword arguments). The padded targets are
# padded with junk (-1, or C: not class indices) that must be ignored.
CASES: dict[str, tuple[Any, Any, Any, dict[str, Any]]] = {
    "padded": ([[1, 2, 3, -1], [4, 4, 2, 1], [3, 5, 5, -1]], [7, 7, 7], [3, 4, 1], {}),
    "concatenated": ([1, 2, 3, 4, 4, 2, 1, 3], [7, 7, 7], [3, 4, 1], {}),
    "repeated_labels": ([[2, 2, 2], [1, 1, 3], [4, 3, 4]], [7, 6, 5], [3, 3, 3], {}),
    "empty_targets": ([[1, 2], [0, 0], [3, 0]], [7, 5, 0], [2, 0, 0], {}),
    "short_inputs": ([[1, 2, 3], [2, 1, 5], [4, 4, 0]], [5, 3, 7], [3, 2, 2], {}),
    "blank_not_0": ([[0, 1, 2], [3, 3, 0], [2, 0, 1]], [7, 6, 7], [3, 2, 3], {"blank": 4}),
    "tuples_of_lengths": ([1, 2, 3, 4, 4, 2, 1, 3], (7, 6, 7), [3, 4, 1], {"as_tuples": True}),
    "impossible_zeroed": (
        [[1, 1, 1, 1], [1, 2, 3, 1], [2, 2, 0, 0]],
        [6, 4, 6],
        [4, 4, 2],
        {"zero_infinity": True},
    ),
    "unbatched": ([1, 3, 3], 6, 3, {"unbatched": True}),
    "unbatched_2d_targets": ([[2, 4, 1]], 7, 3, {"unbatched": True}),
}


def _args(lib: Any, case: str) -> tuple[Any, Any, Any, dict[str, Any]]:
    targets, il, tl, kw = CASES[case]
    kw = dict(kw)
    kw.pop("unbatched", None)
    if kw.pop("as_tuples", False):
        return lib.tensor(targets), tuple(il), list(tl), kw
    return lib.tensor(targets), lib.tensor(il), lib.tensor(tl), kw  # (unbatched: 0-d lengths)


def _logits(case: str, dtype: Any = np.float64, salt: int = 0) -> np.ndarray:
    unbatched = CASES[case][3].get("unbatched", False)
    shape = (T, C) if unbatched else (T, N, C)
    return 2 * _rng(salt).standard_normal(shape).astype(dtype)


def _loss_and_grad(
    lib: Any, case: str, reduction: str, x: np.ndarray, upstream: np.ndarray, leaf: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The loss of ``case`` and the gradient of <upstream, loss> with respect to the logits
    (through log_softmax) or, with ``leaf``, to log_probs given directly."""
    z = lib.tensor(x, requires_grad=True)
    log_probs = z if leaf else z.log_softmax(-1)
    targets, il, tl, kw = _args(lib, case)
    loss = lib.nn.functional.ctc_loss(log_probs, targets, il, tl, reduction=reduction, **kw)
    loss.backward(lib.tensor(upstream.reshape(tuple(loss.shape))))
    return loss.detach().numpy(), z.grad.numpy()


def _upstream(reduction: str, case: str, dtype: Any = np.float64) -> np.ndarray:
    if reduction != "none":
        return np.ones((), dtype)
    n = 1 if CASES[case][3].get("unbatched") else N
    return (_rng(1).standard_normal(n) + 1.5).astype(dtype).reshape(() if n == 1 else (n,))


# ---------------------------------------------------------------------------------------------
# Against PyTorch


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("case", list(CASES))
def test_values_and_gradients_equal_torch(case: str, reduction: str) -> None:
    torch = pytest.importorskip("torch")
    x, g = _logits(case), _upstream(reduction, case)
    ours, ours_grad = _loss_and_grad(mg, case, reduction, x, g)
    theirs, theirs_grad = _loss_and_grad(torch, case, reduction, x, g)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours_grad, theirs_grad, rtol=1e-10, atol=1e-12)
    assert np.isfinite(ours_grad).all()


@pytest.mark.parametrize("case", ["padded", "repeated_labels", "blank_not_0", "short_inputs"])
def test_float32_equals_torch(case: str) -> None:
    torch = pytest.importorskip("torch")
    x, g = _logits(case, np.float32), _upstream("none", case, np.float32)
    ours, ours_grad = _loss_and_grad(mg, case, "none", x, g)
    theirs, theirs_grad = _loss_and_grad(torch, case, "none", x, g)
    assert ours.dtype == ours_grad.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    np.testing.assert_allclose(ours_grad, theirs_grad, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("case", ["padded", "repeated_labels", "short_inputs", "unbatched"])
def test_raw_log_probs_gradient_is_pytorchs(case: str) -> None:
    # PyTorch's gradient with respect to log_probs is exp(log_probs) - gamma, not the partial
    # derivative -gamma: it sums to 0 over the classes of every valid step (to -1 for -gamma).
    torch = pytest.importorskip("torch")
    x = np.log(_rng(2).dirichlet(np.ones(_logits(case).shape[-1]), _logits(case).shape[:-1]))
    g = _upstream("none", case)
    ours, ours_grad = _loss_and_grad(mg, case, "none", x, g, leaf=True)
    theirs, theirs_grad = _loss_and_grad(torch, case, "none", x, g, leaf=True)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose(ours_grad, theirs_grad, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours_grad.sum(-1), 0.0, atol=1e-12)
    # and not gamma alone: the difference from the partial derivative is exp(log_probs)
    assert np.abs(ours_grad.sum(-1)).max() < 1e-9 < np.abs(ours_grad).max()


def test_impossible_alignment_is_inf_with_nan_gradient_as_torch() -> None:
    torch = pytest.importorskip("torch")
    case = "impossible_zeroed"  # (sample 0: 1111 needs 7 steps, has 6; sample 1: 4 labels in 4)
    x, g = _logits(case), _upstream("none", case)

    def run(lib: Any) -> tuple[np.ndarray, np.ndarray]:
        z = lib.tensor(x, requires_grad=True)
        targets, il, tl, _ = _args(lib, case)
        loss = lib.nn.functional.ctc_loss(z.log_softmax(-1), targets, il, tl, reduction="none")
        loss.backward(lib.tensor(g))
        return loss.detach().numpy(), z.grad.numpy()

    (ours, ours_grad), (theirs, theirs_grad) = run(mg), run(torch)
    assert ours[0] == np.inf and np.isfinite(ours[1:]).all()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_array_equal(np.isnan(ours_grad), np.isnan(theirs_grad))
    # NaN at every step of the impossible sample before its length (6), 0 after it
    assert np.isnan(ours_grad[:6, 0]).all() and (ours_grad[6:, 0] == 0).all()
    np.testing.assert_allclose(ours_grad[:, 1:], theirs_grad[:, 1:], rtol=1e-10, atol=1e-12)


def test_zero_infinity_zeroes_the_loss_and_its_gradient() -> None:
    case = "impossible_zeroed"
    z = mg.tensor(_logits(case), requires_grad=True)
    targets, il, tl, _ = _args(mg, case)
    loss = F.ctc_loss(z.log_softmax(-1), targets, il, tl, reduction="none", zero_infinity=True)
    loss.sum().backward()
    assert loss[0].item() == 0.0 and loss[1].item() > 0
    assert (z.grad.numpy()[:, 0] == 0).all() and (z.grad.numpy()[:, 1] != 0).any()


def test_padding_steps_are_never_read() -> None:
    # NaN (or anything) in log_probs past an input's length neither changes the loss nor
    # reaches the gradient, as PyTorch's.
    torch = pytest.importorskip("torch")
    case = "short_inputs"
    x = np.log(_rng(3).dirichlet(np.ones(C), (T, N)))
    il = np.asarray(CASES[case][1])
    x[np.arange(T)[:, None] >= il] = np.nan
    results = []
    for lib in (mg, torch):
        lp = lib.tensor(x, requires_grad=True)
        targets, ils, tl, _ = _args(lib, case)
        loss = lib.nn.functional.ctc_loss(lp, targets, ils, tl, reduction="sum")
        loss.backward()
        results.append((loss.item(), lp.grad.numpy()))
    (ours, ours_grad), (theirs, theirs_grad) = results
    assert np.isfinite(ours) and np.isfinite(ours_grad).all()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose(ours_grad, theirs_grad, rtol=1e-10, atol=1e-12)


def test_zero_probabilities_keep_the_gradient_finite() -> None:
    # log_probs of -inf (a probability of 0) on some paths: the loss is PyTorch's; the gradient
    # is PyTorch's at every finite entry, and 0 at the -inf ones (PyTorch's is NaN there).
    torch = pytest.importorskip("torch")
    p = _rng(8).dirichlet(np.ones(C), (T, N))
    p[2, :, 1] = 0.0
    p[5, 0] = np.eye(C)[0]
    with np.errstate(divide="ignore"):
        x = np.log(p)
    targets, il, tl = [[1, 2, 2], [3, 1, 4], [2, 3, 1]], [7, 7, 6], [3, 3, 3]
    results = []
    for lib in (mg, torch):
        lp = lib.tensor(x, requires_grad=True)
        args = (lib.tensor(targets), lib.tensor(il), lib.tensor(tl))
        loss = lib.nn.functional.ctc_loss(lp, *args, reduction="none")
        loss.sum().backward()
        results.append((loss.detach().numpy(), lp.grad.numpy()))
    (ours, ours_grad), (theirs, theirs_grad) = results
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    finite = np.isfinite(x)
    np.testing.assert_allclose(ours_grad[finite], theirs_grad[finite], rtol=1e-10, atol=1e-12)
    assert (ours_grad[~finite] == 0).all()


def test_target_equal_to_blank_is_read_as_torch_reads_it() -> None:
    # PyTorch does not refuse a target label equal to the blank; the recursion reads it as a
    # label (skips allowed where it differs from the label two states back), as minigrad's.
    torch = pytest.importorskip("torch")
    x = _logits("padded")
    values = []
    for lib in (mg, torch):
        lp = lib.tensor(x).log_softmax(-1)
        targets = lib.tensor([[1, 0, 2], [0, 0, 3], [2, 0, 0]])
        il, tl = lib.tensor([7, 7, 7]), lib.tensor([3, 3, 3])
        values.append(lib.nn.functional.ctc_loss(lp, targets, il, tl, reduction="none").numpy())
    np.testing.assert_allclose(values[0], values[1], rtol=1e-12)


def test_against_the_sum_over_all_alignments() -> None:
    # The definition, by brute force: every path of T classes that collapses (merge repeats,
    # drop blanks) to the target; -log of the sum of their probabilities.
    import itertools

    steps, classes, target = 5, 3, (1, 1, 2)
    lp = np.log(_rng(4).dirichlet(np.ones(classes), steps))
    total = 0.0
    for path in itertools.product(range(classes), repeat=steps):
        merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
        if tuple(c for c in merged if c != 0) == target:
            total += np.exp(lp[np.arange(steps), list(path)].sum())
    loss = F.ctc_loss(mg.tensor(lp), mg.tensor(target), (steps,), (3,), reduction="sum")
    np.testing.assert_allclose(loss.item(), -np.log(total), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Finite differences (through log_softmax: on a raw leaf the gradient is PyTorch's, not the
# partial derivative; see the docstring)


@pytest.mark.parametrize(
    "case", ["padded", "concatenated", "repeated_labels", "short_inputs", "impossible_zeroed"]
)
def test_gradcheck_and_gradgradcheck(case: str) -> None:
    targets, il, tl, kw = _args(mg, case)
    x = mg.tensor(_logits(case, salt=5)[:5], requires_grad=True)  # (5 steps: a smaller check)
    il = mg.tensor(np.minimum(il.numpy(), 5))

    def loss(x: mg.Tensor) -> mg.Tensor:
        return F.ctc_loss(x.log_softmax(-1), targets, il, tl, reduction="none", **kw)

    assert mg.gradcheck(loss, (x,))
    assert mg.gradgradcheck(loss, (x,))


def test_gradcheck_mean_unbatched() -> None:
    targets, il, tl, _ = _args(mg, "unbatched")
    x = mg.tensor(_logits("unbatched", salt=6), requires_grad=True)
    assert mg.gradcheck(lambda x: F.ctc_loss(x.log_softmax(-1), targets, il, tl), (x,))


# ---------------------------------------------------------------------------------------------
# The module


def test_module_is_the_function_with_its_options() -> None:
    loss_fn = nn.CTCLoss(blank=4, reduction="sum", zero_infinity=True)
    assert (loss_fn.blank, loss_fn.reduction, loss_fn.zero_infinity) == (4, "sum", True)
    default = nn.CTCLoss()
    assert (default.blank, default.reduction, default.zero_infinity) == (0, "mean", False)
    lp = mg.tensor(_logits("blank_not_0")).log_softmax(-1)
    targets, il, tl, _ = _args(mg, "blank_not_0")
    expected = F.ctc_loss(lp, targets, il, tl, blank=4, reduction="sum", zero_infinity=True)
    assert loss_fn(lp, targets, il, tl).item() == expected.item()
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        nn.CTCLoss(reduction="avg")


def test_names_are_there() -> None:
    assert "ctc_loss" in F.__all__ and "CTCLoss" in nn.__all__
    assert nn.CTCLoss.__module__ == "minigrad.nn.losses"


# ---------------------------------------------------------------------------------------------
# Misuse: PyTorch's error, in PyTorch's words, before any work


def _lp(lib: Any, shape: tuple[int, ...] = (T, N, C), dtype: Any = np.float64) -> Any:
    return lib.tensor(np.log(np.full(shape, 1.0 / shape[-1] if shape[-1] else 1.0, dtype)))


def _misuse(lib: Any, lp: Any = (T, N, C), **changes: Any) -> Any:
    """ctc_loss of uniform (T, N, C) log_probs (or of ``lp``'s shape, or ``lp(lib)``) against
    two labels per sample, with ``changes``: lists become tensors, functions are called with
    the library, tuples and ints are passed as they are."""
    args: dict[str, Any] = {
        "targets": [[1, 2], [3, 1], [2, 2]],
        "input_lengths": [7, 7, 7],
        "target_lengths": [2, 2, 2],
        **changes,
    }
    for k, v in args.items():
        args[k] = lib.tensor(v) if isinstance(v, list) else v(lib) if callable(v) else v
    log_probs = lp(lib) if callable(lp) else _lp(lib, lp)
    return lib.nn.functional.ctc_loss(log_probs, **args)


MISUSES: dict[str, dict[str, Any]] = {
    "input_length_above_T": {"input_lengths": [8, 7, 7]},
    "negative_input_length": {"input_lengths": [7, -1, 7]},
    "negative_target_length": {"target_lengths": [2, -1, 2]},
    "target_length_above_S": {"target_lengths": [2, 3, 2]},
    "concatenated_wrong_total": {"targets": [1, 2, 3], "target_lengths": [1, 1, 2]},
    "concatenated_negative_length": {"targets": [1, 2, 3], "target_lengths": [-1, 2, 2]},
    "targets_wrong_batch": {"targets": [[1, 2], [3, 1]]},
    "targets_3d": {"targets": [[[1, 2], [3, 1], [2, 2]]]},
    "targets_0d": {"targets": lambda L: L.tensor(1)},
    "blank_too_big": {"blank": C},
    "blank_negative": {"blank": -1},
    "input_lengths_wrong_size": {"input_lengths": [7, 7]},
    "target_lengths_wrong_size": {"target_lengths": [2]},
    "float_input_lengths": {"input_lengths": [7.0, 7.0, 7.0]},
    "bool_target_lengths": {"target_lengths": [True, True, True]},
    "float_in_a_tuple": {"input_lengths": (7.0, 7, 7), "target_lengths": (2, 2, 2)},
    "tuple_and_tensor_lengths": {"input_lengths": (7, 7, 7)},
    "tensor_and_tuple_lengths": {"target_lengths": (2, 2, 2)},
    "int_lengths": {"lp": (T, C), "targets": [1, 2], "input_lengths": 7, "target_lengths": 2},
    "integer_log_probs": {"lp": lambda L: _lp(L).long()},
    "log_probs_1d": {"lp": (T,), "targets": [1], "input_lengths": (7,), "target_lengths": (1,)},
    "log_probs_4d": {"lp": (T, N, 1, C)},
    "empty_batch": {"lp": (T, 0, C), "input_lengths": (), "target_lengths": ()},
    "no_classes": {"lp": (T, N, 0)},
    "unbatched_two_lengths": {"lp": (T, C), "targets": [1, 2]},
    "bad_reduction": {"reduction": "avg"},
}


@pytest.mark.parametrize("misuse", list(MISUSES))
def test_misuse_raises_as_torch(misuse: str) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        _misuse(torch, **MISUSES[misuse])
    with pytest.raises(Exception) as ours:
        _misuse(mg, **MISUSES[misuse])
    assert type(ours.value) is type(theirs.value)
    # PyTorch's words first (its TypeError lists its overloads; minigrad names the argument)
    words = str(theirs.value).split(" - got")[0]
    message = str(ours.value)
    assert message.startswith(words), (message, words)
    assert message.endswith(")") and " (ctc_loss(): " in message


def test_a_target_index_out_of_range_is_refused() -> None:
    # PyTorch reads outside log_probs for it (an arbitrary loss); minigrad refuses it.
    for bad in (C, -1):
        with pytest.raises(RuntimeError, match=rf"class index {bad} at position 1, outside"):
            F.ctc_loss(_lp(mg), mg.tensor([[1, bad], [1, 2], [3, 3]]), (7, 7, 7), (2, 2, 2))


def test_float_and_bool_targets_are_converted_as_torch() -> None:
    torch = pytest.importorskip("torch")
    for targets in ([[1.0, 2.9], [3.0, 1.0], [2.0, 2.0]], [[True, True], [False, True], [1, 0]]):
        values = [
            lib.nn.functional.ctc_loss(
                _lp(lib), lib.tensor(targets), (7, 7, 7), (2, 2, 2), reduction="none"
            ).numpy()
            for lib in (mg, torch)
        ]
        np.testing.assert_allclose(values[0], values[1], rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Training


def _greedy_decode(log_probs: np.ndarray, blank: int = 0) -> list[int]:
    """The best path: the most likely class at each step, repeats merged, blanks dropped."""
    best = log_probs.argmax(-1)
    return [int(c) for i, c in enumerate(best) if c != blank and (i == 0 or c != best[i - 1])]


def test_a_tiny_model_learns_to_emit_a_label_sequence() -> None:
    # Each step sees its position (one-hot); the model learns to spell 1 2 2 3 (the repeated
    # 2 needs a blank between) over 10 steps, for a batch of 4 noisy copies.
    mg.manual_seed(0)
    steps, classes, batch = 10, 4, 4
    target = [1, 2, 2, 3]
    rng = _rng(7)
    x = np.eye(steps)[:, None, :] + 0.1 * rng.standard_normal((steps, batch, steps))
    inputs = mg.tensor(x.astype(np.float32))
    model = nn.Sequential(nn.Linear(steps, 16), nn.Tanh(), nn.Linear(16, classes))
    loss_fn = nn.CTCLoss()
    optimizer = mg.optim.Adam(model.parameters(), lr=0.05)
    targets = mg.tensor([target] * batch)
    lengths, target_lengths = (steps,) * batch, (len(target),) * batch
    losses = []
    for _ in range(120):
        optimizer.zero_grad()
        loss = loss_fn(model(inputs).log_softmax(-1), targets, lengths, target_lengths)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.05 * losses[0], (losses[0], losses[-1])
    with mg.no_grad():
        log_probs = model(inputs).log_softmax(-1).numpy()
    for n in range(batch):
        assert _greedy_decode(log_probs[:, n]) == target
