"""The less common losses (nn/more_losses.py and their modules) against PyTorch: values, input
gradients, dtypes and shapes for each reduction and option; finite differences in float64
(non-contiguous inputs, second order); extreme inputs without NumPy warnings; every misuse's
exception type and message."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.validation import ShapeError

F = nn.functional
MG = SimpleNamespace(t=mg, nn=nn, F=F)
REDUCTIONS = ["mean", "sum", "none"]


def _torch() -> Any:
    torch = pytest.importorskip("torch")
    return SimpleNamespace(t=torch, nn=torch.nn, F=torch.nn.functional)


def _log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _signs(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return np.where(r.random(shape) < 0.5, -1.0, 1.0)


def _labels(r: np.random.Generator) -> np.ndarray:
    """Multi-label targets for (4, 5) scores: lists ended by -1, one full, one with a class
    twice, one empty, and values after a -1 that do not count."""
    return np.array([[3, 0, -1, 1, 4], [1, 1, 2, -1, -1], [-1, 2, 3, 0, 0], [4, 3, 2, 1, 0]])


# A case: the function's name, a builder of its arguments (float64 arrays are inputs of the
# dtype under test, int arrays are labels), the indices of the arguments to differentiate, and
# its keyword arguments, given the library (for a distance function).
Case = tuple[str, Callable[[np.random.Generator], list[Any]], tuple[int, ...], Callable[..., dict]]


def _kw(**kw: Any) -> Callable[[Any], dict]:
    return lambda L: kw


def _kl_args(r: np.random.Generator, shape: tuple[int, ...] = (4, 5)) -> list[Any]:
    q = np.exp(_log_softmax(r.standard_normal(shape)))
    q.flat[1] = 0.0  # a zero probability: xlogy gives 0
    return [_log_softmax(r.standard_normal(shape)), q]


def _poisson_args(r: np.random.Generator, log_input: bool = True) -> list[Any]:
    x = r.standard_normal((4, 5)) if log_input else r.uniform(0.1, 3.0, (4, 5))
    return [x, r.poisson(2.0, (4, 5)).astype(np.float64)]


def _gaussian(var_shape: tuple[int, ...] | None, low: bool = False) -> Callable[..., list[Any]]:
    def make(r: np.random.Generator) -> list[Any]:
        x, t = r.standard_normal((4, 5)), r.standard_normal((4, 5))
        if var_shape is None:
            return [x, t, 0.7]
        v = r.uniform(0.1, 2.0, var_shape)
        if low:  # below eps: clamped, the gradient passed through
            v.flat[0], v.flat[2] = 1e-9, 0.0
        return [x, t, v]

    return make


def _triplet_args(r: np.random.Generator, shape: tuple[int, ...] = (4, 6)) -> list[Any]:
    a = r.standard_normal(shape)
    return [a, a + 0.5 * r.standard_normal(shape), a + 0.8 * r.standard_normal(shape)]


def _cosine_distance(L: Any) -> Callable[[Any, Any], Any]:
    return lambda x, y: 1.0 - L.F.cosine_similarity(x, y)


CASES: dict[str, Case] = {
    "kl_div": ("kl_div", _kl_args, (0, 1), _kw()),
    "kl_div_log_target": (
        "kl_div",
        lambda r: [_log_softmax(r.standard_normal((4, 5))), _log_softmax(r.standard_normal(5))],
        (0, 1),
        _kw(log_target=True),
    ),
    "kl_div_unbatched": ("kl_div", lambda r: _kl_args(r, (5,)), (0,), _kw()),
    "kl_div_0d": ("kl_div", lambda r: [np.array(-0.5), np.array(0.3)], (0, 1), _kw()),
    "poisson": ("poisson_nll_loss", _poisson_args, (0, 1), _kw()),
    "poisson_full": ("poisson_nll_loss", _poisson_args, (0,), _kw(full=True)),
    "poisson_rate": (
        "poisson_nll_loss",
        lambda r: _poisson_args(r, False),
        (0, 1),
        _kw(log_input=False, eps=0.5),
    ),
    "poisson_rate_full": (
        "poisson_nll_loss",
        lambda r: _poisson_args(r, False),
        (0,),
        _kw(log_input=False, full=True),
    ),
    "poisson_unbatched": (
        "poisson_nll_loss",
        lambda r: [r.standard_normal(5), np.arange(5.0)],
        (0,),
        _kw(),
    ),
    "gaussian": ("gaussian_nll_loss", _gaussian((4, 5)), (0, 1, 2), _kw()),
    "gaussian_full": ("gaussian_nll_loss", _gaussian((4, 5)), (0, 1, 2), _kw(full=True)),
    "gaussian_per_row": ("gaussian_nll_loss", _gaussian((4,)), (0, 2), _kw()),
    "gaussian_column": ("gaussian_nll_loss", _gaussian((4, 1)), (0, 2), _kw()),
    "gaussian_row": ("gaussian_nll_loss", _gaussian((1, 5)), (0, 2), _kw()),
    "gaussian_number": ("gaussian_nll_loss", _gaussian(None), (0, 1), _kw()),
    "gaussian_clamped": ("gaussian_nll_loss", _gaussian((4, 5), low=True), (0, 2), _kw()),
    "gaussian_eps": ("gaussian_nll_loss", _gaussian((4, 5), low=True), (0, 2), _kw(eps=0.3)),
    "margin_ranking": (
        "margin_ranking_loss",
        lambda r: [r.standard_normal(6), r.standard_normal(6), _signs(r, (6,))],
        (0, 1, 2),
        _kw(),
    ),
    "margin_ranking_2d": (
        "margin_ranking_loss",
        lambda r: [r.standard_normal((3, 4)), r.standard_normal((3, 4)), _signs(r, (3, 4))],
        (0, 1),
        _kw(margin=0.5),
    ),
    "margin_ranking_0d": (
        "margin_ranking_loss",
        lambda r: [np.array(0.3), np.array(0.9), np.array(1.0)],
        (0, 1),
        _kw(margin=0.1),
    ),
    "hinge": (
        "hinge_embedding_loss",
        lambda r: [
            r.uniform(0, 2, (4, 5)),
            np.concatenate([_signs(r, (19,)), [0.0]]).reshape(4, 5),
        ],
        (0,),
        _kw(),
    ),
    "hinge_margin": (
        "hinge_embedding_loss",
        lambda r: [r.uniform(0, 2, (4, 5)), _signs(r, (5,))],
        (0,),
        _kw(margin=1.5),
    ),
    "cosine": (
        "cosine_embedding_loss",
        lambda r: [
            r.standard_normal((5, 6)),
            r.standard_normal((5, 6)),
            np.array([1.0, -1, 1, -1, 0]),
        ],
        (0, 1),
        _kw(),
    ),
    "cosine_margin": (
        "cosine_embedding_loss",
        lambda r: [r.standard_normal((5, 6)), r.standard_normal((5, 6)), _signs(r, (5,))],
        (0, 1),
        _kw(margin=-0.2),
    ),
    "cosine_unbatched": (
        "cosine_embedding_loss",
        lambda r: [r.standard_normal(6), r.standard_normal(6), np.array(-1.0)],
        (0, 1),
        _kw(margin=-0.5),
    ),
    "soft_margin": (
        "soft_margin_loss",
        lambda r: [3 * r.standard_normal((4, 5)), _signs(r, (4, 5))],
        (0,),
        _kw(),
    ),
    "multilabel_soft_margin": (
        "multilabel_soft_margin_loss",
        lambda r: [3 * r.standard_normal((4, 5)), (r.random((4, 5)) < 0.5).astype(float)],
        (0, 1),
        _kw(),
    ),
    "multilabel_soft_margin_weight": (
        "multilabel_soft_margin_loss",
        lambda r: [r.standard_normal((4, 5)), r.random((4, 5)), r.uniform(0.5, 2, 5)],
        (0, 1, 2),
        _kw(),
    ),
    "multilabel_soft_margin_unbatched": (
        "multilabel_soft_margin_loss",
        lambda r: [r.standard_normal(5), (r.random(5) < 0.5).astype(float)],
        (0,),
        _kw(),
    ),
    "multi_margin": (
        "multi_margin_loss",
        lambda r: [r.standard_normal((6, 5)), r.integers(0, 5, 6)],
        (0,),
        _kw(),
    ),
    "multi_margin_p2": (
        "multi_margin_loss",
        lambda r: [r.standard_normal((6, 5)), r.integers(0, 5, 6)],
        (0,),
        _kw(p=2, margin=0.7),
    ),
    "multi_margin_weight": (
        "multi_margin_loss",
        lambda r: [r.standard_normal((6, 5)), r.integers(0, 5, 6)],
        (0,),
        _kw(weight=np.array([0.5, 1.0, 2.0, 0.7, 1.5]), margin=2.0),
    ),
    "multi_margin_unbatched": (
        "multi_margin_loss",
        lambda r: [r.standard_normal(5), np.array(2)],
        (0,),
        _kw(p=2),
    ),
    "multilabel_margin": (
        "multilabel_margin_loss",
        lambda r: [r.standard_normal((4, 5)), _labels(r)],
        (0,),
        _kw(),
    ),
    "multilabel_margin_unbatched": (
        "multilabel_margin_loss",
        lambda r: [r.standard_normal(5), np.array([2, 4, -1, 0, 0])],
        (0,),
        _kw(),
    ),
    "triplet": ("triplet_margin_loss", _triplet_args, (0, 1, 2), _kw()),
    "triplet_p1_swap": ("triplet_margin_loss", _triplet_args, (0, 1, 2), _kw(p=1, swap=True)),
    "triplet_p3_eps": (
        "triplet_margin_loss",
        _triplet_args,
        (0, 1, 2),
        _kw(p=3, eps=1e-3, margin=2.0),
    ),
    "triplet_unbatched": (
        "triplet_margin_loss",
        lambda r: _triplet_args(r, (6,)),
        (0, 1, 2),
        _kw(),
    ),
    "triplet_distance": ("triplet_margin_with_distance_loss", _triplet_args, (0, 1, 2), _kw()),
    "triplet_cosine_swap": (
        "triplet_margin_with_distance_loss",
        _triplet_args,
        (0, 1, 2),
        lambda L: {"distance_function": _cosine_distance(L), "swap": True, "margin": 0.5},
    ),
}
# Where the gradient is piecewise constant (its second derivative is 0 almost everywhere).
FIRST_ORDER_ONLY = {"margin_ranking", "margin_ranking_2d", "margin_ranking_0d", "hinge"}
FIRST_ORDER_ONLY |= {"hinge_margin", "multi_margin", "multi_margin_weight", "multilabel_margin"}
FIRST_ORDER_ONLY |= {"multilabel_margin_unbatched", "triplet_p1_swap"}
# Inputs whose gradient is not the derivative, as PyTorch's: the target's where it is 0 in
# kl_div (NaN), var's where it is clamped (the clamp's gradient is passed through).
NO_GRADCHECK = {"kl_div": (1,), "gaussian_clamped": (2,), "gaussian_eps": (2,)}


def _dtype_name(t: Any) -> str:
    return str(t.dtype).split(".")[-1]


def _run(L: Any, case: str, dtype: str, reduction: str, seed: int = 0) -> tuple[Any, list[Any]]:
    """The loss and its inputs (those to differentiate require grad) in library L."""
    name, make, diff, kw = CASES[case]
    args = []
    for i, a in enumerate(make(np.random.default_rng(seed))):
        if isinstance(a, float):
            args.append(a)
            continue
        a = np.asarray(a)
        if a.dtype.kind == "f":
            a = a.astype(dtype)
        args.append(L.t.tensor(a, requires_grad=i in diff and a.dtype.kind == "f"))
    options = {
        k: L.t.tensor(v.astype(dtype)) if isinstance(v, np.ndarray) else v for k, v in kw(L).items()
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (kl_div's warning for "mean": tested below)
        out = getattr(L.F, name)(*args, reduction=reduction, **options)
    return out, args


def _reductions(case: str) -> list[str]:
    return REDUCTIONS + (["batchmean"] if CASES[case][0] == "kl_div" else [])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", list(CASES))
def test_values_and_gradients_match_torch(case: str, dtype: str) -> None:
    T = _torch()
    tol = {"rtol": 1e-10, "atol": 1e-12} if dtype == "float64" else {"rtol": 2e-5, "atol": 1e-6}
    for reduction in _reductions(case):
        with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
            warnings.simplefilter("error")
            ours, ins = _run(MG, case, dtype, reduction)
        theirs, tins = _run(T, case, dtype, reduction)
        assert tuple(ours.shape) == tuple(theirs.shape), (reduction, ours.shape, theirs.shape)
        assert _dtype_name(ours) == _dtype_name(theirs), reduction
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), **tol)
        up = np.random.default_rng(1).uniform(0.5, 1.5, tuple(theirs.shape)).astype(dtype)
        with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
            warnings.simplefilter("error")
            (ours * mg.tensor(up)).sum().backward()
        (theirs * T.t.tensor(up)).sum().backward()
        for a, ta in zip(ins, tins):
            if isinstance(a, mg.Tensor) and a.requires_grad:
                assert a.grad is not None, (case, reduction)
                np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), **tol)


@pytest.mark.parametrize("case", list(CASES))
def test_gradcheck_on_non_contiguous_input(case: str) -> None:
    name, make, diff, kw = CASES[case]
    args: list[Any] = []
    for i, a in enumerate(make(np.random.default_rng(3))):
        a = np.asarray(a) if not isinstance(a, float) else a
        if isinstance(a, np.ndarray) and i in diff:
            # the first input transposed twice: the same values, Fortran-ordered when 2-d
            a = mg.from_numpy(a.T.copy().T if i == diff[0] else a.copy()).requires_grad_()
        elif isinstance(a, np.ndarray):
            a = mg.tensor(a)
        args.append(a)
    first = args[diff[0]]
    if first.ndim == 2:
        assert not first.detach().numpy().flags.c_contiguous
    diff = tuple(i for i in diff if i not in NO_GRADCHECK.get(case, ()))
    inputs = [args[i] for i in diff]
    options = {k: mg.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw(MG).items()}

    def loss(*xs: mg.Tensor) -> mg.Tensor:
        full = list(args)
        for i, x in zip(diff, xs):
            full[i] = x
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(F, name)(*full, reduction="none", **options)

    assert mg.gradcheck(loss, inputs)
    if case not in FIRST_ORDER_ONLY:
        assert mg.gradgradcheck(loss, inputs)


# ---------------------------------------------------------------------------------------------
# Modules: PyTorch's signatures, and the same values as the functions


MODULES = {
    "KLDivLoss": ("kl_div", (None, None, "batchmean", True), "kl_div_log_target"),
    "PoissonNLLLoss": ("poisson_nll_loss", (False, True, None, 0.5), "poisson_rate"),
    "GaussianNLLLoss": ("gaussian_nll_loss", (), "gaussian"),
    "MarginRankingLoss": ("margin_ranking_loss", (0.3,), "margin_ranking"),
    "HingeEmbeddingLoss": ("hinge_embedding_loss", (0.5,), "hinge"),
    "CosineEmbeddingLoss": ("cosine_embedding_loss", (0.1,), "cosine"),
    "SoftMarginLoss": ("soft_margin_loss", (), "soft_margin"),
    "MultiLabelSoftMarginLoss": (
        "multilabel_soft_margin_loss",
        (np.array([0.5, 1.0, 2.0, 1.0, 0.3]),),
        "multilabel_soft_margin",
    ),
    "MultiMarginLoss": (
        "multi_margin_loss",
        (2, 0.5, np.array([0.5, 1, 2, 1, 3.0])),
        "multi_margin",
    ),
    "MultiLabelMarginLoss": ("multilabel_margin_loss", (), "multilabel_margin"),
    "TripletMarginLoss": ("triplet_margin_loss", (0.5, 1.0, 1e-4, True), "triplet"),
    "TripletMarginWithDistanceLoss": ("triplet_margin_with_distance_loss", (), "triplet"),
}


def _parameters(fn: Any) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.default, p.kind) for p in inspect.signature(fn).parameters.values()]


@pytest.mark.parametrize("module", list(MODULES))
def test_signatures_are_pytorchs(module: str) -> None:
    T = _torch()
    assert _parameters(getattr(nn, module).__init__) == _parameters(getattr(T.nn, module).__init__)
    assert _parameters(getattr(nn, module).forward) == _parameters(getattr(T.nn, module).forward)
    fn = MODULES[module][0]
    assert _parameters(getattr(F, fn)) == _parameters(getattr(T.F, fn))
    assert fn in F.__all__ and module in nn.__all__


@pytest.mark.parametrize("module", list(MODULES))
def test_modules_match_torch_modules(module: str) -> None:
    T = _torch()
    _, options, case = MODULES[module]
    make = CASES[case][1]
    args = make(np.random.default_rng(5))

    def build(L: Any) -> Any:
        opts = [L.t.tensor(o) if isinstance(o, np.ndarray) else o for o in options]
        return getattr(L.nn, module)(*opts)

    ours = build(MG)(*[mg.tensor(a) if isinstance(a, np.ndarray) else a for a in args])
    theirs = build(T)(*[T.t.tensor(a) if isinstance(a, np.ndarray) else a for a in args])
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-12)
    assert build(MG).reduction == build(T).reduction


def test_module_options_and_buffers() -> None:
    m = nn.MultiMarginLoss(weight=[1.0, 2.0])
    assert isinstance(m.weight, mg.Tensor) and "weight" in dict(m.named_buffers())
    t = nn.TripletMarginWithDistanceLoss()
    assert isinstance(t.distance_function, nn.PairwiseDistance)  # a child module, as PyTorch's
    assert dict(t.named_modules())["distance_function"] is t.distance_function
    assert nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert nn.KLDivLoss(reduce=False, reduction="batchmean").reduction == "none"
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert nn.SoftMarginLoss(size_average=False).reduction == "sum"


# ---------------------------------------------------------------------------------------------
# PyTorch's warnings and legacy flags


def test_kl_div_warns_for_mean_as_torch() -> None:
    T = _torch()
    x, q = _kl_args(np.random.default_rng(0))
    with pytest.warns(UserWarning) as theirs:
        T.F.kl_div(T.t.tensor(x), T.t.tensor(q))
    with pytest.warns(UserWarning) as ours:
        F.kl_div(mg.tensor(x), mg.tensor(q))
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the other reductions do not warn
        for reduction in ("batchmean", "sum", "none"):
            F.kl_div(mg.tensor(x), mg.tensor(q), reduction=reduction)


@pytest.mark.parametrize(
    ("name", "legacy", "args"),
    [
        ("kl_div", {"reduce": False, "reduction": "batchmean"}, "kl_div"),
        ("kl_div", {"size_average": False}, "kl_div"),
        ("poisson_nll_loss", {"size_average": False}, "poisson"),
        ("margin_ranking_loss", {"reduce": False}, "margin_ranking"),
        ("hinge_embedding_loss", {"size_average": False}, "hinge"),
        ("cosine_embedding_loss", {"reduce": False}, "cosine"),
        ("soft_margin_loss", {"size_average": False}, "soft_margin"),
        ("multilabel_soft_margin_loss", {"reduce": False}, "multilabel_soft_margin"),
        ("multi_margin_loss", {"size_average": False}, "multi_margin"),
        ("multilabel_margin_loss", {"reduce": False}, "multilabel_margin"),
        ("triplet_margin_loss", {"size_average": False, "reduce": True}, "triplet"),
    ],
)
def test_legacy_flags_as_torch(name: str, legacy: dict, args: str) -> None:
    T = _torch()
    values = CASES[args][1](np.random.default_rng(0))
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        ours = getattr(F, name)(*[mg.tensor(np.asarray(v)) for v in values], **legacy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = getattr(T.F, name)(*[T.t.tensor(np.asarray(v)) for v in values], **legacy)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


def _labels_and_scores(r: np.random.Generator) -> list[Any]:
    return [r.standard_normal((4, 5)), np.array([0, 3, 1, 4])]


def _probabilities(r: np.random.Generator) -> list[Any]:
    return [r.uniform(0.05, 0.95, (4, 5)), r.uniform(0.0, 1.0, (4, 5))]


def _pair(r: np.random.Generator) -> list[Any]:
    return [r.standard_normal((4, 5)), r.standard_normal((4, 5))]


# Every loss with a ``reduction``: the module, the function and a case of its inputs.
OLD_MEAN_CASES = [
    ("MSELoss", "mse_loss", _pair),
    ("L1Loss", "l1_loss", _pair),
    ("SmoothL1Loss", "smooth_l1_loss", _pair),
    ("HuberLoss", "huber_loss", _pair),
    ("NLLLoss", "nll_loss", _labels_and_scores),
    ("CrossEntropyLoss", "cross_entropy", _labels_and_scores),
    ("BCELoss", "binary_cross_entropy", _probabilities),
    ("BCEWithLogitsLoss", "binary_cross_entropy_with_logits", _pair),
] + [(module, fn, CASES[MODULES[module][2]][1]) for module, (fn, _, _) in MODULES.items()]


def _old_mean(L: Any, module: str, fn: str, values: list[Any]) -> Any:
    """What ``reduction="elementwise_mean"`` gives in library ``L``: (the function's value, the
    module's value, the module's ``reduction``, the warnings' texts), or the ValueError's text."""
    args = [L.t.tensor(np.asarray(v)) for v in values]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            value = getattr(L.F, fn)(*args, reduction="elementwise_mean")
            loss = getattr(L.nn, module)(reduction="elementwise_mean")
            by_module = loss(*args)
        except ValueError as e:
            return str(e)
    texts = sorted({str(w.message) for w in seen})
    return value.numpy(), by_module.numpy(), loss.reduction, texts


@pytest.mark.parametrize(("module", "fn", "make"), OLD_MEAN_CASES)
def test_elementwise_mean_as_torch(module: str, fn: str, make: Callable[..., list[Any]]) -> None:
    """``reduction="elementwise_mean"``, PyTorch's name for the mean before 0.4.1: the losses
    that still take it give the mean with PyTorch's deprecation warning (the module keeps the
    name), the others raise PyTorch's ValueError."""
    T = _torch()
    values = make(np.random.default_rng(0))
    theirs = _old_mean(T, module, fn, values)
    ours = _old_mean(MG, module, fn, values)
    if isinstance(theirs, str):
        assert isinstance(ours, str) and ours.startswith(theirs.split(" (")[0])
        return
    assert not isinstance(ours, str), ours
    for got, want in zip(ours[:2], theirs[:2]):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    assert ours[2:] == theirs[2:]


# ---------------------------------------------------------------------------------------------
# Extreme inputs: finite wherever PyTorch is, and no NumPy warning


EXTREMES: list[tuple[str, list[Any], dict]] = [
    ("kl_div", [[-1000.0, 0.0, -1e-300], [0.0, 1.0, 0.5]], {"reduction": "sum"}),
    (
        "kl_div",
        [[-1000.0, 0.0, 50.0], [-1000.0, 0.0, -50.0]],
        {"log_target": True, "reduction": "sum"},
    ),
    ("poisson_nll_loss", [[-1000.0, 0.0, 50.0], [0.0, 1.0, 1e6]], {"full": True}),
    ("poisson_nll_loss", [[0.0, 1e-30, 1e6], [0.0, 3.0, 1e6]], {"log_input": False, "full": True}),
    ("gaussian_nll_loss", [[0.0, 1e6, -1e6], [0.0, 0.0, 1e6], [0.0, 1e-30, 1e12]], {}),
    ("margin_ranking_loss", [[1e30, -1e30, 0.0], [-1e30, 0.0, 0.0], [1.0, -1.0, 1.0]], {}),
    ("hinge_embedding_loss", [[0.0, 1e30, -1e30], [1.0, -1.0, -1.0]], {}),
    (
        "cosine_embedding_loss",
        [[[0.0, 0.0], [1e-30, 1e-30]], [[0.0, 0.0], [1e-30, 2e-30]], [1.0, -1.0]],
        {},
    ),
    ("soft_margin_loss", [[-1000.0, 1000.0, 0.0, 30.0], [1.0, 1.0, -1.0, -1.0]], {}),
    ("multilabel_soft_margin_loss", [[[-1000.0, 1000.0, 0.0, 40.0]], [[1.0, 0.0, 1.0, 1.0]]], {}),
    ("multi_margin_loss", [[[-1e30, 1e30, 0.0], [0.0, 0.0, 0.0]], [1, 2]], {"p": 2}),
    (
        "multilabel_margin_loss",
        [[[0.0, 0.0, 0.0], [1e30, -1e30, 0.0]], [[0, -1, 0], [1, 2, -1]]],
        {},
    ),
    ("triplet_margin_loss", [[[0.0, 0.0]], [[0.0, 0.0]], [[0.0, 0.0]]], {}),
    ("triplet_margin_loss", [[[1e100, 0.0]], [[-1e100, 0.0]], [[0.0, 0.0]]], {}),
]


@pytest.mark.parametrize(("name", "values", "kw"), EXTREMES, ids=[e[0] for e in EXTREMES])
def test_extreme_inputs_without_warnings(name: str, values: list[Any], kw: dict) -> None:
    T = _torch()
    arrays = [np.asarray(v) for v in values]
    ins = [mg.tensor(a, requires_grad=i == 0) for i, a in enumerate(arrays)]
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        ours = getattr(F, name)(*ins, **kw)
        ours.sum().backward()
    tins = [T.t.tensor(a, requires_grad=i == 0) for i, a in enumerate(arrays)]
    theirs = getattr(T.F, name)(*tins, **kw)
    theirs.sum().backward()
    o, t = ours.detach().numpy(), theirs.detach().numpy()
    finite = np.isfinite(t)
    assert np.isfinite(o[finite]).all()
    np.testing.assert_allclose(o[finite], t[finite], rtol=1e-12)
    for a, ta in zip(ins, tins):
        if ta.grad is not None:
            g, tg = a.grad.numpy(), ta.grad.numpy()
            assert np.isfinite(g[np.isfinite(tg)]).all(), (g, tg)
            # (PyTorch's backward formulas differ from the compositions' in the last digits)
            finite = np.isfinite(tg)
            np.testing.assert_allclose(g[finite], tg[finite], rtol=1e-7, atol=1e-300)


def test_soft_margin_stays_finite_where_torch_overflows() -> None:
    x = mg.tensor([-1000.0, 1000.0], requires_grad=True)
    loss = F.soft_margin_loss(x, [1.0, -1.0], reduction="sum")
    loss.backward()
    assert loss.item() == 2000.0  # PyTorch: inf, and NaN gradients
    np.testing.assert_array_equal(x.grad.numpy(), [-1.0, 1.0])


def test_gaussian_clamp_passes_the_gradient_through() -> None:
    # PyTorch clamps a clone of var under no_grad: d/dvar is taken at eps and passed on
    v = mg.tensor([0.0, 1e-9, 2.0], requires_grad=True)
    F.gaussian_nll_loss(mg.zeros(3), mg.ones(3), v, eps=1e-6, reduction="sum").backward()
    expected = 0.5 * (1 / 1e-6 - 1 / 1e-12)
    np.testing.assert_allclose(v.grad.numpy(), [expected, expected, 0.5 * (0.5 - 0.25)])


def test_margin_kinks_as_torch() -> None:
    # exactly on the hinge: clamp_min's gradient 1 (margin_ranking, hinge, triplet), the margin
    # kernels' 0 (multi_margin, multilabel_margin), as PyTorch
    T = _torch()
    for name, values in [
        ("margin_ranking_loss", [[1.0, 0.0], [1.0, 0.0], [1.0, -1.0]]),
        ("hinge_embedding_loss", [[1.0, 0.0], [-1.0, -1.0]]),
        ("multi_margin_loss", [[[0.0, 1.0, 0.0]], [1]]),
        ("multilabel_margin_loss", [[[0.0, 1.0, 0.0]], [[1, -1, 0]]]),
    ]:
        arrays = [np.asarray(v) for v in values]
        ins = [mg.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
        tins = [T.t.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
        getattr(F, name)(*ins, reduction="sum").backward()
        getattr(T.F, name)(*tins, reduction="sum").backward()
        for a, ta in zip(ins, tins):
            if ta.grad is not None:
                np.testing.assert_array_equal(a.grad.numpy(), ta.grad.numpy(), err_msg=name)


def test_int_inputs_as_torch() -> None:
    T = _torch()
    for name, values in [
        ("poisson_nll_loss", [[0, 1, 2], [1, 0, 3]]),
        ("margin_ranking_loss", [[0, 1, 2], [1, 0, 3], [1, -1, 1]]),
        ("cosine_embedding_loss", [[[0, 1, 2]], [[1, 0, 3]], [1]]),
        ("gaussian_nll_loss", [[0.0, 1.0], [1, 0], [0.5, 2.0]]),
        ("hinge_embedding_loss", [[0.5, 2.0], [1, -1]]),
        ("triplet_margin_loss", [[[0, 1]], [[1, 1]], [[3, 0]]]),
    ]:
        ours = getattr(F, name)(*[mg.tensor(v) for v in values])
        theirs = getattr(T.F, name)(*[T.t.tensor(v) for v in values])
        assert _dtype_name(ours) == _dtype_name(theirs), name
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, err_msg=name)


# ---------------------------------------------------------------------------------------------
# Misuse: PyTorch's exception type and words first, then minigrad's help


def _f(L: Any, *shape: int) -> Any:
    return L.t.zeros(shape) + 0.5


def _long(L: Any, values: Any) -> Any:
    return L.t.tensor(values, dtype=L.t.int64)


MISUSES: list[tuple[str, Callable[[Any], Any], type[Exception]]] = [
    ("kl_int_input", lambda L: L.F.kl_div(_long(L, [1, 2]), _f(L, 2)), RuntimeError),
    ("kl_int_target", lambda L: L.F.kl_div(_f(L, 2), _long(L, [1, 2])), RuntimeError),
    ("kl_shapes", lambda L: L.F.kl_div(_f(L, 2, 3), _f(L, 4), reduction="sum"), ShapeError),
    ("kl_reduction", lambda L: L.F.kl_div(_f(L, 2), _f(L, 2), reduction="bad"), ValueError),
    ("kl_module", lambda L: L.nn.KLDivLoss(reduction="bad")(_f(L, 2), _f(L, 2)), ValueError),
    ("poisson_shapes", lambda L: L.F.poisson_nll_loss(_f(L, 2, 3), _f(L, 4)), ShapeError),
    (
        "poisson_reduction",
        lambda L: L.F.poisson_nll_loss(_f(L, 2), _f(L, 2), reduction="x"),
        ValueError,
    ),
    ("gaussian_negative", lambda L: L.F.gaussian_nll_loss(_f(L, 2), _f(L, 2), -1.0), ValueError),
    (
        "gaussian_negative_tensor",
        lambda L: L.F.gaussian_nll_loss(_f(L, 2), _f(L, 2), _f(L, 2) - 1),
        ValueError,
    ),
    (
        "gaussian_var_size",
        lambda L: L.F.gaussian_nll_loss(_f(L, 2, 3), _f(L, 2, 3), _f(L, 3)),
        ValueError,
    ),
    (
        "gaussian_var_two_dims",
        lambda L: L.F.gaussian_nll_loss(_f(L, 2, 3, 4), _f(L, 2, 3, 4), _f(L, 2, 1, 1)),
        ValueError,
    ),
    (
        "gaussian_reduction",
        lambda L: L.F.gaussian_nll_loss(_f(L, 2), _f(L, 2), _f(L, 2), reduction="bad"),
        ValueError,
    ),
    (
        "gaussian_shapes",
        lambda L: L.F.gaussian_nll_loss(_f(L, 2, 3), _f(L, 2, 4), _f(L, 2, 3)),
        ShapeError,
    ),
    (
        "gaussian_module",
        lambda L: L.nn.GaussianNLLLoss(reduction="bad")(_f(L, 2), _f(L, 2), _f(L, 2)),
        ValueError,
    ),
    (
        "ranking_ranks",
        lambda L: L.F.margin_ranking_loss(_f(L, 3), _f(L, 3), _f(L, 2, 3)),
        RuntimeError,
    ),
    ("ranking_shapes", lambda L: L.F.margin_ranking_loss(_f(L, 3), _f(L, 4), _f(L, 3)), ShapeError),
    ("ranking_target", lambda L: L.F.margin_ranking_loss(_f(L, 3), _f(L, 3), _f(L, 2)), ShapeError),
    (
        "ranking_reduction",
        lambda L: L.F.margin_ranking_loss(_f(L, 3), _f(L, 3), _f(L, 3), reduction="bad"),
        ValueError,
    ),
    ("hinge_shapes", lambda L: L.F.hinge_embedding_loss(_f(L, 2, 3), _f(L, 4)), ShapeError),
    (
        "hinge_reduction",
        lambda L: L.F.hinge_embedding_loss(_f(L, 3), _f(L, 3), reduction="x"),
        ValueError,
    ),
    (
        "cosine_target_2d",
        lambda L: L.F.cosine_embedding_loss(_f(L, 2, 3), _f(L, 2, 3), _f(L, 2, 1)),
        RuntimeError,
    ),
    (
        "cosine_1d_target",
        lambda L: L.F.cosine_embedding_loss(_f(L, 3), _f(L, 3), _f(L, 1)),
        RuntimeError,
    ),
    (
        "cosine_0d_target",
        lambda L: L.F.cosine_embedding_loss(_f(L, 2, 3), _f(L, 2, 3), _f(L)),
        RuntimeError,
    ),
    (
        "cosine_inputs",
        lambda L: L.F.cosine_embedding_loss(_f(L, 2, 3), _f(L, 3), _f(L, 2)),
        RuntimeError,
    ),
    (
        "cosine_shapes",
        lambda L: L.F.cosine_embedding_loss(_f(L, 2, 3), _f(L, 2, 4), _f(L, 2)),
        ShapeError,
    ),
    (
        "cosine_target_size",
        lambda L: L.F.cosine_embedding_loss(_f(L, 2, 3), _f(L, 2, 3), _f(L, 3)),
        ShapeError,
    ),
    ("soft_int_input", lambda L: L.F.soft_margin_loss(_long(L, [1, 2]), _f(L, 2)), RuntimeError),
    ("soft_shapes", lambda L: L.F.soft_margin_loss(_f(L, 2, 3), _f(L, 4)), ShapeError),
    (
        "mlsm_int_input",
        lambda L: L.F.multilabel_soft_margin_loss(_long(L, [1, 2]), _f(L, 2)),
        NotImplementedError,
    ),
    ("mlsm_0d", lambda L: L.F.multilabel_soft_margin_loss(_f(L), _f(L)), IndexError),
    (
        "mlsm_reduction",
        lambda L: L.F.multilabel_soft_margin_loss(_f(L, 3), _f(L, 3), reduction="x"),
        ValueError,
    ),
    (
        "mlsm_weight",
        lambda L: L.F.multilabel_soft_margin_loss(_f(L, 2, 3), _f(L, 2, 3), _f(L, 4)),
        ShapeError,
    ),
    ("mlsm_target", lambda L: L.F.multilabel_soft_margin_loss(_f(L, 2, 3), _f(L, 4)), ShapeError),
    ("mm_p", lambda L: L.F.multi_margin_loss(_f(L, 2, 3), _long(L, [0, 1]), p=3), ValueError),
    ("mm_module_p", lambda L: L.nn.MultiMarginLoss(p=3), ValueError),
    (
        "mm_weight_2d",
        lambda L: L.F.multi_margin_loss(_f(L, 2, 3), _long(L, [0, 1]), weight=_f(L, 1, 3)),
        ValueError,
    ),
    ("mm_module_weight_2d", lambda L: L.nn.MultiMarginLoss(weight=_f(L, 1, 3)), ValueError),
    (
        "mm_weight_size",
        lambda L: L.F.multi_margin_loss(_f(L, 2, 3), _long(L, [0, 1]), weight=_f(L, 2)),
        RuntimeError,
    ),
    (
        "mm_target_size",
        lambda L: L.F.multi_margin_loss(_f(L, 2, 3), _long(L, [0, 1, 2])),
        RuntimeError,
    ),
    (
        "mm_target_2d",
        lambda L: L.F.multi_margin_loss(_f(L, 2, 3), _long(L, [[0], [1]])),
        RuntimeError,
    ),
    ("mm_float_target", lambda L: L.F.multi_margin_loss(_f(L, 2, 3), _f(L, 2)), RuntimeError),
    (
        "mm_target_high",
        lambda L: L.F.multi_margin_loss(_f(L, 2, 3), _long(L, [0, 3])),
        RuntimeError,
    ),
    (
        "mm_target_negative",
        lambda L: L.F.multi_margin_loss(_f(L, 2, 3), _long(L, [0, -1])),
        RuntimeError,
    ),
    ("mm_3d", lambda L: L.F.multi_margin_loss(_f(L, 2, 3, 4), _long(L, [0, 1])), RuntimeError),
    ("mm_no_classes", lambda L: L.F.multi_margin_loss(_f(L, 2, 0), _long(L, [0, 1])), RuntimeError),
    (
        "mm_int_input",
        lambda L: L.F.multi_margin_loss(_long(L, [[1, 2]]), _long(L, [0])),
        NotImplementedError,
    ),
    (
        "mm_reduction",
        lambda L: L.F.multi_margin_loss(_f(L, 2, 3), _long(L, [0, 1]), reduction="x"),
        ValueError,
    ),
    (
        "mlm_target_size",
        lambda L: L.F.multilabel_margin_loss(_f(L, 2, 3), _long(L, [[0, 1, -1]])),
        RuntimeError,
    ),
    (
        "mlm_target_1d",
        lambda L: L.F.multilabel_margin_loss(_f(L, 3), _long(L, [0, -1])),
        RuntimeError,
    ),
    (
        "mlm_target_high",
        lambda L: L.F.multilabel_margin_loss(_f(L, 1, 3), _long(L, [[0, 3, -1]])),
        RuntimeError,
    ),
    (
        "mlm_target_negative",
        lambda L: L.F.multilabel_margin_loss(_f(L, 1, 3), _long(L, [[0, -2, -1]])),
        RuntimeError,
    ),
    (
        "mlm_float_target",
        lambda L: L.F.multilabel_margin_loss(_f(L, 1, 3), _f(L, 1, 3)),
        RuntimeError,
    ),
    (
        "mlm_3d",
        lambda L: L.F.multilabel_margin_loss(_f(L, 1, 3, 2), _long(L, [[[0, 1]] * 3])),
        RuntimeError,
    ),
    (
        "mlm_int_input",
        lambda L: L.F.multilabel_margin_loss(_long(L, [[1, 2]]), _long(L, [[0, -1]])),
        NotImplementedError,
    ),
    (
        "triplet_margin",
        lambda L: L.F.triplet_margin_loss(_f(L, 2), _f(L, 2), _f(L, 2), margin=0),
        ValueError,
    ),
    (
        "triplet_margin_negative",
        lambda L: L.F.triplet_margin_loss(_f(L, 2), _f(L, 2), _f(L, 2), margin=-1.0),
        ValueError,
    ),
    ("triplet_module_margin", lambda L: L.nn.TripletMarginLoss(margin=0), ValueError),
    (
        "triplet_ranks",
        lambda L: L.F.triplet_margin_loss(_f(L, 2, 3), _f(L, 3), _f(L, 2, 3)),
        RuntimeError,
    ),
    (
        "triplet_shapes",
        lambda L: L.F.triplet_margin_loss(_f(L, 2, 3), _f(L, 2, 3), _f(L, 2, 2)),
        ShapeError,
    ),
    (
        "triplet_reduction",
        lambda L: L.F.triplet_margin_loss(_f(L, 2), _f(L, 2), _f(L, 2), reduction="x"),
        ValueError,
    ),
    (
        "triplet_distance_margin",
        lambda L: L.F.triplet_margin_with_distance_loss(_f(L, 2), _f(L, 2), _f(L, 2), margin=0.0),
        ValueError,
    ),
    (
        "triplet_distance_module_margin",
        lambda L: L.nn.TripletMarginWithDistanceLoss(margin=-1.0),
        ValueError,
    ),
    (
        "triplet_distance_ranks",
        lambda L: L.F.triplet_margin_with_distance_loss(_f(L, 2, 3), _f(L, 3), _f(L, 2, 3)),
        RuntimeError,
    ),
    (
        "triplet_distance_reduction",
        lambda L: L.F.triplet_margin_with_distance_loss(
            _f(L, 2), _f(L, 2), _f(L, 2), reduction="x"
        ),
        ValueError,
    ),
]


@pytest.mark.parametrize("misuse, ours", [m[1:] for m in MISUSES], ids=[m[0] for m in MISUSES])
def test_misuse_raises_pytorchs_error(misuse: Callable[[Any], Any], ours: type[Exception]) -> None:
    T = _torch()
    with pytest.raises(Exception) as theirs, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        misuse(T)
    with pytest.raises(Exception) as raised, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        misuse(MG)
    expected = type(theirs.value)
    assert type(raised.value) is ours
    assert type(raised.value) is expected or (ours is ShapeError and expected is RuntimeError)
    message = str(raised.value)
    assert message.startswith(str(theirs.value)), (message, str(theirs.value))
    assert message.endswith(")") and " (" in message  # minigrad's help follows


@pytest.mark.parametrize("misuse, ours", [m[1:] for m in MISUSES], ids=[m[0] for m in MISUSES])
def test_misuse_type_without_torch(misuse: Callable[[Any], Any], ours: type[Exception]) -> None:
    with pytest.raises(ours), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        misuse(MG)
