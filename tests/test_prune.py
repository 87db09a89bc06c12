"""``nn.utils.prune``, as PyTorch's: the Pruning Tutorial runs with ``import minigrad as
torch`` and, from the same weights, prints torch's parameter and buffer names, state dict
keys, zero counts and sparsities; the deterministic methods (L1, Ln structured, global L1,
custom masks, iterative pruning) give torch's masks exactly, tied values included; the
gradient reaches ``weight_orig`` only where the mask is 1, as torch's, and matches finite
differences; a pruned model trains as torch's; the random methods prune the right counts and
channels; misuse is refused in torch's words before anything changes.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as mF
import minigrad.nn.utils.prune as mprune
from minigrad import nn
from minigrad.gradcheck import gradcheck, gradgradcheck
from minigrad.nn.utils._topk_ties import topk_indices

MG = SimpleNamespace(t=mg, nn=nn, prune=mprune, F=mF)


def _torch() -> Any:
    torch = pytest.importorskip("torch")
    import torch.nn.functional as tF
    import torch.nn.utils.prune as tprune

    return SimpleNamespace(t=torch, nn=torch.nn, prune=tprune, F=tF)


def _lenet_class(torch: Any, nn: Any, F: Any) -> Any:
    """The tutorial's LeNet, as written there."""

    class LeNet(nn.Module):
        def __init__(self):  # type: ignore[no-untyped-def]
            super().__init__()
            # 1 input image channel, 6 output channels, 5x5 square conv kernel
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 5x5 image dimension
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):  # type: ignore[no-untyped-def]
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, int(x.nelement() / x.shape[0]))
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = self.fc3(x)
            return x

    return LeNet


RNG = np.random.default_rng(0)
LENET_WEIGHTS = {
    k: RNG.uniform(-0.3, 0.3, v.shape) for k, v in _lenet_class(mg, nn, mF)().state_dict().items()
}


def _load(L: Any, model: Any) -> Any:
    """The shared LeNet weights into ``model`` (float32, as the tutorial's)."""
    with L.t.no_grad():
        for k, v in model.state_dict().items():
            v.copy_(L.t.tensor(LENET_WEIGHTS[k], dtype=L.t.float32))
    return model


def _tutorial(torch: Any, nn: Any, prune: Any, F: Any, load: Any) -> dict[str, Any]:
    """The Pruning Tutorial's code, its prints kept as records (``load`` sets the shared
    weights after each ``LeNet()``)."""
    rec: dict[str, Any] = {}
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    LeNet = _lenet_class(torch, nn, F)
    model = load(LeNet().to(device=device))

    module = model.conv1
    rec["params0"] = [n for n, _ in module.named_parameters()]
    rec["buffers0"] = [n for n, _ in module.named_buffers()]

    prune.random_unstructured(module, name="weight", amount=0.3)
    rec["params1"] = [n for n, _ in module.named_parameters()]
    rec["buffers1"] = [n for n, _ in module.named_buffers()]
    rec["weight1"] = module.weight.detach().numpy().copy()
    rec["mask1"] = module.weight_mask.numpy().copy()
    rec["hooks1"] = [type(h).__name__ for h in module._forward_pre_hooks.values()]
    rec["repr_hooks1"] = repr(module._forward_pre_hooks)

    prune.l1_unstructured(module, name="bias", amount=3)
    rec["params2"] = [n for n, _ in module.named_parameters()]
    rec["buffers2"] = [n for n, _ in module.named_buffers()]
    rec["bias2"] = module.bias.detach().numpy().copy()
    rec["hooks2"] = [type(h).__name__ for h in module._forward_pre_hooks.values()]

    # Iterative pruning
    prune.ln_structured(module, name="weight", amount=0.5, n=2, dim=0)
    rec["weight3"] = module.weight.detach().numpy().copy()
    for hook in module._forward_pre_hooks.values():
        if hook._tensor_name == "weight":  # select out the correct hook
            break
    rec["history"] = [type(h).__name__ for h in list(hook)]  # pruning history
    rec["container"] = type(hook).__name__

    # Serializing a pruned model
    rec["state_dict_keys"] = list(model.state_dict().keys())

    # Remove pruning re-parametrization
    prune.remove(module, "weight")
    rec["params4"] = [n for n, _ in module.named_parameters()]
    rec["buffers4"] = [n for n, _ in module.named_buffers()]
    rec["weight4"] = module.weight.detach().numpy().copy()
    rec["weight4_is_param"] = type(module.weight).__name__

    # Pruning multiple parameters in a model
    new_model = load(LeNet())
    for _name, module in new_model.named_modules():
        # prune 20% of connections in all 2D-conv layers
        if isinstance(module, torch.nn.Conv2d):
            prune.l1_unstructured(module, name="weight", amount=0.2)
        # prune 40% of connections in all linear layers
        elif isinstance(module, torch.nn.Linear):
            prune.l1_unstructured(module, name="weight", amount=0.4)
    rec["masks"] = list(dict(new_model.named_buffers()).keys())
    rec["new_model_masks"] = {k: v.numpy().copy() for k, v in new_model.named_buffers()}

    # Global pruning
    model = load(LeNet())
    parameters_to_prune = (
        (model.conv1, "weight"),
        (model.conv2, "weight"),
        (model.fc1, "weight"),
        (model.fc2, "weight"),
        (model.fc3, "weight"),
    )
    prune.global_unstructured(
        parameters_to_prune,
        pruning_method=prune.L1Unstructured,
        amount=0.2,
    )
    lines = []
    for name in ("conv1", "conv2", "fc1", "fc2", "fc3"):
        w = getattr(model, name).weight
        lines.append(
            f"Sparsity in {name}.weight: "
            + f"{100.0 * float(torch.sum(w == 0)) / float(w.nelement()):.2f}%"
        )
    lines.append(
        "Global sparsity: {:.2f}%".format(
            100.0
            * float(
                torch.sum(model.conv1.weight == 0)
                + torch.sum(model.conv2.weight == 0)
                + torch.sum(model.fc1.weight == 0)
                + torch.sum(model.fc2.weight == 0)
                + torch.sum(model.fc3.weight == 0)
            )
            / float(
                model.conv1.weight.nelement()
                + model.conv2.weight.nelement()
                + model.fc1.weight.nelement()
                + model.fc2.weight.nelement()
                + model.fc3.weight.nelement()
            )
        )
    )
    rec["sparsity"] = lines
    rec["global_hooks"] = [
        type(h).__name__ for m, _ in parameters_to_prune for h in m._forward_pre_hooks.values()
    ]

    # Extending torch.nn.utils.prune with custom pruning functions
    class FooBarPruningMethod(prune.BasePruningMethod):
        """Prune every other entry in a tensor"""

        PRUNING_TYPE = "unstructured"

        def compute_mask(self, t, default_mask):  # type: ignore[no-untyped-def]
            mask = default_mask.clone()
            mask.view(-1)[::2] = 0
            return mask

    def foobar_unstructured(module, name):  # type: ignore[no-untyped-def]
        FooBarPruningMethod.apply(module, name)
        return module

    model = load(LeNet())
    foobar_unstructured(model.fc3, name="bias")
    rec["foobar"] = model.fc3.bias_mask.numpy().copy()
    return rec


def test_the_pruning_tutorial_runs_and_gives_torchs_records() -> None:
    T = _torch()
    mg.manual_seed(0)
    ours = _tutorial(mg, nn, mprune, mF, lambda m: _load(MG, m))
    theirs = _tutorial(T.t, T.nn, T.prune, T.F, lambda m: _load(T, m))
    same = [k for k in ours if k not in ("weight1", "mask1", "weight3", "weight4")]
    same.remove("repr_hooks1")
    for k in same:
        a, b = ours[k], theirs[k]
        if isinstance(a, dict):
            assert list(a) == list(b), k
            for name in a:
                np.testing.assert_array_equal(a[name], b[name], err_msg=f"{k} {name}")
        elif isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=k)
        else:
            assert a == b, k
    assert ours["params1"] == ["bias", "weight_orig"] and ours["buffers1"] == ["weight_mask"]
    assert ours["hooks1"] == ["RandomUnstructured"]
    assert ours["repr_hooks1"].startswith("OrderedDict([(")
    assert "<minigrad.nn.utils.prune.RandomUnstructured object at 0x" in ours["repr_hooks1"]
    assert ours["hooks2"] == ["RandomUnstructured", "L1Unstructured"]
    assert ours["history"] == ["RandomUnstructured", "LnStructured"]
    assert ours["container"] == "PruningContainer"
    assert ours["state_dict_keys"][:4] == [
        "conv1.weight_orig",
        "conv1.bias_orig",
        "conv1.weight_mask",
        "conv1.bias_mask",
    ]
    assert ours["params4"] == ["bias_orig", "weight"] and ours["buffers4"] == ["bias_mask"]
    assert ours["weight4_is_param"] == "Parameter"
    assert ours["global_hooks"] == ["CustomFromMask"] * 5
    assert ours["sparsity"][-1] == "Global sparsity: 20.00%"
    # The random pruning draws from each library's generator: 30% of the 150 entries.
    w0 = LENET_WEIGHTS["conv1.weight"].astype(np.float32)
    assert (ours["mask1"] == 0).sum() == 45 == (theirs["mask1"] == 0).sum()
    np.testing.assert_array_equal(ours["weight1"], w0 * ours["mask1"])
    # Then the 3 channels of largest L2 norm of the masked weight are kept, on top of it.
    for rec in (ours, theirs):
        w3 = rec["weight3"]
        norms = np.sqrt(((w0 * rec["mask1"]) ** 2).sum(axis=(1, 2, 3)))
        kept = sorted(np.argsort(-norms)[:3])
        assert [c for c in range(6) if np.any(w3[c] != 0)] == kept
        np.testing.assert_array_equal(w3[kept], (w0 * rec["mask1"])[kept])
        np.testing.assert_array_equal(rec["weight4"], w3)


def _weights(shape: tuple[int, ...], ties: bool, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if ties:  # few distinct magnitudes, both signs: many ties at every threshold
        return rng.integers(-3, 4, size=shape).astype(np.float64) / 2
    return rng.standard_normal(shape)


def _pruned(L: Any, w: np.ndarray, steps: list[tuple[str, dict[str, Any]]]) -> Any:
    """A Linear (2-D w) or Conv2d (4-D w) holding ``w``, pruned by ``steps`` in order."""
    layer = L.nn.Linear(w.shape[1], w.shape[0]) if w.ndim == 2 else L.nn.Conv2d(*w.shape[1::-1], 3)
    layer = layer.double()
    with L.t.no_grad():
        layer.weight.copy_(L.t.tensor(w))
        layer.bias.copy_(L.t.linspace(-0.5, 0.5, w.shape[0], dtype=L.t.float64))
    for fn, kw in steps:
        kw = {k: L.t.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        getattr(L.prune, fn)(layer, "weight", **kw)
    return layer


STEPS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "l1_int": [("l1_unstructured", {"amount": 7})],
    "l1_fraction": [("l1_unstructured", {"amount": 0.35})],
    "l1_all": [("l1_unstructured", {"amount": 1.0})],
    "l1_none": [("l1_unstructured", {"amount": 0})],
    "ln2_dim0": [("ln_structured", {"amount": 0.5, "n": 2, "dim": 0})],
    "ln1_dim1": [("ln_structured", {"amount": 2, "n": 1, "dim": 1})],
    "lninf_last": [("ln_structured", {"amount": 0.4, "n": math.inf, "dim": -1})],
    "ln_neg_inf": [("ln_structured", {"amount": 1, "n": -math.inf, "dim": 0})],
    "ln_fro": [("ln_structured", {"amount": 0.3, "n": "fro", "dim": 0})],
    "identity": [("identity", {})],
    "iterative": [
        ("l1_unstructured", {"amount": 0.2}),
        ("ln_structured", {"amount": 1, "n": 2, "dim": 0}),
        ("l1_unstructured", {"amount": 5}),
        ("ln_structured", {"amount": 0.25, "n": 1, "dim": 1}),
    ],
    "identity_then_l1": [("identity", {}), ("l1_unstructured", {"amount": 0.5})],
}


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("shape", [(6, 8), (4, 3, 3, 3)])
@pytest.mark.parametrize("case", list(STEPS))
def test_deterministic_masks_equal_torchs(case: str, shape: tuple[int, ...], ties: bool) -> None:
    T = _torch()
    w = _weights(shape, ties, seed=len(case))
    ours = _pruned(MG, w, STEPS[case])
    if case == "ln_fro" and len(shape) > 2:
        # torch.norm(p="fro") over 3 dims raises in PyTorch (matrix_norm wants 2); minigrad's
        # norm gives the Frobenius (L2) norm, so the mask is the n=2 one.
        with pytest.raises(RuntimeError, match=r"dim must be a 2-tuple"):
            _pruned(T, w, STEPS[case])
        steps = [("ln_structured", {"amount": 0.3, "n": 2, "dim": 0})]
        theirs = _pruned(T, w, steps)
        np.testing.assert_array_equal(ours.weight_mask.numpy(), theirs.weight_mask.numpy())
        return
    theirs = _pruned(T, w, STEPS[case])
    np.testing.assert_array_equal(ours.weight_mask.numpy(), theirs.weight_mask.numpy())
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    hooks = [type(h).__name__ for h in ours._forward_pre_hooks.values()]
    assert hooks == [type(h).__name__ for h in theirs._forward_pre_hooks.values()]


@pytest.mark.parametrize("ties", [False, True])
def test_importance_scores_and_custom_masks_equal_torchs(ties: bool) -> None:
    T = _torch()
    w = _weights((5, 6), False, seed=1)
    scores = _weights((5, 6), ties, seed=2)
    mask = (np.random.default_rng(3).random((5, 6)) > 0.4).astype(np.float64)
    steps = [
        ("custom_from_mask", {"mask": mask}),
        ("l1_unstructured", {"amount": 6, "importance_scores": scores}),
        ("ln_structured", {"amount": 2, "n": 1, "dim": 1, "importance_scores": scores}),
    ]
    ours, theirs = _pruned(MG, w, steps), _pruned(T, w, steps)
    np.testing.assert_array_equal(ours.weight_mask.numpy(), theirs.weight_mask.numpy())
    assert not np.any(ours.weight_mask.numpy()[mask == 0])
    # BasePruningMethod.prune: the same product, on a bare tensor.
    for ties_ in (False, True):
        t = _weights((4, 5), ties_, seed=4)
        a = mprune.L1Unstructured(0.45).prune(
            mg.tensor(t), importance_scores=mg.tensor(scores[:4, :5])
        )
        b = T.prune.L1Unstructured(0.45).prune(
            T.t.tensor(t), importance_scores=T.t.tensor(scores[:4, :5])
        )
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("ties", [False, True])
def test_global_unstructured_equals_torchs(ties: bool) -> None:
    T = _torch()
    shapes = [(4, 6), (3, 2, 3, 3), (5, 4)]
    ws = [_weights(s, ties, seed=i) for i, s in enumerate(shapes)]
    masks = []
    for L in (MG, T):
        layers = [_pruned(L, w, []) for w in ws]
        # An already pruned one: global pruning acts on what its mask keeps.
        L.prune.l1_unstructured(layers[2], "weight", amount=3)
        scores = {(layers[0], "weight"): L.t.tensor(_weights(shapes[0], ties, seed=9))}
        L.prune.global_unstructured(
            [(m, "weight") for m in layers],
            pruning_method=L.prune.L1Unstructured,
            importance_scores=scores,
            amount=0.3,
        )
        masks.append([m.weight_mask.numpy().copy() for m in layers])
        assert L.prune.is_pruned(L.nn.Sequential(*layers))
    for a, b in zip(*masks):
        np.testing.assert_array_equal(a, b)
    total = sum(int((m == 0).sum()) for m in masks[0])
    n = sum(w.size for w in ws)
    assert total == 3 + round(0.3 * (n - 3))  # 30% of what the earlier pruning kept


def test_topk_ties_follow_torch() -> None:
    T = _torch()
    rng = np.random.default_rng(5)
    for _ in range(400):
        n = int(rng.integers(1, 300))
        k = int(rng.integers(1, n + 1)) if rng.random() < 0.6 else max(1, n // 64)
        v = rng.integers(0, int(rng.integers(1, 5)), size=n).astype(np.float64)
        for largest in (True, False):
            ours = set(topk_indices(v, k, largest).tolist())
            theirs = set(T.t.topk(T.t.tensor(v), k, largest=largest).indices.tolist())
            assert ours == theirs, (v.tolist(), k, largest)


def test_gradients_reach_weight_orig_where_the_mask_is_one() -> None:
    T = _torch()
    w = _weights((4, 3, 3, 3), False, seed=6)
    x = np.random.default_rng(7).standard_normal((2, 3, 6, 6))
    steps = [
        ("l1_unstructured", {"amount": 0.3}),
        ("ln_structured", {"amount": 1, "n": 2, "dim": 0}),
    ]
    grads = []
    for L in (MG, T):
        layer = _pruned(L, w, steps)
        (layer(L.t.tensor(x)) ** 2).sum().backward()
        assert not layer.weight.is_leaf and layer.weight_mask.grad is None
        grads.append((layer.weight_orig.grad.numpy(), layer.bias.grad.numpy()))
        mask = layer.weight_mask.numpy()
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-10, atol=1e-10)
    assert np.all(grads[0][0][mask == 0] == 0) and np.all(grads[0][0][mask == 1] != 0)


def test_the_pruned_weight_passes_gradcheck_and_gradgradcheck() -> None:
    layer = _pruned(MG, _weights((3, 4), False, seed=8), [("l1_unstructured", {"amount": 5})])
    x = mg.tensor(np.random.default_rng(9).standard_normal((2, 4)))

    def f(orig: mg.Tensor) -> mg.Tensor:
        # The hook's own product, as the forward computes it from weight_orig.
        method = mprune.L1Unstructured(5)
        method._tensor_name = "weight"
        w = method.apply_mask(SimpleNamespace(weight_orig=orig, weight_mask=layer.weight_mask))  # type: ignore[arg-type]
        return mF.linear(x, w, layer.bias).tanh()

    orig = layer.weight_orig.detach().clone().requires_grad_(True)
    assert gradcheck(f, (orig,))
    assert gradgradcheck(f, (orig,))


def test_training_a_pruned_model_equals_torchs_and_keeps_the_zeros() -> None:
    T = _torch()
    rng = np.random.default_rng(10)
    x = rng.standard_normal((8, 1, 32, 32))
    y = rng.integers(0, 10, 8)
    records = []
    for L in (MG, T):
        model = _load(L, _lenet_class(L.t, L.nn, L.F)()).double()
        L.prune.global_unstructured(
            [(model.conv1, "weight"), (model.fc1, "weight"), (model.fc3, "weight")],
            pruning_method=L.prune.L1Unstructured,
            amount=0.5,
        )
        L.prune.ln_structured(model.conv2, "weight", amount=0.25, n=1, dim=0)
        L.prune.l1_unstructured(model.fc2, "bias", amount=20)
        opt = L.t.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        losses = []
        for _ in range(4):
            opt.zero_grad()
            loss = L.F.cross_entropy(model(L.t.tensor(x)), L.t.tensor(y))
            loss.backward()
            opt.step()
            losses.append(loss.item())
        model(L.t.tensor(x))  # the hooks recompute the weights from the trained weight_orig
        records.append(
            (losses, {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}, model)
        )
    (ours, ostate, omodel), (theirs, tstate, _) = records
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)
    assert list(ostate) == list(tstate)
    for k in ostate:
        np.testing.assert_allclose(ostate[k], tstate[k], rtol=1e-9, atol=1e-12, err_msg=k)
    for name in ("conv1", "conv2", "fc1", "fc3"):
        m = getattr(omodel, name)
        assert np.all(m.weight.detach().numpy()[m.weight_mask.numpy() == 0] == 0)
    # remove() makes it permanent: the former weight_orig Parameter, optimizer-known, zeros in.
    orig = omodel.fc1.weight_orig
    mprune.remove(omodel.fc1, "weight")
    assert omodel.fc1.weight is orig and isinstance(orig, nn.Parameter)
    assert (orig.detach().numpy() == 0).sum() == (ostate["fc1.weight_mask"] == 0).sum()
    assert "fc1.weight" in omodel.state_dict() and not omodel.fc1._forward_pre_hooks


def test_a_pruned_state_dict_loads_into_a_pruned_model() -> None:
    T = _torch()
    w = _weights((6, 8), False, seed=11)
    theirs = _pruned(T, w, [("random_unstructured", {"amount": 0.5})])
    ours = _pruned(MG, w, [("identity", {})])
    ours.load_state_dict({k: mg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(12).standard_normal((3, 8))
    np.testing.assert_allclose(
        ours(mg.tensor(x)).detach().numpy(), theirs(T.t.tensor(x)).detach().numpy(), rtol=1e-12
    )


def test_random_methods_prune_the_right_counts_and_channels() -> None:
    mg.manual_seed(1)
    layer = _pruned(
        MG, _weights((10, 12), False, seed=13), [("random_unstructured", {"amount": 0.25})]
    )
    mask = layer.weight_mask.numpy()
    assert (mask == 0).sum() == 30
    mprune.random_unstructured(layer, "weight", amount=18)  # among the 90 left
    mask2 = layer.weight_mask.numpy()
    assert (mask2 == 0).sum() == 48 and np.all(mask2[mask == 0] == 0)
    mprune.random_structured(layer, "weight", amount=0.3, dim=1)
    mask3 = layer.weight_mask.numpy()
    zero_cols = [c for c in range(12) if not mask3[:, c].any()]
    assert len(zero_cols) >= 4 and np.all(mask3[mask2 == 0] == 0)
    assert [
        type(h).__name__ for h in layer._forward_pre_hooks[next(iter(layer._forward_pre_hooks))]
    ] == [
        "RandomUnstructured",
        "RandomUnstructured",
        "RandomStructured",
    ]
    fresh = _pruned(
        MG, _weights((4, 6, 3, 3), False, seed=14), [("random_structured", {"amount": 2, "dim": 0})]
    )
    fmask = fresh.weight_mask.numpy()
    assert sorted(int(fmask[c].any()) for c in range(4)) == [0, 0, 1, 1]
    assert np.all(fmask.reshape(4, -1).min(1) == fmask.reshape(4, -1).max(1))


def _state(m: Any) -> tuple[Any, ...]:
    return (
        list(m.state_dict()),
        [type(h).__name__ for h in m._forward_pre_hooks.values()],
        [
            type(h).__name__
            for h in m._forward_pre_hooks.values()
            for h in getattr(h, "_pruning_methods", ())
        ],
        {k: v.detach().numpy().copy() for k, v in m.state_dict().items()},
    )


ERRORS: list[tuple[str, Any]] = [
    ("amount_type", lambda P, m, t: P.l1_unstructured(m, "weight", amount="0.3")),
    ("amount_negative", lambda P, m, t: P.random_unstructured(m, "weight", amount=-1)),
    ("amount_fraction", lambda P, m, t: P.l1_unstructured(m, "weight", amount=1.5)),
    ("amount_too_many", lambda P, m, t: P.l1_unstructured(m, "weight", amount=49)),
    ("structured_1d", lambda P, m, t: P.ln_structured(m, "bias", amount=1, n=2, dim=0)),
    ("structured_dim", lambda P, m, t: P.ln_structured(m, "weight", amount=1, n=2, dim=2)),
    ("random_structured_dim", lambda P, m, t: P.random_structured(m, "weight", amount=1, dim=5)),
    ("channels_too_many", lambda P, m, t: P.ln_structured(m, "weight", amount=7, n=2, dim=0)),
    (
        "importance_shape",
        lambda P, m, t: P.l1_unstructured(m, "weight", amount=2, importance_scores=t.ones(3)),
    ),
    ("custom_mask_shape", lambda P, m, t: P.custom_from_mask(m, "weight", mask=t.ones(2, 2))),
    ("remove_unpruned", lambda P, m, t: P.remove(m, "bias")),
    ("global_not_iterable", lambda P, m, t: P.global_unstructured(3, P.L1Unstructured, amount=1)),
    (
        "global_scores_not_dict",
        lambda P, m, t: P.global_unstructured(
            [(m, "weight")], P.L1Unstructured, importance_scores=[1], amount=1
        ),
    ),
    (
        "global_structured",
        lambda P, m, t: P.global_unstructured([(m, "weight")], P.RandomStructured, amount=1),
    ),
    (
        "global_too_many",
        lambda P, m, t: P.global_unstructured([(m, "weight")], P.L1Unstructured, amount=60),
    ),
    ("no_such_parameter", lambda P, m, t: P.l1_unstructured(m, "nothing", amount=1)),
]


@pytest.mark.parametrize("pruned_before", [False, True])
@pytest.mark.parametrize("case", [c for c, _ in ERRORS], ids=[c for c, _ in ERRORS])
def test_errors_in_torchs_words_before_any_change(case: str, pruned_before: bool) -> None:
    T = _torch()
    fn = dict(ERRORS)[case]
    errors = []
    for L in (MG, T):
        m = _pruned(
            L,
            _weights((6, 8), False, seed=15),
            [("l1_unstructured", {"amount": 3})] if pruned_before else [],
        )
        before = _state(m)
        with pytest.raises(Exception) as info:
            fn(L.prune, m, L.t)
        errors.append(info.value)
        if L is MG:
            after = _state(m)
            assert after[:3] == before[:3]
            for k in before[3]:
                np.testing.assert_array_equal(after[3][k], before[3][k])
    ours, theirs = errors
    assert type(ours) is type(theirs)
    words = (
        str(theirs)
        .replace("torch.Size", "minigrad.Size")
        .replace("torch.nn.utils", "minigrad.nn.utils")
    )
    if case in ("no_such_parameter",):
        assert "nothing" in str(ours)
    else:
        assert str(ours) == words


def test_container_refuses_another_parameters_method() -> None:
    T = _torch()
    msgs = []
    for L in (MG, T):
        a = L.prune.L1Unstructured(1)
        a._tensor_name = "weight"
        b = L.prune.L1Unstructured(1)
        b._tensor_name = "bias"
        c = L.prune.PruningContainer(a)
        with pytest.raises(ValueError) as info:
            c.add_pruning_method(b)
        msgs.append(str(info.value).split("PruningContainer")[0])
        with pytest.raises(TypeError, match=r"is not a BasePruningMethod subclass"):
            c.add_pruning_method(3)
        assert len(c) == 1 and c[0] is a and list(c) == [a]
    assert msgs[0] == msgs[1]


def test_forward_pre_hooks_hold_the_callables_and_handles_remove_them() -> None:
    m = nn.Linear(2, 2)
    seen: list[str] = []

    def plain(mod: Any, args: Any) -> None:
        seen.append("plain")

    def with_kw(mod: Any, args: Any, kwargs: Any) -> None:
        seen.append("kw")

    h1 = m.register_forward_pre_hook(plain)
    h2 = m.register_forward_pre_hook(with_kw, with_kwargs=True, prepend=True)
    assert list(m._forward_pre_hooks.values()) == [with_kw, plain]
    assert list(m._forward_pre_hooks_with_kwargs) == [h2.id]
    m(mg.ones(1, 2))
    assert seen == ["kw", "plain"]
    h2.remove()
    h1.remove()
    assert not m._forward_pre_hooks and not m._forward_pre_hooks_with_kwargs


def test_global_unstructured_takes_a_generator() -> None:
    # PyTorch walks `parameters` twice, so a generator leaves its second walk empty
    # (torch.cat of an empty list); minigrad makes a list of it first.
    layers = [_pruned(MG, _weights((3, 4), False, seed=i), []) for i in range(2)]
    mprune.global_unstructured(
        ((m, "weight") for m in layers), pruning_method=mprune.L1Unstructured, amount=6
    )
    assert sum(int((m.weight_mask.numpy() == 0).sum()) for m in layers) == 6


def test_a_compiled_step_trains_a_pruned_model_as_the_eager_loop() -> None:
    x = mg.tensor(np.random.default_rng(16).standard_normal((6, 4)))
    y = mg.tensor(np.random.default_rng(17).integers(0, 3, 6))
    results = []
    for compiled in (False, True):
        mg.manual_seed(0)
        m = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).double()
        mprune.l1_unstructured(m[0], "weight", amount=0.5)
        opt = mg.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()
        losses = []
        if compiled:
            step = mg.compile(m, loss_fn, opt)
            losses = [float(step(x, y)) for _ in range(3)]
        else:
            for _ in range(3):
                opt.zero_grad()
                loss = loss_fn(m(x), y)
                loss.backward()
                opt.step()
                losses.append(loss.item())
        results.append((losses, m[0].weight_orig.detach().numpy().copy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12, atol=1e-15)
