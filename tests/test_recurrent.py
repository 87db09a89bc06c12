"""The recurrent layers and cells (``nn.RNN``, ``LSTM``, ``GRU`` and their cells) against torch
with the same weights: outputs, final states and every gradient; finite-difference checks;
dropout between layers; the state dict's keys; the errors in PyTorch's words."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

LAYERS = ("RNN", "LSTM", "GRU")
CELLS = ("RNNCell", "LSTMCell", "GRUCell")


def _close(ours: np.ndarray, theirs: np.ndarray) -> None:
    """Equal to rounding: tight in float64, float32's precision otherwise."""
    if ours.dtype == np.float64:
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    else:
        np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=2e-6)


def _pair(name: str, dtype: str, *args: Any, **kw: Any) -> tuple[Any, Any, Any]:
    """A torch module and a minigrad one loaded from its state dict (through NumPy)."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(*args, **kw, dtype=getattr(torch, dtype))
    ours = getattr(nn, name)(*args, **kw, dtype=dtype)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return torch, theirs, ours


def _both(torch: Any, array: np.ndarray) -> tuple[Any, Any]:
    """The same leaf values as a torch tensor and a minigrad tensor, both requiring grad."""
    return torch.tensor(array, requires_grad=True), mg.tensor(array, requires_grad=True)


def _flatten(out: Any) -> list[Any]:
    """(output, h_n) / (output, (h_n, c_n)) / h' / (h', c') as a flat list of tensors."""
    if isinstance(out, tuple | list):
        return [t for o in out for t in _flatten(o)]
    return [out]


def _compare(torch: Any, theirs: Any, ours: Any, x: np.ndarray, states: list[np.ndarray]) -> None:
    """Forward both with the same input and states (None if empty); compare every result,
    then the gradients of a random weighted sum of them for input, states and parameters."""
    dtype = str(x.dtype)
    tx, mx = _both(torch, x)
    pairs = [_both(torch, s) for s in states]
    ts = [p[0] for p in pairs]
    ms = [p[1] for p in pairs]
    lstm = type(ours).__name__.startswith("LSTM")
    t_hx = None if not states else (tuple(ts) if lstm else ts[0])
    m_hx = None if not states else (tuple(ms) if lstm else ms[0])
    t_out, m_out = _flatten(theirs(tx, t_hx)), _flatten(ours(mx, m_hx))
    assert len(t_out) == len(m_out)
    rng = np.random.default_rng(1)
    t_loss: Any = 0
    m_loss: Any = 0
    for t, m in zip(t_out, m_out, strict=True):
        assert tuple(t.shape) == tuple(m.shape)
        assert m.dtype == getattr(mg, dtype)
        _close(m.detach().numpy(), t.detach().numpy())
        w = rng.standard_normal(tuple(t.shape)).astype(dtype)
        t_loss = t_loss + (t * torch.tensor(w)).sum()
        m_loss = m_loss + (m * mg.tensor(w)).sum()
    t_loss.backward()
    m_loss.backward()
    leaves = [(tx, mx), *pairs]
    leaves += [(p, dict(ours.named_parameters())[name]) for name, p in theirs.named_parameters()]
    assert len(leaves) == 1 + len(states) + len(list(ours.parameters()))
    for t, m in leaves:
        assert m.grad is not None, m
        _close(m.grad.numpy(), t.grad.numpy())


def _states(name: str, shape: tuple[int, ...], hidden: int, proj: int = 0) -> list[np.ndarray]:
    """h_0 (and c_0 for an LSTM) of the layer shape (D * layers, N) or cell shape (N,)."""
    rng = np.random.default_rng(2)
    h = rng.standard_normal((*shape, proj or hidden))
    if name.startswith("LSTM"):
        return [h, rng.standard_normal((*shape, hidden))]
    return [h]


# ---------------------------------------------------------------------------------------------
# Against torch


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize(
    "config",
    [
        {},
        {"batch_first": True},
        {"num_layers": 2, "bidirectional": True},
        {"num_layers": 2, "batch_first": True, "bias": False},
    ],
    ids=["plain", "batch_first", "2_layers_bidirectional", "2_layers_batch_first_no_bias"],
)
@pytest.mark.parametrize("given_state", [False, True], ids=["zeros", "h0"])
def test_layer_matches_torch(name: str, dtype: str, config: dict, given_state: bool) -> None:
    torch, theirs, ours = _pair(name, dtype, 3, 4, **config)
    layers = config.get("num_layers", 1) * (2 if config.get("bidirectional") else 1)
    x = np.random.default_rng(0).standard_normal(
        (2, 5, 3) if config.get("batch_first") else (5, 2, 3)
    )
    states = _states(name, (layers, 2), 4) if given_state else []
    _compare(torch, theirs, ours, x.astype(dtype), [s.astype(dtype) for s in states])


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("given_state", [False, True], ids=["zeros", "h0"])
def test_unbatched_layer_matches_torch(name: str, batch_first: bool, given_state: bool) -> None:
    torch, theirs, ours = _pair(name, "float64", 3, 4, num_layers=2, batch_first=batch_first)
    x = np.random.default_rng(0).standard_normal((5, 3))
    states = _states(name, (2,), 4) if given_state else []
    _compare(torch, theirs, ours, x, states)


@pytest.mark.parametrize("name", LAYERS)
def test_long_sequence_matches_torch(name: str) -> None:
    """A longer sequence (23 steps, split by one ``Unbind`` node per layer and direction)."""
    torch, theirs, ours = _pair(name, "float64", 2, 3, bidirectional=True)
    x = np.random.default_rng(0).standard_normal((23, 1, 2))
    _compare(torch, theirs, ours, x, _states(name, (2, 1), 3))


def test_time_steps_are_split_by_one_node_per_layer_and_direction() -> None:
    # Slicing each step of the (L, N, 4H) input products would write each step's gradient
    # into zeros of the whole: L^2 N H in the backward. One Unbind node stacks them at once.
    from minigrad.graph import iter_graph
    from minigrad.unbind import Unbind

    lstm = nn.LSTM(2, 3, num_layers=2, bidirectional=True)
    out, _ = lstm(mg.randn(40, 1, 2))
    nodes = list(iter_graph([out]))
    assert sum(isinstance(n, Unbind) for n in nodes) == 4
    sliced = [n for n in nodes if type(n).__name__ == "GetItem"]
    assert sliced and all(n.inputs[0].ndim == 2 for n in sliced)  # the gates of one step


@pytest.mark.parametrize("name", LAYERS)
def test_second_order_through_the_time_steps(name: str) -> None:
    module = getattr(nn, name)(2, 3, dtype="float64", generator=0)
    x = mg.tensor(np.random.default_rng(3).standard_normal((4, 1, 2)), requires_grad=True)
    assert mg.gradgradcheck(lambda a: module(a)[0], [x])


def test_relu_rnn_matches_torch() -> None:
    torch, theirs, ours = _pair("RNN", "float64", 3, 4, 2, "relu", bidirectional=True)
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    _compare(torch, theirs, ours, x, _states("RNN", (4, 2), 4))


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_projection_matches_torch(dtype: str, bidirectional: bool) -> None:
    torch, theirs, ours = _pair(
        "LSTM", dtype, 3, 4, num_layers=2, proj_size=2, bidirectional=bidirectional
    )
    layers = 4 if bidirectional else 2
    x = np.random.default_rng(0).standard_normal((5, 2, 3)).astype(dtype)
    states = [s.astype(dtype) for s in _states("LSTM", (layers, 2), 4, proj=2)]
    _compare(torch, theirs, ours, x, states)
    _compare(torch, theirs, ours, x, [])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("given_state", [False, True], ids=["zeros", "h0"])
def test_cell_matches_torch(name: str, dtype: str, bias: bool, given_state: bool) -> None:
    torch, theirs, ours = _pair(name, dtype, 3, 4, bias=bias)
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(dtype)
    states = [s.astype(dtype) for s in _states(name, (2,), 4)] if given_state else []
    _compare(torch, theirs, ours, x, states)


@pytest.mark.parametrize("name", CELLS)
def test_unbatched_cell_matches_torch(name: str) -> None:
    torch, theirs, ours = _pair(name, "float64", 3, 4)
    x = np.random.default_rng(0).standard_normal(3)
    _compare(torch, theirs, ours, x, _states(name, (), 4))
    _compare(torch, theirs, ours, x, [])


def test_relu_cell_matches_torch() -> None:
    torch, theirs, ours = _pair("RNNCell", "float64", 3, 4, nonlinearity="relu")
    x = np.random.default_rng(0).standard_normal((2, 3))
    _compare(torch, theirs, ours, x, _states("RNNCell", (2,), 4))


@pytest.mark.parametrize("name", LAYERS + CELLS)
def test_state_dict_keys_and_shapes_are_torchs(name: str) -> None:
    torch = pytest.importorskip("torch")
    if name in LAYERS:
        kw: dict[str, Any] = {"num_layers": 2, "bidirectional": True}
        if name == "LSTM":
            kw["proj_size"] = 2
        theirs, ours = getattr(torch.nn, name)(3, 4, **kw), getattr(nn, name)(3, 4, **kw)
    else:
        theirs, ours = getattr(torch.nn, name)(3, 4), getattr(nn, name)(3, 4)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()
    ]
    assert repr(ours) == repr(theirs)
    no_bias = getattr(torch.nn, name)(3, 4, bias=False)
    assert list(getattr(nn, name)(3, 4, bias=False).state_dict()) == list(no_bias.state_dict())


@pytest.mark.parametrize("name", LAYERS + CELLS)
def test_init_is_uniform_within_one_over_sqrt_hidden(name: str) -> None:
    module = getattr(nn, name)(3, 16, generator=0)
    values = np.concatenate([p.detach().numpy().ravel() for p in module.parameters()])
    assert np.abs(values).max() <= 0.25 and np.abs(values).max() > 0.24
    again = getattr(nn, name)(3, 16, generator=0)
    for p, q in zip(module.parameters(), again.parameters(), strict=True):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    assert all(p.dtype == mg.float32 for p in module.parameters())


def test_repr_of_options() -> None:
    torch = pytest.importorskip("torch")
    cases: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((3, 4), {"nonlinearity": "relu"}),
        ((3, 4, 2), {"batch_first": True, "dropout": 0.5, "bias": False}),
    ]
    for args, kw in cases:
        assert repr(nn.RNN(*args, **kw)) == repr(torch.nn.RNN(*args, **kw))
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == repr(
        torch.nn.RNNCell(3, 4, nonlinearity="relu")
    )


# ---------------------------------------------------------------------------------------------
# Finite differences


def _with_parameter(module: Any, name: str, fn: Any) -> Any:
    """``fn(x, w)`` runs ``module`` with its parameter ``name`` replaced by ``w``."""

    def run(x: Any, w: Any) -> Any:
        saved = module._parameters[name]
        module._parameters[name] = w
        try:
            return fn(module(x))
        finally:
            module._parameters[name] = saved

    return run


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_gradcheck_input_and_parameter(name: str) -> None:
    module = getattr(nn, name)(2, 3, num_layers=2, bidirectional=True, dtype="float64", generator=0)
    rng = np.random.default_rng(0)
    x = mg.from_numpy(rng.standard_normal((2, 4, 3)).transpose(2, 1, 0)).requires_grad_()
    assert not x.detach().numpy().flags.c_contiguous  # (3, 4, 2) seen through a transpose
    w = mg.tensor(module.weight_hh_l1_reverse.detach().numpy().copy(), requires_grad=True)
    b = mg.tensor(module.bias_ih_l0.detach().numpy().copy(), requires_grad=True)
    assert mg.gradcheck(_with_parameter(module, "weight_hh_l1_reverse", _flatten), [x, w])
    assert mg.gradcheck(_with_parameter(module, "bias_ih_l0", _flatten), [x, b])


@pytest.mark.parametrize("name", ["LSTMCell", "GRUCell"])
def test_gradcheck_cell(name: str) -> None:
    cell = getattr(nn, name)(2, 3, dtype="float64", generator=0)
    rng = np.random.default_rng(0)
    x = mg.from_numpy(rng.standard_normal((2, 4)).T).requires_grad_()  # (4, 2), non-contiguous
    assert not x.detach().numpy().flags.c_contiguous
    h = mg.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    c = mg.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    if name == "LSTMCell":
        assert mg.gradcheck(lambda x, h, c: _flatten(cell(x, (h, c))), [x, h, c])
    else:
        assert mg.gradcheck(lambda x, h: cell(x, h), [x, h])
    w = mg.tensor(cell.weight_hh.detach().numpy().copy(), requires_grad=True)
    assert mg.gradcheck(_with_parameter(cell, "weight_hh", _flatten), [x, w])


# ---------------------------------------------------------------------------------------------
# Dropout between layers


def test_dropout_between_layers_only_in_training_and_seeded() -> None:
    x = mg.randn(6, 2, 3, dtype=mg.float64)
    model = nn.LSTM(3, 8, num_layers=3, dropout=0.5, dtype="float64", generator=0)
    plain = nn.LSTM(3, 8, num_layers=3, dtype="float64", generator=0)
    model.eval()
    expected = plain(x)[0].detach().numpy()
    np.testing.assert_array_equal(model(x)[0].detach().numpy(), expected)  # off in eval
    model.train()
    mg.manual_seed(3)
    a = model(x)[0].detach().numpy()
    mg.manual_seed(3)
    b = model(x)[0].detach().numpy()
    np.testing.assert_array_equal(a, b)  # reproducible from a seed
    assert not np.allclose(a, expected)  # and really applied in training
    mg.manual_seed(4)
    assert not np.allclose(model(x)[0].detach().numpy(), a)


def test_dropout_of_one_layer_warns_as_torch() -> None:
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.GRU(3, 4, dropout=0.5)


# ---------------------------------------------------------------------------------------------
# Errors, in PyTorch's words


def _torch_error(fn: Any) -> tuple[type, str]:
    try:
        fn()
    except Exception as e:  # (whatever torch raises is the reference)
        return type(e), str(e)
    raise AssertionError("torch raised nothing")


def _same_error(ours: Any, theirs: Any) -> None:
    """minigrad raises torch's exception type with torch's message first."""
    kind, message = _torch_error(theirs)
    with pytest.raises(kind) as info:
        ours()
    assert str(info.value).startswith(message), (str(info.value), message)


def _layer_call_cases() -> list[tuple[str, str, tuple, Any]]:
    """(layer, case, input shape, state shapes or None)."""
    return [
        ("LSTM", "4-D input", (2, 2, 2, 3), None),
        ("RNN", "4-D input", (2, 2, 2, 3), None),
        ("GRU", "1-D input", (3,), None),
        ("LSTM", "input size", (5, 2, 2), None),
        ("GRU", "unbatched input size", (5, 2), None),
        ("LSTM", "h0 size", (5, 2, 3), [(2, 2, 4), (1, 2, 4)]),
        ("LSTM", "c0 size", (5, 2, 3), [(1, 2, 4), (1, 3, 4)]),
        ("LSTM", "2-D h0 for batched", (5, 2, 3), [(2, 4), (1, 3, 4)]),
        ("LSTM", "3-D h0 for unbatched", (5, 3), [(1, 2, 4), (1, 3, 4)]),
        ("GRU", "h0 batch", (5, 2, 3), [(1, 3, 4)]),
        ("GRU", "2-D h0 for batched", (5, 2, 3), [(3, 4)]),
        ("RNN", "3-D h0 for unbatched", (5, 3), [(1, 1, 4)]),
        ("RNN", "unbatched h0 layers", (5, 3), [(2, 4)]),
        ("GRU", "empty sequence", (0, 2, 3), None),
    ]


@pytest.mark.parametrize(
    "name, case, shape, states",
    _layer_call_cases(),
    ids=[c[1] + "-" + c[0] for c in _layer_call_cases()],
)
def test_call_errors_are_torchs(name: str, case: str, shape: tuple, states: Any) -> None:
    torch = pytest.importorskip("torch")
    theirs, ours = getattr(torch.nn, name)(3, 4), getattr(nn, name)(3, 4)

    def call(lib: Any, module: Any) -> Any:
        x = lib.zeros(shape)
        if states is None:
            return lambda: module(x)
        hx = [lib.zeros(s) for s in states]
        return lambda: module(x, tuple(hx) if name == "LSTM" else hx[0])

    _same_error(call(mg, ours), call(torch, theirs))


def test_input_dtype_error_is_torchs() -> None:
    torch = pytest.importorskip("torch")
    for name in LAYERS:
        _same_error(
            lambda n=name: getattr(nn, n)(3, 4)(mg.zeros(5, 2, 3, dtype=mg.float64)),
            lambda n=name: getattr(torch.nn, n)(3, 4)(torch.zeros(5, 2, 3, dtype=torch.float64)),
        )


def test_state_dtype_error_is_torchs() -> None:
    torch = pytest.importorskip("torch")
    _same_error(
        lambda: nn.RNN(3, 4)(mg.zeros(5, 2, 3), mg.zeros(1, 2, 4, dtype=mg.float64)),
        lambda: torch.nn.RNN(3, 4)(torch.zeros(5, 2, 3), torch.zeros(1, 2, 4, dtype=torch.float64)),
    )


@pytest.mark.parametrize(
    "args, kw",
    [
        ((3, 4), {"dropout": 1.5}),
        ((3, 4), {"dropout": -0.1}),
        ((3, 4), {"dropout": True}),
        ((3, 4), {"dropout": "0.5"}),
        ((3, 0), {}),
        ((3, -1), {}),
        ((3, 2.0), {}),
        ((0, 2), {}),
        ((3, 2), {"num_layers": 0}),
        ((3, 2), {"proj_size": 2}),
        ((3, 2), {"proj_size": -1}),
        ((3, 2), {"nonlinearity": "sigmoid"}),
    ],
)
def test_constructor_errors_are_torchs(args: tuple, kw: dict) -> None:
    torch = pytest.importorskip("torch")
    name = "LSTM" if "proj_size" in kw else "RNN"
    _same_error(
        lambda: getattr(nn, name)(*args, **kw), lambda: getattr(torch.nn, name)(*args, **kw)
    )


def test_lstm_state_must_be_a_pair() -> None:
    lstm = nn.LSTM(3, 4)
    x = mg.zeros(5, 2, 3)
    with pytest.raises(
        TypeError, match=r"LSTM: hx must be a tuple \(h_0, c_0\) of two Tensors, not Tensor"
    ):
        lstm(x, mg.zeros(1, 2, 4))
    with pytest.raises(TypeError, match="not tuple of length 1"):
        lstm(x, (mg.zeros(1, 2, 4),))
    with pytest.raises(TypeError, match="must be a Tensor, not tuple"):
        nn.GRU(3, 4)(x, (mg.zeros(1, 2, 4),))


@pytest.mark.parametrize("name", LAYERS)
def test_input_that_is_not_a_tensor_is_refused_clearly(name: str) -> None:
    with pytest.raises(TypeError, match="must be a Tensor, got list; pass a Tensor of shape"):
        getattr(nn, name)(3, 4)([[0.0, 1.0, 2.0]])
    with pytest.raises(TypeError, match="or a PackedSequence"):
        getattr(nn, name)(3, 4)(np.zeros((5, 2, 3), dtype=np.float32))


@pytest.mark.parametrize(
    "name, input_shape, states",
    [
        ("RNNCell", (2, 2, 3), None),
        ("RNNCell", (2, 5), None),
        ("RNNCell", (2, 3), [(3, 4)]),
        ("RNNCell", (2, 3), [(2, 5)]),
        ("RNNCell", (2, 3), [(1, 2, 4)]),
        ("RNNCell", (3,), [(2, 4)]),
        ("RNNCell", (3,), [(1, 4)]),
        ("RNNCell", (2, 3), [(4,)]),
        ("GRUCell", (2, 3), [(2, 5)]),
        ("GRUCell", (4,), None),
        ("LSTMCell", (2, 3), [(2, 4), (2, 5)]),
        ("LSTMCell", (2, 3), [(2, 4), (3, 4)]),
        ("LSTMCell", (2, 3), [(2, 4), (2, 2, 4)]),
        ("LSTMCell", (3,), [(4,), (1, 4)]),
    ],
)
def test_cell_errors_are_torchs(name: str, input_shape: tuple, states: Any) -> None:
    torch = pytest.importorskip("torch")
    theirs, ours = getattr(torch.nn, name)(3, 4), getattr(nn, name)(3, 4)

    def call(lib: Any, module: Any) -> Any:
        x = lib.zeros(input_shape)
        if states is None:
            return lambda: module(x)
        hx = [lib.zeros(s) for s in states]
        return lambda: module(x, tuple(hx) if name == "LSTMCell" else hx[0])

    _same_error(call(mg, ours), call(torch, theirs))


def test_cell_dtype_errors_are_torchs() -> None:
    torch = pytest.importorskip("torch")
    for bias in (True, False):
        _same_error(
            lambda b=bias: nn.RNNCell(3, 4, bias=b)(mg.zeros(5, 3, dtype=mg.float64)),
            lambda b=bias: torch.nn.RNNCell(3, 4, bias=b)(torch.zeros(5, 3, dtype=torch.float64)),
        )


def test_cell_misuse() -> None:
    with pytest.raises(
        ValueError, match=re.escape("Unknown nonlinearity 'x'. Select from 'tanh' or 'relu'.")
    ):
        nn.RNNCell(3, 4, nonlinearity="x")
    with pytest.raises(
        TypeError,
        match=re.escape("lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not"),
    ):
        nn.LSTMCell(3, 4)(mg.zeros(2, 3), mg.zeros(2, 4))
    with pytest.raises(TypeError, match="RNNCell: input must be a Tensor, got list"):
        nn.RNNCell(3, 4)([1.0, 2.0, 3.0])


def test_misuse_raises_before_any_change() -> None:
    lstm = nn.LSTM(3, 4, generator=0)
    before = {
        k: v.copy() for k, v in ((k, p.detach().numpy()) for k, p in lstm.state_dict().items())
    }
    with pytest.raises(RuntimeError):
        lstm(mg.zeros(5, 2, 3), (mg.zeros(1, 2, 4), mg.zeros(1, 3, 4)))
    for k, p in lstm.state_dict().items():
        np.testing.assert_array_equal(p.detach().numpy(), before[k])


def test_a_missing_rnn_utility_names_itself() -> None:
    with pytest.raises(
        AttributeError, match=re.escape("does not have torch.nn.utils.rnn.invert_permutation")
    ):
        nn.utils.rnn.invert_permutation
    with pytest.raises(AttributeError, match=re.escape("does not have torch.nn.utils.stateless")):
        nn.utils.stateless


@pytest.mark.parametrize("name", LAYERS + CELLS)
def test_default_dtype_and_casts(name: str) -> None:
    mg.set_default_dtype(mg.float64)
    try:
        module = getattr(nn, name)(3, 4)
    finally:
        mg.set_default_dtype(mg.float32)
    assert {p.dtype for p in module.parameters()} == {mg.float64}
    module.float()
    x = mg.randn(5, 3)
    out = _flatten(module(x))
    assert {t.dtype for t in out} == {mg.float32}
    module.double()
    assert {t.dtype for t in _flatten(module(x.double()))} == {mg.float64}
