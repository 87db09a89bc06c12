"""minigrad.compile: compiled training steps against the eager loop, guards, refusals, eject."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.compiler import CompileError
from minigrad.datasets import load_iris_seed_split
from minigrad.nn import functional as F

Build = Callable[[], tuple[nn.Module, Any]]

F32 = np.float32
PERCEPTRON_X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 0]], dtype=np.float32)
PERCEPTRON_Y = np.array([[0], [1], [1], [0]], dtype=np.float32)


def quadratic_cost(output: mg.Tensor, target: mg.Tensor) -> mg.Tensor:
    return ((output - target) ** 2).sum() / (2 * output.shape[0])


def _batches(x: np.ndarray, y: np.ndarray, size: int) -> list[tuple[mg.Tensor, mg.Tensor]]:
    return [
        (mg.tensor(x[i : i + size]), mg.tensor(y[i : i + size])) for i in range(0, len(x), size)
    ]


def _run_both(
    build: Build,
    loss_fn: Callable[..., Any],
    batches: list[tuple[mg.Tensor, mg.Tensor]],
    steps: int,
    each: Callable[[int, Any], None] | None = None,
) -> tuple[nn.Module, nn.Module, list[float], list[float]]:
    """Train two identical models, one eager and one compiled, for ``steps`` steps."""
    m_eager, o_eager = build()
    m_comp, o_comp = build()
    step = mg.compile(m_comp, loss_fn, o_comp)
    losses_e, losses_c = [], []
    for i in range(steps):
        x, y = batches[i % len(batches)]
        if each is not None:
            each(i, o_eager)
            each(i, o_comp)
        o_eager.zero_grad()
        loss = loss_fn(m_eager(x), y)
        loss.backward()
        o_eager.step()
        losses_e.append(loss.item())
        losses_c.append(step(x, y).item())
    return m_eager, m_comp, losses_e, losses_c


def _assert_same(m_eager: nn.Module, m_comp: nn.Module, exact: bool) -> None:
    for (name, a), (_, b) in zip(m_eager.named_parameters(), m_comp.named_parameters()):
        if exact:
            np.testing.assert_array_equal(b._data, a._data, err_msg=name)
        else:
            np.testing.assert_allclose(b._data, a._data, rtol=1e-6, atol=1e-6, err_msg=name)
        np.testing.assert_array_equal(b.grad._data, a.grad._data, err_msg=f"{name}.grad")


def perceptron() -> tuple[nn.Module, Any]:
    lin = nn.Linear(3, 1)
    nn.init.uniform_(lin.weight, 0.0, 1.0, generator=0)
    nn.init.zeros_(lin.bias)
    model = nn.Sequential(lin, nn.Sigmoid())
    return model, optim.SGD(model.parameters(), lr=1.0)


def iris_classic() -> tuple[nn.Module, Any]:
    model = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 3), nn.Sigmoid()).double()
    gen = np.random.default_rng(0)
    for p in model.parameters():
        nn.init.normal_(p, 0.0, 1.0, generator=gen)
    return model, optim.SGD(model.parameters(), lr=0.1)


def iris_modern(make_opt: Callable[[Any], Any]) -> Build:
    def build() -> tuple[nn.Module, Any]:
        gen = np.random.default_rng(0)
        model = nn.Sequential(
            nn.Linear(4, 16, generator=gen), nn.ReLU(), nn.Linear(16, 3, generator=gen)
        )
        return model, make_opt(model.parameters())

    return build


def test_perceptron_1000_steps_bit_for_bit() -> None:
    batches = [(mg.tensor(PERCEPTRON_X), mg.tensor(PERCEPTRON_Y))]
    me, mc, le, lc = _run_both(perceptron, F.mse_loss, batches, 1000)
    _assert_same(me, mc, exact=True)
    assert le == lc


def test_iris_classic_1000_steps_bit_for_bit() -> None:
    split = load_iris_seed_split(as_tensor=False)
    batches = _batches(split.x_train.astype(np.float64), split.y_train.astype(np.float64), 32)
    assert {len(x) for x, _ in batches} == {32, 3}  # the last batch is smaller: two variants
    me, mc, le, lc = _run_both(iris_classic, quadratic_cost, batches, 1000)
    _assert_same(me, mc, exact=True)
    assert le == lc


OPTIMIZERS: dict[str, Callable[[Any], Any]] = {
    "sgd": lambda p: optim.SGD(p, lr=0.1),
    "sgd_momentum": lambda p: optim.SGD(p, lr=0.05, momentum=0.9),
    "sgd_nesterov_wd": lambda p: optim.SGD(
        p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3
    ),
    "sgd_dampening_maximize": lambda p: optim.SGD(
        p, lr=0.01, momentum=0.5, dampening=0.3, maximize=True
    ),
    "adam": lambda p: optim.Adam(p, lr=0.01, weight_decay=0.01),
    "adam_amsgrad": lambda p: optim.Adam(p, lr=0.01, amsgrad=True),
    "adamw": lambda p: optim.AdamW(p, lr=0.01, weight_decay=0.05),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_iris_modern_each_optimizer_1000_steps(name: str) -> None:
    split = load_iris_seed_split(as_tensor=False)
    batches = _batches(split.x_train, split.labels_train, 16)
    me, mc, le, lc = _run_both(iris_modern(OPTIMIZERS[name]), F.cross_entropy, batches, 1000)
    _assert_same(me, mc, exact=True)
    assert le == lc


def test_mnist_mlp_with_a_scheduler_1000_steps() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 784)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    batches = _batches(x, y, 16)

    def build() -> tuple[nn.Module, Any]:
        gen = np.random.default_rng(1)
        model = nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 32, generator=gen),
            nn.ReLU(),
            nn.Linear(32, 10, generator=gen),
        )
        opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        opt.scheduler = optim.lr_scheduler.StepLR(opt, step_size=100, gamma=0.5)  # type: ignore[attr-defined]
        return model, opt

    def each(i: int, opt: Any) -> None:
        if i and i % 10 == 0:
            opt.scheduler.step()

    me, mc, le, lc = _run_both(build, F.cross_entropy, batches, 1000, each)
    _assert_same(me, mc, exact=True)
    assert le == lc


# ---------------------------------------------------------------------------------------------
# The listing


def test_listing_names_parameters_and_bp_equations() -> None:
    model, opt = iris_classic()
    step = mg.compile(model, quadratic_cost, opt)
    with pytest.raises(RuntimeError, match="call step"):
        _ = step.source
    split = load_iris_seed_split(as_tensor=False)
    step(
        mg.tensor(split.x_train[:8].astype(np.float64)),
        mg.tensor(split.y_train[:8].astype(np.float64)),
    )
    src = step.source
    for label in ("(BP1)", "(BP2)", "(BP3)", "(BP4)"):
        assert label in src
    for name in ("grad_layer0_weight", "grad_layer2_bias", "z1", "a2"):
        assert name in src
    assert "Sigmoid backward" in src and "Linear" in src
    compile(src, "<listing>", "exec")


def test_the_running_form_makes_the_calls_of_the_listing() -> None:
    """The step runs a form of the listing with the ufuncs bound to names of the step: the
    same calls, statement for statement, in the same order; where it differs (a small matrix
    product through np.dot, labels picked by flat position, a sum over a few classes as sums of
    columns, the mean of the picked log-probabilities as their sum over -n, the learning rate
    converted when it changes, lr * g once for the packed gradients of the group) the values
    are the same."""
    model, opt = iris_modern(lambda p: optim.SGD(p, lr=0.1))()
    step = mg.compile(model, F.cross_entropy, opt)
    step(*_batch())
    v = step._last
    assert v is not None
    listing = [s for code, _ in v.emitter.lines if code for s in code.split("; ")]
    running = [s for stmts in v.emitter.fast_lines for s in stmts]
    assert len(listing) == len(running)
    assert step.run_source == v.run_source + "\n"
    assert "np.add(" not in v.run_source and "out=" in v.run_source
    assert "np_dot(" in v.run_source and "_flat[" in v.run_source
    packed = [run for run in running if "grads0" in run]
    assert packed == ["np_multiply(grads0, lr0, out=steps0)"]  # lr * g: one call for the group
    # The labels' check also gives their flat positions, before the body.
    assert "    y_at = np_ravel_multi_index((rows, y), (8, 3))\n" in v.run_source
    for shown, run in zip(listing, running):
        if shown.startswith("if np.maximum.reduce(y.view(np.uint64)) >= 3: raise IndexError"):
            assert not run
        elif "_flat[" in run:  # x[rows, y] as x_flat[rows * C + y]
            assert "[rows" in shown, (shown, run)
        elif "_prob_c0" in run:  # a sum over 3 classes as sums of columns
            assert shown.startswith("np.add.reduce(loss_prob, axis=1"), (shown, run)
        elif run in packed or not run:
            assert shown.startswith("np.multiply(grad_layer") and "lr0" in shown
        elif run.startswith("if (hyper"):  # the learning rate, converted when it changes
            assert "np.array(groups[0]['lr']" in shown
        else:
            plain = run.replace("np_dot(", "np_matmul(")
            for name in ("add_reduce", "maximum_reduce", "uint64"):
                plain = plain.replace(f"np_{name}", "np." + name.replace("_", "."))
            assert plain.replace("np_", "np.") == shown


def test_relu_and_its_rule_write_in_place_only_over_values_nothing_else_reads() -> None:
    """As hand-written NumPy: ReLU over the Linear's output (z1 is read by nothing else) and
    its rule over the incoming gradient; the bits stay the eager ones (the 1,000-step tests),
    and a value that is the model's output, or read twice, keeps its own buffer."""
    _model, _opt, step = _tiny()
    step(*_batch())
    src = step.source
    assert "in place: a1 is z1" in src and "in place: grad_z1 is grad_a1" in src
    # The model's output feeds the ReLU of the loss: it stays the output.
    gen = np.random.default_rng(0)
    lin, lin_eager = nn.Linear(4, 3, generator=gen), nn.Linear(4, 3)
    lin_eager.load_state_dict(lin.state_dict())

    def loss_fn(out: mg.Tensor, y: mg.Tensor) -> mg.Tensor:
        return F.mse_loss(F.relu(out), y)

    step = mg.compile(lin, loss_fn, optim.SGD(lin.parameters(), lr=0.1))
    x = mg.tensor(gen.standard_normal((8, 4)).astype(np.float32))
    y = mg.tensor(gen.standard_normal((8, 3)).astype(np.float32))
    for _ in range(3):
        want = lin_eager(x)
        step(x, y)
        assert step.output is not None
        np.testing.assert_array_equal(step.output._data, want._data)
        assert (want._data < 0).any()  # (the ReLU would have changed it)
        lin_eager.weight.grad = lin_eager.bias.grad = None
        loss_fn(want, y).backward()
        optim.SGD(lin_eager.parameters(), lr=0.1).step()
    assert "a1 is z1" not in step.source  # (the rule's gradient is still written in place)

    # A value read by two ops (a residual sum) keeps its buffer.
    class Twice(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 3, generator=0)

        def forward(self, x: mg.Tensor) -> mg.Tensor:
            z = self.fc(x)
            return F.relu(z) + z

    me, mc, le, lc = _run_both(
        lambda: ((m := Twice()), optim.SGD(m.parameters(), lr=0.1)),
        F.cross_entropy,
        [_batch(seed=s) for s in range(3)],
        30,
    )
    _assert_same(me, mc, exact=True)
    assert le == lc
    # One sample (1-D): a bias's gradient is the incoming gradient itself, written in place
    # by the ReLU's rule; the bias still gets a buffer of its own.
    rng = np.random.default_rng(1)
    one = [
        (
            mg.tensor(rng.standard_normal(4).astype(F32)),
            mg.tensor(rng.standard_normal(3).astype(F32)),
        )
        for _ in range(3)
    ]
    me, mc, le, lc = _run_both(iris_modern(lambda p: optim.SGD(p, lr=0.1)), F.mse_loss, one, 30)
    _assert_same(me, mc, exact=True)
    assert le == lc


def test_log_softmax_and_nll_loss_run_bit_for_bit_and_refuse_bad_labels() -> None:
    """The path cross_entropy takes with class weights, and a model ending in LogSoftmax: its
    mean runs as sum(picked) / -n (the same bits as -sum(picked) / n)."""

    def build() -> tuple[nn.Module, Any]:
        gen = np.random.default_rng(0)
        model = nn.Sequential(
            nn.Linear(4, 16, generator=gen), nn.ReLU(), nn.Linear(16, 3, generator=gen),
            nn.LogSoftmax(dim=1),
        )  # fmt: skip
        return model, optim.SGD(model.parameters(), lr=0.1)

    batches = [_batch(seed=s) for s in range(3)] + [_batch(5, seed=9)]
    me, mc, le, lc = _run_both(build, F.nll_loss, batches, 300)
    _assert_same(me, mc, exact=True)
    assert le == lc
    model, opt = build()
    step = mg.compile(model, F.nll_loss, opt)
    x, y = batches[0]
    step(x, y)
    assert "np_divide(loss, c_m8, out=loss)" in step.run_source
    assert "np.divide(loss, c_8, out=loss)" in step.source
    before = [p._data.copy() for p in model.parameters()]
    for bad in ([0, 1, 2, 3, 0, 1, 2, 0], [0, 1, -1, 2, 0, 1, 2, 0]):
        with pytest.raises(IndexError, match="out of range"):
            step(x, mg.tensor(np.array(bad)))
    for p, b in zip(model.parameters(), before):
        np.testing.assert_array_equal(p._data, b)


def test_a_large_sgd_update_runs_in_pieces_with_the_same_bits(monkeypatch: Any) -> None:
    """Above ``LARGE`` elements, plain SGD subtracts lr * g piece by piece (the steps stay in
    the cache); the listing keeps one line per parameter and the bits are the eager ones."""
    from minigrad.compiler import updates

    monkeypatch.setattr(updates, "LARGE", 64)
    monkeypatch.setattr(updates, "PIECE", 24)  # pieces that cut across the weights
    batches = [_batch(seed=s) for s in range(4)]
    me, mc, le, lc = _run_both(
        iris_modern(lambda p: optim.SGD(p, lr=0.1)), F.cross_entropy, batches, 300
    )
    _assert_same(me, mc, exact=True)
    assert le == lc
    model, opt = iris_modern(lambda p: optim.SGD(p, lr=0.1))()
    step = mg.compile(model, F.cross_entropy, opt)
    step(*batches[0])
    assert "for g_, s_, p_ in pieces0:" in step.run_source
    assert "pieces" not in step.source and "np.subtract(layer0_weight" in step.source


@pytest.mark.parametrize("lr", [0.0, 1, 0.25])
def test_a_changed_learning_rate_is_used_at_the_next_call(lr: float) -> None:
    model, opt = iris_modern(lambda p: optim.SGD(p, lr=0.1))()
    m_eager, o_eager = iris_modern(lambda p: optim.SGD(p, lr=0.1))()
    step = mg.compile(model, F.cross_entropy, opt)
    x, y = _batch()
    for i in range(4):
        if i == 2:
            opt.param_groups[0]["lr"] = o_eager.param_groups[0]["lr"] = lr
        step(x, y)
        o_eager.zero_grad()
        F.cross_entropy(m_eager(x), y).backward()
        o_eager.step()
        _assert_same(m_eager, model, exact=True)


# ---------------------------------------------------------------------------------------------
# Guards


def _tiny() -> tuple[nn.Module, Any, Any]:
    model, opt = iris_modern(lambda p: optim.SGD(p, lr=0.1))()
    return model, opt, mg.compile(model, F.cross_entropy, opt)


def _batch(n: int = 8, seed: int = 0) -> tuple[mg.Tensor, mg.Tensor]:
    rng = np.random.default_rng(seed)
    return mg.tensor(rng.standard_normal((n, 4)).astype(np.float32)), mg.tensor(
        rng.integers(0, 3, n)
    )


def test_guards_retrace_on_shape_mode_requires_grad_and_optimizer_flags() -> None:
    model, opt, step = _tiny()
    x, y = _batch()
    step(x, y)
    step(x, y)
    assert step.retraces == 0
    step(*_batch(5))  # another batch size
    assert step.retraces == 1
    model.eval()
    step(x, y)
    assert step.retraces == 2
    model.train()
    step(x, y)  # back to a known variant: no trace
    assert step.retraces == 2
    model[0].bias.requires_grad_(False)
    step(x, y)
    assert step.retraces == 3
    assert model[0].bias.grad is None
    model[0].bias.requires_grad_(True)
    opt.param_groups[0]["momentum"] = 0.9  # changes the code of the update
    step(x, y)
    assert step.retraces == 4
    opt.param_groups[0]["lr"] = 0.01  # read at each call: no retrace
    step(x, y)
    assert step.retraces == 4


def test_replaced_parameter_array_retraces_and_trains_the_new_one() -> None:
    model, _opt, step = _tiny()
    x, y = _batch()
    step(x, y)
    w = model[0].weight
    w._data = w._data.copy()
    before = w._data.copy()
    step(x, y)
    assert step.retraces == 1
    assert not np.array_equal(w._data, before)


def test_labels_are_inputs_not_constants() -> None:
    _model, _opt, step = _tiny()
    m2, o2 = iris_modern(lambda p: optim.SGD(p, lr=0.1))()
    for seed in range(5):
        x, y = _batch(seed=seed)
        lc = step(x, y).item()
        o2.zero_grad()
        le = F.cross_entropy(m2(x), y)
        le.backward()
        o2.step()
        assert lc == le.item()
    assert step.retraces == 0


def test_bad_labels_raise_the_eager_error_and_change_nothing() -> None:
    model, _opt, step = _tiny()
    x, y = _batch()
    step(x, y)
    before = [p._data.copy() for p in model.parameters()]
    bad = mg.tensor(np.array([0, 1, 2, 3, 0, 1, 2, 0]))
    with pytest.raises(IndexError) as compiled:
        step(x, bad)
    with pytest.raises(IndexError) as eager:
        F.cross_entropy(model(x), bad)
    assert str(compiled.value) == str(eager.value)
    for p, b in zip(model.parameters(), before):
        np.testing.assert_array_equal(p._data, b)
    negative = mg.tensor(np.array([0, 1, 2, -1, 0, 1, 2, 0]))
    with pytest.raises(IndexError, match="out of range"):
        step(x, negative)


def test_no_grad_mode_raises_like_eager() -> None:
    _model, _opt, step = _tiny()
    with mg.no_grad(), pytest.raises(RuntimeError):
        step(*_batch())


# ---------------------------------------------------------------------------------------------
# What is refused


def test_a_value_computed_from_the_batch_outside_the_graph_is_refused() -> None:
    model, opt = iris_modern(lambda p: optim.SGD(p, lr=0.1))()

    def masked(out: mg.Tensor, y: mg.Tensor) -> mg.Tensor:
        weights = mg.tensor((y.numpy() == 0).astype(np.float32))  # a mask made from the labels
        return (F.cross_entropy(out, y, reduction="none") * weights).mean()

    step = mg.compile(model, masked, opt)
    with pytest.raises(CompileError, match="Mul"):
        step(*_batch())


def test_a_data_dependent_branch_is_refused() -> None:
    model, opt = iris_modern(lambda p: optim.SGD(p, lr=0.1))()

    def branchy(out: mg.Tensor, y: mg.Tensor) -> mg.Tensor:
        loss = F.cross_entropy(out, y)
        return loss * 2 if y.numpy()[0] == 0 else loss.exp()

    step = mg.compile(model, branchy, opt)
    x, _ = _batch()
    with pytest.raises(CompileError, match="change with the data"):
        step(x, mg.tensor(np.array([0, 1, 2, 1, 0, 1, 2, 2])))


def test_unsupported_optimizer_and_layer_are_refused() -> None:
    model, _ = iris_modern(lambda p: optim.SGD(p, lr=0.1))()
    with pytest.raises(TypeError, match="RMSprop"):
        mg.compile(model, F.cross_entropy, optim.RMSprop(model.parameters()))
    bn = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
    with pytest.raises(CompileError, match="BatchNorm1d"):
        mg.compile(bn, F.cross_entropy, optim.SGD(bn.parameters(), lr=0.1))


def test_a_template_that_disagrees_with_its_rule_refuses_the_compile(monkeypatch: Any) -> None:
    from minigrad import ops
    from minigrad.compiler import templates

    def wrong(e: Any, op: Any, g: str, out: str, xs: Any, vals: Any, h: Any) -> Any:
        return [e.call(h[0], "np.multiply", g, out)]  # not the ReLU rule

    monkeypatch.setitem(templates.BACKWARD, ops.ReLU, wrong)
    _model, _opt, step = _tiny()
    with pytest.raises(CompileError, match="ReLU"):
        step(*_batch())


# ---------------------------------------------------------------------------------------------
# Eject to NumPy


_RUNNER = textwrap.dedent(
    """
    import importlib.util, sys
    import numpy as np

    class Block:
        def find_spec(self, name, path=None, target=None):
            if name == "minigrad" or name.startswith("minigrad."):
                raise ImportError("minigrad is not importable here")
            return None

    sys.meta_path.insert(0, Block())
    spec = importlib.util.spec_from_file_location("train_step", sys.argv[1])
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    data = np.load(sys.argv[2])
    for i in range(int(sys.argv[4])):
        mod.step(data["x"], data["y"])
    assert not any(m == "minigrad" or m.startswith("minigrad.") for m in sys.modules)
    np.savez(sys.argv[3], **mod.params)
    """
)


@pytest.mark.parametrize("name", ["sgd_momentum", "adam"])
def test_saved_step_trains_with_numpy_alone(tmp_path: Any, name: str) -> None:
    model, opt = iris_modern(OPTIMIZERS[name])()
    step = mg.compile(model, F.cross_entropy, opt)
    x, y = _batch()
    for _ in range(3):
        step(x, y)
    path = step.save(tmp_path / "train_step.py")
    np.savez(tmp_path / "data.npz", x=x.numpy(), y=y.numpy())
    runner = tmp_path / "runner.py"
    runner.write_text(_RUNNER)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = tmp_path / "params.npz"
    subprocess.run(
        [sys.executable, str(runner), str(path), str(tmp_path / "data.npz"), str(out), "50"],
        check=True,
        env=env,
        cwd=tmp_path,
    )
    for _ in range(50):
        step(x, y)
    saved = np.load(out)
    for n, p in model.named_parameters():
        np.testing.assert_array_equal(saved[n], p._data, err_msg=n)


def test_gradient_hooks_and_bce_on_probabilities_are_refused() -> None:
    model, opt = iris_modern(lambda p: optim.SGD(p, lr=0.1))()
    model[0].weight.register_hook(lambda g: g * 2)
    with pytest.raises(CompileError, match="hook"):
        mg.compile(model, F.cross_entropy, opt)(*_batch())
    model, opt = perceptron()
    with pytest.raises(CompileError, match="binary_cross_entropy_with_logits"):
        mg.compile(model, F.binary_cross_entropy, opt)
    with pytest.raises(CompileError, match="binary_cross_entropy_with_logits"):
        mg.compile(model, nn.BCELoss(), opt)


def test_a_node_hook_registered_in_forward_is_refused_by_name() -> None:
    """A post-hook on a node (``grad_fn.register_hook``) would not run in the emitted code: the
    compile refuses it as it refuses a tensor hook, naming the hook (not the op)."""

    class Hooked(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(3, 2, generator=0)

        def forward(self, x: mg.Tensor) -> mg.Tensor:
            y = self.fc(x)
            y.grad_fn.register_hook(lambda gin, gout: tuple(g if g is None else g * 0 for g in gin))
            return y

    model = Hooked()
    opt = optim.SGD(model.parameters(), lr=0.1)
    x, y = mg.randn(4, 3, generator=1), mg.randn(4, 2, generator=2)
    with pytest.raises(CompileError, match="gradient hook"):
        mg.compile(model, F.mse_loss, opt)(x, y)


def test_bce_with_logits_and_a_sequential_without_bias_compile() -> None:
    def build() -> tuple[nn.Module, Any]:
        model = nn.Sequential(
            nn.Linear(3, 4, generator=0), nn.Tanh(), nn.Linear(4, 1, bias=False, generator=1)
        )
        return model, optim.Adam(model.parameters(), lr=0.01)

    batches = [(mg.tensor(PERCEPTRON_X), mg.tensor(PERCEPTRON_Y))]
    me, mc, le, lc = _run_both(build, F.binary_cross_entropy_with_logits, batches, 300)
    _assert_same(me, mc, exact=True)
    assert le == lc


def test_the_code_blocks_of_docs_compile_md_run(tmp_path: Any, monkeypatch: Any) -> None:
    import contextlib
    import io
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "compile.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", doc, re.S)
    # the perceptron, eject, model.compile() in place, and torch.compile(model) then the step
    assert len(blocks) == 4
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    namespace: dict[str, Any] = {}
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, "docs/compile.md", "exec"), namespace)
    text = out.getvalue()
    assert "def train_step(x, y, groups):" in text and "(BP4)" in text
    assert "['0.bias', '0.weight']" in text
    assert "['_orig_mod.0.weight', '_orig_mod.0.bias']" in text
    assert not list(tmp_path.iterdir())


class _Net(nn.Module):
    """A user-defined module: its layers' names become the listing's names."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(4, 8, generator=0)
        self.fc2 = nn.Linear(8, 3, generator=1)

    def forward(self, x: mg.Tensor) -> mg.Tensor:
        return self.fc2(self.fc1(x).tanh())


def test_user_module_names_the_listing_and_state_dicts_keep_working() -> None:
    model = _Net()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    step = mg.compile(model, F.cross_entropy, opt)
    x, y = _batch()
    step(x, y)
    for name in ("grad_fc1_weight", "grad_fc2_bias", "fc1_weight_T", "momentum_buffer_fc2_weight"):
        assert name in step.source
    for label in ("(BP1)", "(BP2)", "(BP3)", "(BP4)"):
        assert label in step.source
    saved_model, saved_opt = model.state_dict(), opt.state_dict()
    saved_model = {k: v.numpy().copy() for k, v in saved_model.items()}
    losses = [step(x, y).item() for _ in range(5)]
    model.load_state_dict(saved_model)  # copied into the same arrays: no retrace needed
    opt.load_state_dict(saved_opt)  # a new optimizer state: the step traces again
    again = [step(x, y).item() for _ in range(5)]
    assert again == losses
    assert step.retraces == 1


def test_a_replaced_layer_retraces_and_reset_forgets_the_variants() -> None:
    model, opt, step = _tiny()
    x, y = _batch()
    step(x, y)
    new = nn.Linear(16, 3, generator=5)
    model[2] = new
    opt.add_param_group({"params": list(new.parameters())})
    before = new.weight.detach().numpy().copy()
    step(x, y)
    assert step.retraces == 1
    assert not np.array_equal(new.weight.detach().numpy(), before)  # the new layer is trained
    step.reset()
    step(x, y)
    assert step.retraces == 1 and len(step._variants) == 1


def test_a_compiled_update_moves_the_versions_as_optimizer_step_does() -> None:
    model, _, step = _tiny()
    x, y = _batch()
    step(x, y)
    for compiled in (True, False):
        out = model(x).sum()  # saves the weights
        if compiled:
            step(x, y)  # writes them in place
        else:
            step.eager(x, y)
        with pytest.raises(RuntimeError, match="inplace"):
            out.backward()


def test_layer_norm_compiles_and_trains_as_eager() -> None:
    """LayerNorm's op keeps its batch statistics for backward: state, not a frozen value."""

    def build() -> tuple[nn.Module, Any]:
        model = nn.Sequential(
            nn.Linear(4, 16, generator=0),
            nn.LayerNorm(16),
            nn.ReLU(),
            nn.Linear(16, 3, generator=1),
        )
        return model, optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    rng = np.random.default_rng(0)
    batches = [
        (
            mg.tensor(rng.standard_normal((8, 4)), dtype=mg.float32),
            mg.tensor(rng.standard_normal((8, 3)), dtype=mg.float32),
        )
        for _ in range(3)
    ]
    me, mc, le, lc = _run_both(build, F.mse_loss, batches, 300)
    _assert_close = np.testing.assert_allclose
    for (name, a), (_, b) in zip(me.named_parameters(), mc.named_parameters()):
        _assert_close(b._data, a._data, rtol=1e-5, atol=1e-6, err_msg=name)
    _assert_close(lc, le, rtol=1e-5, atol=1e-7)
    assert lc[-1] < lc[0] / 2  # it trained
