"""An optimizer's ``state`` holds Tensors, as PyTorch's does: the moments and buffers are Tensors
shaped like their parameter, and the step count (with NAdam's ``mu_product`` and ASGD's ``eta``
and ``mu``) is a 0-d Tensor of float32 (float64 when that is the default dtype). The Tensors
are updated in place, so one a user holds shows the current state; ``state_dict()`` copies
them; ``load_state_dict`` takes Tensors, arrays or numbers (checkpoints written before the step
was a Tensor); a compiled step writes the same Tensors and notices when one is replaced.

torch, when installed, is the oracle of the keys, types, dtypes and shapes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim

START = np.array([[0.5, -1.2, 2.0], [0.3, 0.8, -0.4]])

# (name, keyword arguments): every optimizer, with the options that add state entries
CASES: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 0.01}),
    ("Adamax", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adadelta", {"lr": 1.0}),
    ("ASGD", {"lr": 0.05, "t0": 2}),
    ("Rprop", {"lr": 0.05}),
]
IDS = [f"{name}-{'-'.join(kw) or 'plain'}" for name, kw in CASES]


def _train(
    lib: Any,
    opt_cls: Callable[..., Any],
    kwargs: dict[str, Any],
    steps: int,
    start: np.ndarray = START,
) -> tuple[Any, Any]:
    """A parameter and its optimizer after ``steps`` steps on a quadratic bowl (lib: minigrad
    or torch, the same calls)."""
    p = lib.tensor(start.copy(), requires_grad=True)
    opt = opt_cls([p], **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        loss = (p * p).sum() + (p * lib.tensor(start)).sum()
        loss.backward()
        opt.step()
    return p, opt


def _describe(value: Any, tensor_type: type) -> tuple[Any, ...]:
    """A state entry as (kind, dtype name, shape): comparable between the two libraries."""
    if isinstance(value, tensor_type):
        return ("Tensor", str(value.dtype).split(".")[-1], tuple(value.shape))
    return (type(value).__name__,)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_state_entries_are_tensors_with_torchs_dtypes_and_shapes(name, kwargs):
    start = START.astype(np.float32)
    p, opt = _train(mg, getattr(optim, name), kwargs, 3, start)
    state = opt.state[p]
    assert state, "the optimizer keeps state"
    for key, value in state.items():
        assert isinstance(value, mg.Tensor), (key, type(value))
        assert not value.requires_grad, key
        assert value.dtype == mg.float32, key
        assert value.shape in ((), p.shape), (key, value.shape)
    if "step" in state:
        assert state["step"].shape == () and state["step"].item() == 3.0
    torch = pytest.importorskip("torch")
    tp, topt = _train(torch, getattr(torch.optim, name), kwargs, 3, start)
    theirs = {k: _describe(v, torch.Tensor) for k, v in topt.state[tp].items()}
    ours = {k: _describe(v, mg.Tensor) for k, v in state.items()}
    assert ours == theirs
    for key, value in topt.state[tp].items():
        np.testing.assert_allclose(state[key].numpy(), value.numpy(), rtol=1e-5, atol=1e-7)


def test_the_step_count_follows_the_default_dtype():
    old = mg.get_default_dtype()
    mg.set_default_dtype(mg.float64)
    try:
        p, opt = _train(mg, optim.Adam, {}, 2)
    finally:
        mg.set_default_dtype(old)
    assert opt.state[p]["step"].dtype == mg.float64
    p16, opt16 = _train(mg, optim.Adam, {}, 2, START.astype(np.float16))
    assert opt16.state[p16]["step"].dtype == mg.float32  # as PyTorch: float64, else float32
    assert opt16.state[p16]["exp_avg"].dtype == mg.float16


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_a_held_state_tensor_shows_later_steps(name, kwargs):
    p, opt = _train(mg, getattr(optim, name), kwargs, 2)
    held = dict(opt.state[p])
    before = {k: v.numpy().copy() for k, v in held.items()}
    opt.zero_grad()
    ((p * p).sum() + p.sum()).backward()
    opt.step()
    changed = 0
    for key, value in opt.state[p].items():
        assert value is held[key], f"{key}: the state Tensor was replaced, not updated"
        changed += not np.array_equal(value.numpy(), before[key])
    assert changed, "the step changed some state"


@pytest.mark.parametrize("name", ["NAdam", "ASGD"])
def test_numbers_of_the_state_round_as_torchs(name):
    """With float32 the default dtype, PyTorch keeps NAdam's ``mu_product`` and ASGD's ``eta``
    and ``mu`` in float32 0-d tensors, rounding them at every step, even for float64
    parameters; so does minigrad (with Python floats, the parameters drift apart by about
    1e-10 relative in 30 steps)."""
    torch = pytest.importorskip("torch")
    assert torch.get_default_dtype() == torch.float32 and mg.get_default_dtype() == mg.float32
    kwargs = dict(dict(CASES)[name])
    p, opt = _train(mg, getattr(optim, name), kwargs, 30)
    tp, topt = _train(torch, getattr(torch.optim, name), kwargs, 30)
    assert p.dtype == mg.float64
    np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-14, atol=0)
    for key in ("mu_product", "eta", "mu"):
        if key in topt.state[tp]:
            assert opt.state[p][key].item() == topt.state[tp][key].item(), key


def test_state_dict_copies_the_tensors():
    p, opt = _train(mg, optim.Adam, {"lr": 0.1}, 2)
    saved = opt.state_dict()["state"][0]
    assert saved["exp_avg"] is not opt.state[p]["exp_avg"]
    assert not np.shares_memory(saved["exp_avg"].numpy(), opt.state[p]["exp_avg"].numpy())
    frozen = {k: v.numpy().copy() for k, v in saved.items()}
    _train_more(p, opt)
    for key, value in saved.items():
        np.testing.assert_array_equal(value.numpy(), frozen[key], err_msg=key)


def _train_more(p: Any, opt: Any, steps: int = 2) -> None:
    for _ in range(steps):
        opt.zero_grad()
        ((p * p).sum() + p.sum()).backward()
        opt.step()


@pytest.mark.parametrize(
    "form",
    [
        "tensors",
        "arrays",
        "numbers",  # a step saved as a Python int, as checkpoints from before kept it
    ],
)
def test_load_state_dict_takes_tensors_arrays_and_numbers(form):
    p, opt = _train(mg, optim.Adam, {"lr": 0.1}, 3)
    sd = opt.state_dict()
    entry = sd["state"][0]
    if form != "tensors":
        entry.update({k: v.numpy() for k, v in entry.items()})
    if form == "numbers":
        entry["step"] = 3
    p2 = nn.Parameter(p.detach().numpy().copy())
    opt2 = optim.Adam([p2], lr=0.1)
    opt2.load_state_dict(sd)
    state = opt2.state[p2]
    assert isinstance(state["step"], mg.Tensor) and state["step"].dtype == mg.float32
    assert state["step"].item() == 3
    for key in ("exp_avg", "exp_avg_sq"):
        assert isinstance(state[key], mg.Tensor) and state[key].dtype == p2.dtype
        assert not np.shares_memory(state[key].numpy(), opt.state[p][key].numpy())
    _train_more(p, opt)
    _train_more(p2, opt2)
    np.testing.assert_array_equal(p2.detach().numpy(), p.detach().numpy())


def test_save_and_load_keep_the_step_a_tensor(tmp_path):
    _, opt = _train(mg, optim.SGD, {"lr": 0.1, "momentum": 0.9}, 2)
    _, opt2 = _train(mg, optim.RMSprop, {"lr": 0.1}, 2)
    mg.save({"sgd": opt.state_dict(), "rmsprop": opt2.state_dict()}, tmp_path / "opt.npz")
    loaded = mg.load(tmp_path / "opt.npz")
    assert isinstance(loaded["sgd"]["state"][0]["momentum_buffer"], mg.Tensor)
    step = loaded["rmsprop"]["state"][0]["step"]
    assert isinstance(step, mg.Tensor) and step.dtype == mg.float32 and step.item() == 2


def test_lbfgs_state_holds_tensors_as_torchs():
    def run(lib: Any, opt_cls: Callable[..., Any]) -> tuple[Any, Any]:
        x = lib.tensor(START.reshape(-1).copy(), requires_grad=True)
        opt = opt_cls([x], max_iter=4, history_size=3)

        def closure() -> Any:
            opt.zero_grad()
            loss = ((x - 1) ** 2 * lib.tensor([1.0, 2, 3, 4, 5, 6])).sum() + (x**4).sum()
            loss.backward()
            return loss

        for _ in range(2):
            opt.step(closure)
        return x, opt

    x, opt = run(mg, optim.LBFGS)
    state = opt.state[x]
    for key in ("d", "prev_flat_grad", "H_diag"):
        assert isinstance(state[key], mg.Tensor), key
    for key in ("old_dirs", "old_stps", "ro", "al"):
        assert state[key] and all(isinstance(v, mg.Tensor | type(None)) for v in state[key]), key
    assert isinstance(state["func_evals"], int) and isinstance(state["n_iter"], int)
    torch = pytest.importorskip("torch")
    tx, topt = run(torch, torch.optim.LBFGS)
    tstate = topt.state[tx]
    assert sorted(state) == sorted(tstate)
    for key in ("d", "prev_flat_grad", "H_diag"):
        assert _describe(state[key], mg.Tensor) == _describe(tstate[key], torch.Tensor), key
        np.testing.assert_allclose(state[key].numpy(), tstate[key].numpy(), rtol=1e-9)
    for key in ("old_dirs", "old_stps", "ro"):
        assert len(state[key]) == len(tstate[key]), key
        for ours, theirs in zip(state[key], tstate[key]):
            assert _describe(ours, mg.Tensor) == _describe(theirs, torch.Tensor), key


def _compiled_problem(opt_cls: Callable[..., Any], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3))
    x = mg.tensor(rng.standard_normal((8, 4)).astype(np.float32))
    y = mg.tensor(rng.integers(0, 3, 8))
    opt = opt_cls(model.parameters(), **kwargs)
    return model, opt, x, y


@pytest.mark.parametrize(
    ("opt_cls", "kwargs"),
    [(optim.Adam, {"lr": 0.01}), (optim.SGD, {"lr": 0.1, "momentum": 0.9})],
    ids=["Adam", "SGD-momentum"],
)
def test_a_compiled_step_writes_the_state_tensors(opt_cls, kwargs):
    model, opt, x, y = _compiled_problem(opt_cls, kwargs)
    twin, twin_opt, _, _ = _compiled_problem(opt_cls, kwargs)
    twin.load_state_dict(model.state_dict())
    step = mg.compile(model, nn.functional.cross_entropy, opt)
    for _ in range(4):
        step(x, y)
        twin_opt.zero_grad()
        nn.functional.cross_entropy(twin(x), y).backward()
        twin_opt.step()
    w, tw = model[0].weight, twin[0].weight
    held = opt.state[w]
    for key, value in twin_opt.state[tw].items():
        assert isinstance(held[key], mg.Tensor), key
        np.testing.assert_allclose(held[key].numpy(), value.numpy(), rtol=1e-6, atol=1e-7)
    if "step" in held:
        assert held["step"].item() == 4


def test_a_compiled_step_notices_a_replaced_state_tensor():
    model, opt, x, y = _compiled_problem(optim.Adam, {"lr": 0.01})
    twin, twin_opt, _, _ = _compiled_problem(optim.Adam, {"lr": 0.01})
    twin.load_state_dict(model.state_dict())
    step = mg.compile(model, nn.functional.cross_entropy, opt)

    def eager() -> None:
        twin_opt.zero_grad()
        nn.functional.cross_entropy(twin(x), y).backward()
        twin_opt.step()

    for _ in range(2):
        step(x, y)
        eager()
    w, tw = model[0].weight, twin[0].weight
    opt.state[w]["exp_avg"] = mg.zeros_like(w)  # replaced, not written in place
    twin_opt.state[tw]["exp_avg"] = mg.zeros_like(tw)
    step(x, y)
    eager()
    for p, tp in zip(model.parameters(), twin.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        opt.state[w]["exp_avg"].numpy(), twin_opt.state[tw]["exp_avg"].numpy(), rtol=1e-6
    )
