"""Tests for the losses of minigrad.nn (functional and modules): values, gradients, stability."""

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.engine import Op
from minigrad.graph import iter_graph

F = nn.functional
REDUCTIONS = ["mean", "sum", "none"]
rng = np.random.default_rng(0)


def reduce_np(loss, reduction):
    return {"mean": np.mean, "sum": np.sum, "none": lambda a: a}[reduction](loss)


def log_softmax_np(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def t64(a, grad=True):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


@pytest.fixture
def strict_numpy():
    """Any NumPy warning or floating-point error (bar harmless underflow to 0) fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            yield


# -- regression -------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_and_l1_match_numpy(reduction):
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    out = F.mse_loss(t64(x), y, reduction=reduction)
    np.testing.assert_allclose(out.detach().numpy(), reduce_np((x - y) ** 2, reduction))
    out = F.l1_loss(t64(x), mg.tensor(y), reduction=reduction)
    np.testing.assert_allclose(out.detach().numpy(), reduce_np(np.abs(x - y), reduction))
    np.testing.assert_allclose(
        nn.MSELoss(reduction=reduction)(t64(x), y).detach().numpy(),
        reduce_np((x - y) ** 2, reduction),
    )


def test_mse_gradients():
    x, y = t64(rng.standard_normal((4, 3))), t64(rng.standard_normal((4, 3)))
    F.mse_loss(x, y.detach()).backward()
    np.testing.assert_allclose(
        x.grad.numpy(), 2 * (x.detach().numpy() - y.detach().numpy()) / x.numel()
    )
    for reduction in REDUCTIONS:
        assert mg.gradcheck(lambda a, b, r=reduction: F.mse_loss(a, b, reduction=r), [x, y])
        assert mg.gradcheck(lambda a, b, r=reduction: F.l1_loss(a, b, reduction=r), [x, y])


def test_mse_dtype_follows_input():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    loss = F.mse_loss(x, np.array([0.0, 0.0]))  # a float64 target does not promote the loss
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32


def test_regression_shape_errors():
    with pytest.raises(ValueError, match=r"mse_loss\(\).*\(3,\).*\(3, 1\)"):
        F.mse_loss(mg.zeros(3, 1), mg.zeros(3))
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(mg.zeros(3), mg.zeros(3), reduction="avg")
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")


# -- binary -----------------------------------------------------------------------------------


def bce_np(p, y):
    return -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100))


def bce_logits_np(x, y):
    return np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_matches_numpy(reduction):
    p, y = rng.uniform(0.05, 0.95, (5, 2)), rng.uniform(0, 1, (5, 2))
    out = F.binary_cross_entropy(t64(p), y, reduction=reduction)
    np.testing.assert_allclose(out.detach().numpy(), reduce_np(bce_np(p, y), reduction))
    assert mg.gradcheck(lambda a: F.binary_cross_entropy(a, y, reduction=reduction), [t64(p)])
    w = rng.uniform(0.5, 2, 2)
    out = nn.BCELoss(weight=w, reduction=reduction)(t64(p), y)
    np.testing.assert_allclose(out.detach().numpy(), reduce_np(w * bce_np(p, y), reduction))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits_matches_numpy(reduction):
    x, y = rng.standard_normal((5, 2)) * 3, rng.uniform(0, 1, (5, 2))
    out = F.binary_cross_entropy_with_logits(t64(x), y, reduction=reduction)
    np.testing.assert_allclose(out.detach().numpy(), reduce_np(bce_logits_np(x, y), reduction))
    assert mg.gradcheck(
        lambda a: F.binary_cross_entropy_with_logits(a, y, reduction=reduction), [t64(x)]
    )
    pw = np.array([2.0, 0.5])
    expected = (1 - y) * x + (1 + (pw - 1) * y) * np.log1p(np.exp(-x))
    out = nn.BCEWithLogitsLoss(reduction=reduction, pos_weight=pw)(t64(x), y)
    np.testing.assert_allclose(out.detach().numpy(), reduce_np(expected, reduction))


def test_bce_with_logits_gradient_is_smooth_at_zero():
    x = t64([0.0, 0.0])
    F.binary_cross_entropy_with_logits(x, np.array([0.0, 1.0]), reduction="sum").backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, -0.5])  # sigmoid(0) - y


def test_bce_clamps_log_at_minus_100(strict_numpy):
    p = t64([0.0, 1.0, 0.0, 1.0])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    loss = F.binary_cross_entropy(p, y, reduction="none")
    np.testing.assert_allclose(loss.detach().numpy(), [100, 100, 0, 0])
    loss.sum().backward()
    assert np.all(np.isfinite(p.grad.numpy()))


def test_bce_gradient_is_pytorchs_at_saturated_probabilities(strict_numpy):
    """d/dp = (p - y) / max(p (1 - p), 1e-12), as PyTorch: a saturated sigmoid's probability
    (p (1 - p) under 1e-12, or exactly 0 or 1) still gets (p - y) * 1e12, not 1/p nor the 0
    of a clamped log; d/dy = log(1 - p) - log(p), unclamped (inf at 0 and 1)."""
    torch = pytest.importorskip("torch")
    p = np.array([0.0, 1.0, 1e-20, 1 - 1e-16, 0.3, 1e-13, 1 - 1e-13, 0.0, 1.0, 0.5])
    y = np.array([0.2, 0.7, 0.5, 0.5, 0.4, 0.9, 0.1, 0.0, 1.0, 0.5])
    w = rng.uniform(0.5, 2, p.shape)
    grads = []
    for lib in (mg, torch):
        for weight in (None, lib.tensor(w)):
            pt, yt = lib.tensor(p, requires_grad=True), lib.tensor(y, requires_grad=True)
            loss = lib.nn.functional.binary_cross_entropy(pt, yt, weight, reduction="sum")
            loss.backward()
            grads.append([loss.item(), *pt.grad.tolist(), *yt.grad.tolist()])
    ours, theirs = np.array(grads[:2]), np.array(grads[2:])
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_first_and_second_order_match_finite_differences(reduction):
    p = t64(rng.uniform(0.05, 0.95, (3, 2)))
    y = t64(rng.uniform(0, 1, (3, 2)))

    def loss(a, b):
        return F.binary_cross_entropy(a, b, reduction=reduction)

    assert mg.gradcheck(loss, [p, y]) and mg.gradgradcheck(loss, [p, y])


def test_binary_losses_stable_at_extreme_logits(strict_numpy):
    for dtype in ("float32", "float64"):
        x = mg.tensor([-1000.0, 1000.0, -1000.0, 1000.0], dtype=dtype, requires_grad=True)
        y = np.array([1.0, 0.0, 0.0, 1.0])
        loss = F.binary_cross_entropy_with_logits(x, y, reduction="sum")
        np.testing.assert_allclose(loss.detach().numpy(), 2000.0)
        loss.backward()
        np.testing.assert_allclose(x.grad.numpy(), [-1, 1, 0, 0], atol=1e-30)  # sigmoid(-1000)
        x.grad = None
        loss = F.binary_cross_entropy(x.sigmoid(), y, reduction="sum")  # probabilities at 0 and 1
        assert (
            np.isfinite(loss.detach().numpy()) and loss.detach().numpy() >= 174
        )  # log clamped, not -inf
        loss.backward()
        assert np.all(np.isfinite(x.grad.numpy()))


def test_binary_errors():
    with pytest.raises(ValueError, match=r"binary_cross_entropy\(\).*\[0, 1\]"):
        F.binary_cross_entropy(mg.tensor([1.5]), mg.tensor([1.0]))
    with pytest.raises(ValueError, match=r"target shape \(2,\) must equal input shape \(2, 1\)"):
        F.binary_cross_entropy_with_logits(mg.zeros(2, 1), mg.zeros(2))


# -- multi-class ------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_integer_labels_matches_numpy(reduction):
    x = rng.standard_normal((6, 4))
    y = rng.integers(0, 4, 6)
    expected = -log_softmax_np(x)[np.arange(6), y]
    out = F.cross_entropy(t64(x), y, reduction=reduction)
    np.testing.assert_allclose(out.detach().numpy(), reduce_np(expected, reduction))
    out = nn.CrossEntropyLoss(reduction=reduction)(t64(x), mg.tensor(y))
    np.testing.assert_allclose(out.detach().numpy(), reduce_np(expected, reduction))
    assert mg.gradcheck(lambda a: F.cross_entropy(a, y, reduction=reduction), [t64(x)])
    out = F.nll_loss(t64(log_softmax_np(x)), y, reduction=reduction)
    np.testing.assert_allclose(out.detach().numpy(), reduce_np(expected, reduction))
    assert mg.gradcheck(lambda a: nn.NLLLoss(reduction=reduction)(a, y), [t64(x)])


def test_cross_entropy_gradient_is_softmax_minus_onehot():
    x = t64(rng.standard_normal((5, 3)))
    y = np.array([0, 2, 1, 1, 0])
    F.cross_entropy(x, y).backward()
    expected = (np.exp(log_softmax_np(x.detach().numpy())) - np.eye(3)[y]) / 5
    np.testing.assert_allclose(x.grad.numpy(), expected, atol=1e-12)


def _op_names(loss: mg.Tensor) -> list[str]:
    return sorted(type(n).__name__ for n in iter_graph([loss]) if isinstance(n, Op))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_of_labels_records_one_op_named_as_pytorch_names_it(reduction):
    x = mg.randn(8, 10, requires_grad=True)
    loss = F.cross_entropy(x, np.arange(8) % 10, reduction=reduction)
    assert _op_names(loss) == ["CrossEntropyLoss"]
    assert loss.grad_fn.name() == "NllLossBackward0"  # PyTorch's node (after LogSoftmax's)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"weight": np.ones(10)},
        {"label_smoothing": 0.1},
        {"ignore_index": 3},  # a label is ignored
        {"ignore_index": -1, "target": np.array([-1, 0, 1, 2, 3, 4, 5, 6])},
    ],
)
def test_cross_entropy_otherwise_records_log_softmax_and_nll(kwargs):
    kwargs = dict(kwargs)
    y = kwargs.pop("target", np.arange(8) % 10)
    x = mg.randn(8, 10, requires_grad=True)
    loss = F.cross_entropy(x, y, **kwargs)
    assert "LogSoftmax" in _op_names(loss)
    assert "CrossEntropyLoss" not in _op_names(loss)


def test_cross_entropy_ignore_index_among_the_classes_but_absent_is_one_op():
    x = mg.randn(8, 10, requires_grad=True)
    assert _op_names(F.cross_entropy(x, np.arange(8) % 10, ignore_index=9)) == ["CrossEntropyLoss"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss_records_one_op_named_as_pytorch_names_it(reduction):
    x = mg.randn(4, 3, requires_grad=True)
    loss = F.mse_loss(x, mg.randn(4, 3), reduction=reduction)
    ops = [n for n in iter_graph([loss]) if isinstance(n, Op)]
    assert [type(op).__name__ for op in ops] == ["MSELoss"]
    assert loss.grad_fn.name() == "MseLossBackward0"
    weighted = F.mse_loss(x, mg.randn(4, 3), reduction=reduction, weight=mg.rand(4, 3))
    assert weighted.grad_fn.name() != "MseLossBackward0"  # weights: composed of primitives


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss_matches_torch_values_gradients_and_node_name(reduction):
    torch = pytest.importorskip("torch")
    x, y = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
    a, b = t64(x), t64(y)
    out = F.mse_loss(a, b, reduction=reduction)
    ta = torch.tensor(x, requires_grad=True)
    tb = torch.tensor(y, requires_grad=True)
    ref = torch.nn.functional.mse_loss(ta, tb, reduction=reduction)
    assert out.grad_fn.name() == ref.grad_fn.name()
    go = rng.uniform(0.5, 1.5, tuple(ref.shape))
    out.backward(go)
    ref.backward(torch.tensor(go))
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_class_weights(reduction):
    x = rng.standard_normal((6, 3))
    y = np.array([0, 1, 2, 2, 1, 2])
    w = np.array([0.5, 1.0, 2.0])
    per = -w[y] * log_softmax_np(x)[np.arange(6), y]
    expected = per.sum() / w[y].sum() if reduction == "mean" else reduce_np(per, reduction)
    out = nn.CrossEntropyLoss(weight=w, reduction=reduction)(t64(x), y)
    np.testing.assert_allclose(out.detach().numpy(), expected)
    assert mg.gradcheck(lambda a: F.cross_entropy(a, y, weight=w, reduction=reduction), [t64(x)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_probabilities(reduction):
    x = rng.standard_normal((5, 3))
    q = rng.uniform(0, 1, (5, 3))
    q /= q.sum(axis=1, keepdims=True)
    expected = -(q * log_softmax_np(x)).sum(axis=1)
    out = F.cross_entropy(t64(x), q, reduction=reduction)
    np.testing.assert_allclose(out.detach().numpy(), reduce_np(expected, reduction))
    assert mg.gradcheck(lambda a, b: F.cross_entropy(a, b, reduction=reduction), [t64(x), t64(q)])
    # One-hot probabilities give the same loss as the labels.
    y = np.array([0, 2, 1, 1, 0])
    np.testing.assert_allclose(
        F.cross_entropy(t64(x), np.eye(3)[y]).detach().numpy(),
        F.cross_entropy(t64(x), y).detach().numpy(),
    )


def test_cross_entropy_unbatched_and_spatial():
    x = rng.standard_normal(4)
    np.testing.assert_allclose(
        F.cross_entropy(t64(x), np.int64(2)).detach().numpy(), -log_softmax_np(x)[2]
    )
    x = rng.standard_normal((2, 3, 5))  # (N, C, d)
    y = rng.integers(0, 3, (2, 5))
    lp = log_softmax_np(x, axis=1)
    expected = -np.take_along_axis(lp, y[:, None, :], axis=1)[:, 0, :]
    np.testing.assert_allclose(
        F.cross_entropy(t64(x), y, reduction="none").detach().numpy(), expected
    )
    assert mg.gradcheck(lambda a: F.cross_entropy(a, y), [t64(x)])


def test_cross_entropy_stable_at_extreme_logits(strict_numpy):
    for dtype in ("float32", "float64"):
        x = mg.tensor(
            [[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]], dtype=dtype, requires_grad=True
        )
        y = np.array([1, 2])
        loss = F.cross_entropy(x, y)
        np.testing.assert_allclose(loss.detach().numpy(), 1000.0, rtol=1e-6)
        loss.backward()
        assert np.all(np.isfinite(x.grad.numpy()))
        np.testing.assert_allclose(x.grad.numpy(), [[0.5, -0.5, 0], [0, 0, 0]], atol=1e-6)
        q = F.softmax(mg.tensor([[0.0, 1000.0, -1000.0]] * 2, dtype=dtype), dim=1).detach()
        x.grad = None
        F.cross_entropy(x, q).backward()
        assert np.all(np.isfinite(x.grad.numpy()))


def test_class_target_errors_name_function_shapes_and_dtypes():
    x = mg.zeros(4, 3)
    with pytest.raises(TypeError, match=r"cross_entropy\(\).*float32.*\(4,\).*integers"):
        F.cross_entropy(x, np.array([0.0, 1.0, 2.0, 1.0], dtype=np.float32))
    with pytest.raises(ValueError, match=r"cross_entropy\(\).*\(5,\).*int64.*\(4, 3\).*\(4,\)"):
        F.cross_entropy(x, np.zeros(5, dtype=np.int64))
    with pytest.raises(IndexError, match=r"cross_entropy\(\).*class index 3.*\[0, 3\)"):
        F.cross_entropy(x, np.array([0, 1, 3, 1]))
    with pytest.raises(IndexError, match="class index -1"):
        F.nll_loss(x, np.array([0, -1, 2, 1]))
    with pytest.raises(ValueError, match=r"nll_loss\(\).*float.*\(4, 3\)"):
        F.nll_loss(x, np.zeros((4, 2)))
    with pytest.raises(TypeError, match="bool"):
        F.cross_entropy(x, np.zeros(4, dtype=bool))
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\)"):
        F.cross_entropy(x, np.zeros(4, dtype=np.int64), weight=np.ones(2))
    with pytest.raises(TypeError, match="floating"):
        F.cross_entropy(mg.tensor([[1, 2]]), np.zeros(1, dtype=np.int64))


# -- against PyTorch --------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_losses_match_torch(reduction):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x = rng.standard_normal((6, 4)) * 2
    p = rng.uniform(0.01, 0.99, (6, 4))
    t = rng.uniform(0, 1, (6, 4))
    y = rng.integers(0, 4, 6)
    q = np.exp(log_softmax_np(rng.standard_normal((6, 4))))
    w = rng.uniform(0.5, 2, 4)
    cases = [
        (F.mse_loss, tf.mse_loss, x, t, {}),
        (F.l1_loss, tf.l1_loss, x, t, {}),
        (F.binary_cross_entropy, tf.binary_cross_entropy, p, t, {}),
        (F.binary_cross_entropy_with_logits, tf.binary_cross_entropy_with_logits, x, t, {}),
        (
            F.binary_cross_entropy_with_logits,
            tf.binary_cross_entropy_with_logits,
            x,
            t,
            {"pos_weight": w},
        ),
        (F.cross_entropy, tf.cross_entropy, x, y, {}),
        (F.cross_entropy, tf.cross_entropy, x, y, {"weight": w}),
        (F.cross_entropy, tf.cross_entropy, x, y, {"label_smoothing": 0.2}),
        (F.cross_entropy, tf.cross_entropy, x, y, {"weight": w, "label_smoothing": 0.3}),
        (F.cross_entropy, tf.cross_entropy, x, q, {}),
        (F.cross_entropy, tf.cross_entropy, x, q, {"weight": w, "label_smoothing": 0.1}),
        (F.nll_loss, tf.nll_loss, log_softmax_np(x), y, {"weight": w}),
    ]
    for ours, theirs, inp, target, kw in cases:
        a = t64(inp)
        ta = torch.tensor(inp, requires_grad=True)
        tkw = {k: torch.tensor(v) for k, v in kw.items() if isinstance(v, np.ndarray)}
        tkw.update({k: v for k, v in kw.items() if not isinstance(v, np.ndarray)})
        out = ours(a, target, reduction=reduction, **kw)
        tout = theirs(ta, torch.tensor(target), reduction=reduction, **tkw)
        name = f"{ours.__name__} {kw}"
        np.testing.assert_allclose(
            out.detach().numpy(), tout.detach().numpy(), rtol=1e-10, err_msg=name
        )
        seed = rng.standard_normal(out.shape)
        out.backward(seed)
        tout.backward(torch.tensor(seed))
        np.testing.assert_allclose(
            a.grad.numpy(), ta.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name
        )


def _torch_case(torch, ours, theirs, inp, target, kw, reduction):
    a = t64(inp)
    ta = torch.tensor(inp, requires_grad=True)
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    out = ours(a, target, reduction=reduction, **kw)
    tout = theirs(ta, torch.tensor(target), reduction=reduction, **tkw)
    name = f"{ours.__name__} {reduction} {kw}"
    np.testing.assert_allclose(
        out.detach().numpy(), tout.detach().numpy(), rtol=1e-10, err_msg=name
    )
    seed = rng.standard_normal(out.shape)
    out.backward(seed)
    tout.backward(torch.tensor(seed))
    np.testing.assert_allclose(
        a.grad.numpy(), ta.grad.numpy(), rtol=1e-10, atol=1e-13, err_msg=name
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_more_losses_match_torch(reduction):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x = rng.standard_normal((6, 4)) * 2
    t = x + rng.standard_normal((6, 4)) * 1.5  # differences on both sides of beta/delta
    y = rng.integers(0, 4, 6)
    y_ign = y.copy()
    y_ign[[1, 4]] = -100
    y_ign7 = np.where(y_ign == -100, 7, y_ign)
    w = rng.uniform(0.5, 2, 4)
    ew = rng.uniform(0.5, 2, (6, 4))
    xs = rng.standard_normal((3, 4, 5, 2))  # (N, C, d1, d2)
    ys = rng.integers(0, 4, (3, 5, 2))
    ys[0, 1, 1] = ys[2, 3, 0] = -100
    qs = np.exp(log_softmax_np(rng.standard_normal((3, 4, 5, 2)), axis=1))
    cases = [
        (F.smooth_l1_loss, tf.smooth_l1_loss, x, t, {}),
        (F.smooth_l1_loss, tf.smooth_l1_loss, x, t, {"beta": 0.5}),
        (F.smooth_l1_loss, tf.smooth_l1_loss, x, t, {"beta": 0.0}),
        (F.huber_loss, tf.huber_loss, x, t, {}),
        (F.huber_loss, tf.huber_loss, x, t, {"delta": 2.0, "weight": ew}),
        (F.mse_loss, tf.mse_loss, x, t, {"weight": ew}),
        (F.l1_loss, tf.l1_loss, x, t, {"weight": ew}),
        (F.binary_cross_entropy, tf.binary_cross_entropy, 1 / (1 + np.exp(-x)), t * 0 + 0.3, {}),
        (F.cross_entropy, tf.cross_entropy, x, y_ign, {}),
        (F.cross_entropy, tf.cross_entropy, x, y_ign, {"weight": w}),
        (F.cross_entropy, tf.cross_entropy, x, y_ign, {"label_smoothing": 0.25}),
        (F.cross_entropy, tf.cross_entropy, x, y_ign, {"weight": w, "label_smoothing": 0.25}),
        (F.cross_entropy, tf.cross_entropy, x, y_ign7, {"ignore_index": 7, "weight": w}),
        (F.cross_entropy, tf.cross_entropy, xs, ys, {}),
        (F.cross_entropy, tf.cross_entropy, xs, ys, {"weight": w, "label_smoothing": 0.1}),
        (F.cross_entropy, tf.cross_entropy, xs, qs, {"label_smoothing": 0.1}),
        (F.cross_entropy, tf.cross_entropy, x[0], y[0], {"label_smoothing": 0.3}),
        (F.nll_loss, tf.nll_loss, log_softmax_np(x), y_ign, {}),
        (F.nll_loss, tf.nll_loss, log_softmax_np(xs, 1), ys, {"weight": w}),
    ]
    for ours, theirs, inp, target, kw in cases:
        _torch_case(torch, ours, theirs, inp, target, kw, reduction)


@pytest.mark.parametrize(
    ("name", "kw"),
    [
        ("MSELoss", {}),
        ("L1Loss", {}),
        ("SmoothL1Loss", {"beta": 0.5}),
        ("HuberLoss", {"delta": 0.5}),
        ("BCELoss", {}),
        ("BCEWithLogitsLoss", {"pos_weight": np.array([0.5, 2.0, 1.0])}),
        ("CrossEntropyLoss", {"label_smoothing": 0.2, "ignore_index": 1}),
        ("NLLLoss", {"weight": np.array([0.5, 2.0, 1.0])}),
    ],
)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_modules_gradcheck_and_gradgradcheck(name, kw, reduction):
    r = np.random.default_rng(7)
    module = getattr(nn, name)(reduction=reduction, **kw)
    x = r.standard_normal((5, 3))
    if name == "BCELoss":
        x = r.uniform(0.1, 0.9, (5, 3))
    if name in ("CrossEntropyLoss", "NLLLoss"):
        target = mg.tensor(np.array([0, 1, 2, 2, 1]))
    elif name in ("BCELoss", "BCEWithLogitsLoss"):
        target = mg.tensor(r.uniform(0, 1, (5, 3)))
    else:
        target = mg.tensor(x + np.where(r.random((5, 3)) > 0.5, 0.2, 1.5))  # off the kinks
    a = t64(x)
    assert mg.gradcheck(lambda v: module(v, target), [a])
    if name not in ("L1Loss",):  # piecewise linear: its second derivative is 0 almost everywhere
        assert mg.gradgradcheck(lambda v: module(v, target), [a])


def test_loss_modules_take_torch_positional_order_and_legacy_flags():
    assert nn.CrossEntropyLoss(None, None, 3).ignore_index == 3
    assert nn.NLLLoss(None, None, 5).ignore_index == 5
    assert nn.SmoothL1Loss(None, None, "sum", 0.5).beta == 0.5
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert nn.MSELoss(size_average=False).reduction == "sum"
    with pytest.warns(UserWarning, match="reduction='none'"):
        out = F.l1_loss(t64([1.0, 2.0]), np.zeros(2), reduce=False)
    assert out.shape == (2,)
    with pytest.raises(ValueError, match="negative values for beta"):
        F.smooth_l1_loss(t64([1.0]), np.zeros(1), beta=-1.0)
    with pytest.raises(ValueError, match="non-positive values for delta"):
        nn.HuberLoss(delta=0.0)


def test_ignore_index_edge_cases_match_torch():
    x = t64(rng.standard_normal((3, 4)))
    with pytest.raises(IndexError, match="Target 5 is out of bounds"):
        F.cross_entropy(x, np.array([0, 5, -100]))
    with pytest.raises(IndexError, match="Target -1 is out of bounds"):
        F.nll_loss(x, np.array([0, -1, 1]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.cross_entropy(x, np.array([-100, -100, -100]))  # nothing counted: NaN, as torch
        assert np.isnan(loss.item())
        assert F.cross_entropy(x, np.array([-100] * 3), reduction="sum").item() == 0.0


@pytest.mark.parametrize("shape", [(64, 10), (33, 32), (40, 1), (31, 10), (64, 33)])
@pytest.mark.parametrize("order", ["C", "F"])
def test_many_short_rows_give_pytorchs_softmax_values_and_gradients(shape, order, strict_numpy):
    """Softmax's shift over many short rows is taken on the transpose (one maximum per class
    over all rows, faster than NumPy's row-by-row reduction): the same values and gradients as
    PyTorch's, in either memory order, with rows of -inf, +inf, NaN and ties among them."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(sum(shape))
    a = np.asarray(rng.standard_normal(shape) * 30, order=order)
    a[1] = -np.inf  # all -inf: nan, as PyTorch
    a[2, 0] = np.inf
    a[3, -1] = np.nan
    a[4] = 7.0  # every entry the maximum
    a[5, :] = -1e30 if shape[1] > 1 else 0.0
    y = rng.integers(0, shape[1], shape[0])
    for dtype in ("float64", "float32"):
        arr = np.asarray(a.astype(dtype), order=order)
        cases = [
            lambda L, x: L.nn.functional.log_softmax(x, dim=1),
            lambda L, x: L.nn.functional.softmax(x, dim=-1),
            lambda L, x: L.logsumexp(x, 1),
            lambda L, x: L.nn.functional.cross_entropy(x, L.tensor(y), reduction="none"),
        ]
        for call in cases:
            x = mg.from_numpy(np.array(arr, order=order)).requires_grad_()  # order kept
            t = torch.tensor(arr, requires_grad=True)
            assert x.detach().numpy().flags[f"{order}_CONTIGUOUS"]
            out, ref = call(mg, x), call(torch, t)
            np.testing.assert_allclose(
                out.detach().numpy(), ref.detach().numpy(), rtol=1e-5, atol=1e-6
            )
            seed = rng.standard_normal(tuple(out.shape)).astype(dtype)
            out.backward(mg.tensor(seed))
            ref.backward(torch.tensor(seed))
            np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-4, atol=1e-5)
