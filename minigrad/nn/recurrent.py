"""Recurrent layers as ``torch.nn`` has them: ``RNN``, ``LSTM``, ``GRU`` and their one-step cells.

Everything is composed of existing ops (``linear``, ``sigmoid``, ``tanh``, ``relu``, slicing,
``stack``/``cat``, and ``unbind.Unbind`` to split the input's products into time steps), so
gradients need no rule of their own. Parameter names, shapes, gate order
and initialisation are PyTorch's: a torch state dict (as NumPy arrays) loads and gives torch's
outputs.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..device import as_device
from ..dtypes import default_float, torch_name
from ..functions import cat, linear, stack, where
from ..random import GeneratorLike, as_generator
from ..tensor import Tensor, _new_tensor
from ..unbind import unbind
from . import functional as F
from . import init
from .module import Module, Parameter, _param
from .utils.rnn import PackedSequence, _padded

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNBase", "RNNCell", "RNNCellBase"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}

_INPUTS = (
    "pass a Tensor of shape (L, N, H_in) ((N, L, H_in) with batch_first=True) or (L, H_in), "
    "or a PackedSequence (nn.utils.rnn.pack_padded_sequence)"
)


# ---------------------------------------------------------------------------------------------
# One time step of each kind. ``xw`` is the input's product x @ W_ih^T + b_ih, computed for all
# steps at once by the layers (one matrix product per layer and direction); only the
# hidden-to-hidden product is left to the loop over time.


def _rnn_step(
    xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None, nonlinearity: str
) -> Tensor:
    """h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act tanh or relu."""
    pre = xw + linear(h, w_hh, b_hh)
    return pre.tanh() if nonlinearity == "tanh" else pre.relu()


def _lstm_step(
    xw: Tensor, h: Tensor, c: Tensor, w_hh: Tensor, b_hh: Tensor | None, w_hr: Tensor | None
) -> tuple[Tensor, Tensor]:
    """Gates i, f, g, o (PyTorch's order) from x and h; c' = f c + i g, h' = o tanh(c'),
    projected by W_hr when there is one."""
    i, f, g, o = (xw + linear(h, w_hh, b_hh)).chunk(4, 1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    return (h if w_hr is None else linear(h, w_hr)), c


def _gru_step(xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """Gates r, z, n (PyTorch's order): r and z from x and h, n = tanh(x_n + r (h W_hn^T +
    b_hn)); h' = n + z (h - n), PyTorch's form of (1 - z) n + z h."""
    xr, xz, xn = xw.chunk(3, 1)
    hr, hz, hn = linear(h, w_hh, b_hh).chunk(3, 1)
    r = (xr + hr).sigmoid()
    z = (xz + hz).sigmoid()
    n = (xn + r * hn).tanh()
    return n + z * (h - n)


def _unknown(nonlinearity: Any) -> str:
    return f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."


def _dims(t: Tensor) -> str:
    return f"{t.ndim}-D"


def _size(shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(n) for n in shape) + "]"


def _check_dtype(input: Tensor, weight: Tensor) -> None:
    """PyTorch's refusal of an input whose dtype is not the weights' (products do not
    promote)."""
    if input._data.dtype != weight._data.dtype:
        a, w = (f"torch.{np.dtype(d).name}" for d in (input._data.dtype, weight._data.dtype))
        raise ValueError(
            f"RNN input dtype ({a}) does not match weight dtype ({w}). Convert input: "
            f"input.to({w}), or convert model: model.to({a})"
        )


def _check_state_dtype(state: Tensor, weight: Tensor, name: str) -> None:
    """A hidden state of another dtype than the weights: PyTorch's product error."""
    if state._data.dtype != weight._data.dtype:
        raise RuntimeError(
            "mat1 and mat2 must have the same dtype, but got "
            f"{torch_name(state._data.dtype)} and {torch_name(weight._data.dtype)} ({name}: "
            f"the initial state has another dtype than the weights; convert it first, e.g. "
            "h0.to(weight.dtype))"
        )


def _steps(xw: Tensor) -> list[Tensor]:
    """The time steps of (L, N, G) ``xw``, recorded as one ``Unbind`` node: its backward stacks
    the L steps' gradients in one pass, L N G in all (a slice's backward writes its gradient
    into zeros of the whole of ``xw``, so slicing each step would cost L^2 N G)."""
    return unbind(xw, 0)


# ---------------------------------------------------------------------------------------------
# The layers


class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: the parameters of each layer and direction,
    the checks of the input and initial state, and the loop over layers, directions and time.

    Args:
        mode: ``"RNN_TANH"``, ``"RNN_RELU"``, ``"LSTM"`` or ``"GRU"``.
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
            proj_size, device, dtype: as in ``LSTM``.
        generator: a ``minigrad.Generator``, a NumPy generator or an int seed for the
            initialisation.
    """

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
    ) -> None:
        super().__init__()
        as_device(device)
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        # PyTorch's checks, in its order and words
        if (
            not isinstance(dropout, numbers.Number)
            or isinstance(dropout, bool)
            or not 0 <= dropout <= 1
        ):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of "
                "an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=3,
            )
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        dt = np.dtype(default_float() if dtype is None else dtype)
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        directions = 2 if bidirectional else 1
        names: list[str] = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes: list[tuple[str, tuple[int, ...]]] = [
                    ("weight_ih", (gate_size, layer_input)),
                    ("weight_hh", (gate_size, real_hidden)),
                ]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in shapes:
                    self.register_parameter(name + suffix, Parameter(np.empty(shape, dtype=dt)))
                    names.append(name + suffix)
        self._flat_weights_names = names
        self.reset_parameters(generator)

    def reset_parameters(self, generator: GeneratorLike = None) -> None:
        """PyTorch's initialisation: every weight and bias from U(-1/sqrt(hidden_size),
        1/sqrt(hidden_size)), drawn in the order of ``named_parameters``."""
        gen = as_generator(generator)  # one stream for all, even from an int seed
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for p in self.parameters():
            init.uniform_(p, -stdv, stdv, generator=gen)

    def flatten_parameters(self) -> None:
        """PyTorch's compaction of the weights into one block for cuDNN: nothing to do on the
        CPU (kept so that code calling it runs unchanged)."""

    @property
    def _flat_weights(self) -> list[Tensor]:
        return [_param(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters grouped by layer and direction, as PyTorch's ``all_weights``."""
        weights: list[Any] = self._flat_weights
        per = len(weights) // (self.num_layers * (2 if self.bidirectional else 1))
        return [weights[i : i + per] for i in range(0, len(weights), per)]

    def _layer_params(self, layer: int, direction: int) -> Iterator[Tensor | None]:
        suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"):
            yield _param(self, name + suffix)

    def _state_shapes(self, batch: int) -> list[tuple[int, ...]]:
        """The shapes of h_0 (and c_0 for an LSTM) for a batch of ``batch``."""
        layers = self.num_layers * (2 if self.bidirectional else 1)
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        shapes: list[tuple[int, ...]] = [(layers, batch, real_hidden)]
        if self.mode == "LSTM":
            shapes.append((layers, batch, self.hidden_size))
        return shapes

    def _check_input(self, input: Any) -> tuple[Tensor, bool]:
        """The input as a Tensor and whether it is batched, or PyTorch's error."""
        name = self._get_name()
        if not isinstance(input, Tensor):
            raise TypeError(
                f"{name}: input must be a Tensor, got {type(input).__name__}; {_INPUTS}"
            )
        if input.ndim not in (2, 3):
            # (PyTorch's RNN says "4D tensor instead" where its LSTM and GRU say "4D instead")
            got = f"{input.ndim}D tensor" if self.mode.startswith("RNN") else f"{input.ndim}D"
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {got} instead")
        return input, input.ndim == 3

    def _check_states(self, input: Tensor, states: list[Tensor], batched: bool, batch: int) -> None:
        """PyTorch's checks of the input's dtype and size, then of the initial states (for
        ``batch`` sequences)."""
        weight = self._flat_weights[0]
        _check_dtype(input, weight)
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                "input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {input.shape[-1]}"
            )
        expected = self._state_shapes(batch)
        for i, (state, shape) in enumerate(zip(states, expected, strict=False)):
            got = state.shape if batched else (state.shape[0], 1, *state.shape[1:])
            if got != shape:
                which = "hidden" if len(states) == 1 else f"hidden[{i}]"
                raise RuntimeError(
                    f"Expected {which} size {shape}, got {_size(state.shape if batched else got)}"
                )
            _check_state_dtype(state, weight, self._get_name())

    def _initial_states(self, hx: Any, batched: bool) -> list[Tensor] | None:
        """``hx`` as a list of Tensors (h_0, and c_0 for an LSTM), after PyTorch's checks of
        their number of dimensions; None when not given."""
        if hx is None:
            return None
        name = self._get_name()
        if self.mode == "LSTM":
            if not isinstance(hx, tuple | list) or len(hx) != 2:
                raise TypeError(
                    f"{name}: hx must be a tuple (h_0, c_0) of two Tensors, not "
                    f"{type(hx).__name__}"
                    + (f" of length {len(hx)}" if isinstance(hx, tuple | list) else "")
                )
            states = list(hx)
        else:
            states = [hx]
        for s in states:
            if not isinstance(s, Tensor):
                raise TypeError(
                    f"{name}: the initial state hx must be a Tensor, not {type(s).__name__}"
                )
        want = 3 if batched else 2
        if any(s.ndim != want for s in states):
            kind = "batched 3-D" if batched else "unbatched 2-D"
            if self.mode == "LSTM":
                got = f"({_dims(states[0])}, {_dims(states[1])}) tensors"
                raise RuntimeError(
                    f"For {kind} input, hx and cx should also be {want}-D but got {got}"
                )
            raise RuntimeError(
                f"For {kind} input, hx should also be {want}-D but got {_dims(states[0])} tensor"
            )
        return states

    def _run(self, input: Any, hx: Any) -> tuple[Any, list[Tensor]]:
        """Check, then run every layer and direction over time; returns the output and the
        final states (h_n, and c_n for an LSTM) in the caller's layout."""
        if isinstance(input, PackedSequence):
            return self._run_packed(input, hx)
        x, batched = self._check_input(input)
        states = self._initial_states(hx, batched)
        batch = (x.shape[0] if self.batch_first else x.shape[1]) if batched else 1
        self._check_states(x, states or [], batched, batch)
        if not batched:
            x = x.unsqueeze(1)
            states = None if states is None else [s.unsqueeze(1) for s in states]
        elif self.batch_first:
            x = x.transpose(0, 1)
        if x.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        x, final = self._layers(x, states, None)
        if not batched:
            return x.squeeze(1), [f.squeeze(1) for f in final]
        return (x.transpose(0, 1) if self.batch_first else x), final

    def _run_packed(self, input: PackedSequence, hx: Any) -> tuple[PackedSequence, list[Tensor]]:
        """The layers over packed sequences (time-major whatever ``batch_first`` says, as in
        PyTorch): run on the padded batch, each sequence's state held once it has ended (or,
        in reverse, until it starts), so ``h_n`` is every sequence's state at its own end."""
        if input.data.ndim != 2:
            raise RuntimeError(
                f"input must have 2 dimensions, got {input.data.ndim} (the data of a "
                "PackedSequence is (steps of all sequences, H_in))"
            )
        x, mask = _padded(input, 0.0, len(input.batch_sizes._data))
        states = self._initial_states(hx, True)
        self._check_states(x, states or [], True, x.shape[1])
        if states is not None and input.sorted_indices is not None:  # into packed order
            states = [s.index_select(1, input.sorted_indices) for s in states]
        out, final = self._layers(x, states, mask)
        if input.unsorted_indices is not None:  # back into the caller's order
            final = [f.index_select(1, input.unsorted_indices) for f in final]
        return input._replace(data=out[_new_tensor(mask, None)]), final

    def _layers(
        self, x: Tensor, states: list[Tensor] | None, valid: np.ndarray | None
    ) -> tuple[Tensor, list[Tensor]]:
        """Every layer and direction over (L, N, H_in) ``x``: the output (L, N, D * H_out)
        and the final states, each (D * num_layers, N, H). ``valid`` (L, N), if given, says
        which time steps each sequence has."""
        dtype = self._flat_weights[0]._data.dtype
        if states is None:
            states = [
                _new_tensor(np.zeros(s, dtype=dtype), None) for s in self._state_shapes(x.shape[1])
            ]
        directions = 2 if self.bidirectional else 1
        finals: list[list[Tensor]] = [[] for _ in states]
        for layer in range(self.num_layers):
            outs = []
            for direction in range(directions):
                k = layer * directions + direction
                out, last = self._direction(x, [s[k] for s in states], layer, direction, valid)
                outs.append(out)
                for f, s in zip(finals, last, strict=True):
                    f.append(s)
            x = outs[0] if directions == 1 else cat(outs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, [stack(f, 0) for f in finals]

    def _direction(
        self,
        x: Tensor,
        states: list[Tensor],
        layer: int,
        direction: int,
        valid: np.ndarray | None = None,
    ) -> tuple[Tensor, list[Tensor]]:
        """One layer in one direction over (L, N, H_in) input: the input products of all
        steps in one product, then the loop over time. Where ``valid[t]`` is False a sequence
        keeps its state: it has ended (forward) or not yet begun (reverse)."""
        w_ih, w_hh, b_ih, b_hh, w_hr = self._layer_params(layer, direction)
        assert w_ih is not None and w_hh is not None
        xw = _steps(linear(x, w_ih, b_ih))
        order = range(len(xw)) if direction == 0 else range(len(xw) - 1, -1, -1)
        outs: list[Any] = [None] * len(xw)
        step = self._step(w_hh, b_hh, w_hr)
        for t in order:
            new = step(xw[t], states)
            if valid is None or valid[t].all():
                states = new
            else:
                keep = _new_tensor(valid[t][:, None], None)
                states = [where(keep, n, s) for n, s in zip(new, states, strict=True)]
            outs[t] = states[0]
        return stack(outs, 0), states

    def _step(
        self, w_hh: Tensor, b_hh: Tensor | None, w_hr: Tensor | None
    ) -> Callable[[Tensor, list[Tensor]], list[Tensor]]:
        mode = self.mode
        if mode == "LSTM":
            return lambda xw, s: list(_lstm_step(xw, s[0], s[1], w_hh, b_hh, w_hr))
        if mode == "GRU":
            return lambda xw, s: [_gru_step(xw, s[0], w_hh, b_hh)]
        act = "tanh" if mode == "RNN_TANH" else "relu"
        return lambda xw, s: [_rnn_step(xw, s[0], w_hh, b_hh, act)]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


def _no_projection(proj_size: int | None) -> None:
    """PyTorch's RNN and GRU take ``proj_size`` only to refuse it: it is LSTM's."""
    if proj_size is not None:
        raise ValueError(
            "proj_size argument is only supported for LSTM, not RNN or GRU (an LSTM projects "
            "its hidden state: nn.LSTM(..., proj_size=...))"
        )


class RNN(RNNBase):
    """Elman RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act tanh or relu.

    Call with input (L, N, H_in) (or (N, L, H_in) with ``batch_first=True``, or unbatched
    (L, H_in)) and an optional h_0 (D * num_layers, N, H_out); returns ``(output, h_n)``:
    output (L, N, D * H_out), the last layer's h_t for every t, and h_n the final state of
    every layer and direction (D = 2 if bidirectional else 1).

    Args:
        input_size: size of each step's input features.
        hidden_size: size of the hidden state.
        num_layers: stacked layers, each reading the previous one's output.
        nonlinearity: ``"tanh"`` or ``"relu"``.
        bias: whether to learn b_ih and b_hh.
        batch_first: input and output as (N, L, H) instead of (L, N, H) (not h_n).
        dropout: probability of dropout on the outputs of every layer but the last, in
            training only.
        bidirectional: also run each layer backwards in time and join the two outputs.
        device: only the CPU.
        dtype: parameter dtype (by default ``get_default_dtype()``).
        generator: a generator or int seed for the initialisation.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
        *,
        proj_size: int | None = None,
    ) -> None:
        _no_projection(proj_size)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(
            mode,
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device=device,
            dtype=dtype,
            generator=generator,
        )
        self.nonlinearity = nonlinearity

    def forward(self, input: Any, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        """(output, h_n) for ``input`` (a Tensor, or a PackedSequence giving a PackedSequence)
        from the initial state ``hx`` (zeros if None)."""
        output, (h_n,) = self._run(input, hx)
        return output, h_n


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o = sigma, sigma, tanh, sigma of
    x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh (in that order in the weights' rows);
    c_t = f c_{t-1} + i g, h_t = o tanh(c_t) (times W_hr^T with ``proj_size``).

    Call with input (L, N, H_in) (or (N, L, H_in) with ``batch_first=True``, or unbatched
    (L, H_in)) and an optional tuple (h_0, c_0) of shapes (D * num_layers, N, H_out) and
    (D * num_layers, N, hidden_size); returns ``(output, (h_n, c_n))``, output of shape
    (L, N, D * H_out). H_out is ``proj_size`` if set, else ``hidden_size``.

    Args:
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
            device, dtype, generator: as in ``RNN``.
        proj_size: if > 0, h_t is projected to this size by ``weight_hr_l{k}``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
    ) -> None:
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
            device,
            dtype,
            generator,
        )

    def forward(
        self, input: Any, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Any, tuple[Tensor, Tensor]]:
        """(output, (h_n, c_n)) for ``input`` (a Tensor, or a PackedSequence giving a
        PackedSequence) from ``hx = (h_0, c_0)`` (zeros if None)."""
        output, (h_n, c_n) = self._run(input, hx)
        return output, (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit: r = sigma(x W_ir^T + b_ir + h W_hr^T + b_hr), z likewise,
    n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)), h_t = (1 - z) n + z h_{t-1}; the rows
    of the weights are in the order r, z, n.

    Call and results as ``RNN``: ``(output, h_n)``.

    Args:
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
            device, dtype, generator: as in ``RNN``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
        *,
        proj_size: int | None = None,
    ) -> None:
        _no_projection(proj_size)
        super().__init__(
            "GRU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            device,
            dtype,
            generator,
        )

    def forward(self, input: Any, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        """(output, h_n) for ``input`` (a Tensor, or a PackedSequence giving a PackedSequence)
        from the initial state ``hx`` (zeros if None)."""
        output, (h_n,) = self._run(input, hx)
        return output, h_n


# ---------------------------------------------------------------------------------------------
# The cells: one time step, for loops written by the user


class RNNCellBase(Module):
    """What the cells share: ``weight_ih`` (G * hidden, input), ``weight_hh`` (G * hidden,
    hidden) and the biases ``bias_ih``, ``bias_hh`` (G * hidden) for G gates, initialised from
    U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)); and the checks of input and state."""

    weight_ih: Parameter
    weight_hh: Parameter
    bias_ih: Parameter | None
    bias_hh: Parameter | None

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        num_chunks: int,
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
    ) -> None:
        super().__init__()
        as_device(device)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        dt = np.dtype(default_float() if dtype is None else dtype)
        g = num_chunks * hidden_size
        self.weight_ih = Parameter(np.empty((g, input_size), dtype=dt))
        self.weight_hh = Parameter(np.empty((g, hidden_size), dtype=dt))
        if bias:
            self.bias_ih = Parameter(np.empty(g, dtype=dt))
            self.bias_hh = Parameter(np.empty(g, dtype=dt))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: GeneratorLike = None) -> None:
        """PyTorch's initialisation: U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) for all."""
        gen = as_generator(generator)
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for p in self.parameters():
            init.uniform_(p, -stdv, stdv, generator=gen)

    def _prepare(self, input: Any, hx: Any, n_states: int) -> tuple[Tensor, list[Tensor], bool]:
        """The input as (N, input_size), the states as (N, hidden_size) (zeros if None) and
        whether the input was batched, after PyTorch's checks."""
        name = self._get_name()
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: input must be a Tensor, got {type(input).__name__}")
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if hx is None:
            states = None
        elif n_states == 2:
            if not isinstance(hx, tuple | list) or len(hx) != 2:
                raise TypeError(
                    f"lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not "
                    f"{type(hx).__name__} ({name}: pass hx=(h, c))"
                )
            states = list(hx)
        else:
            states = [hx]
        for i, s in enumerate(states or []):
            if not isinstance(s, Tensor):
                raise TypeError(f"{name}: hx must be a Tensor, not {type(s).__name__}")
            if s.ndim not in (1, 2):
                what = f"hx[{i}]" if n_states == 2 else "hidden"
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {s.ndim}D instead")
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        if states is not None and not batched:
            states = [s.unsqueeze(0) for s in states]
        if x.shape[1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {x.shape[1]} expected {self.input_size}"
            )
        for i, s in enumerate(states or []):
            if s.shape[0] != x.shape[0]:
                raise RuntimeError(
                    f"Input batch size {x.shape[0]} doesn't match hidden{i} batch size {s.shape[0]}"
                )
            if s.ndim != 2 or s.shape[1] != self.hidden_size:
                raise RuntimeError(
                    f"hidden{i} has inconsistent hidden_size: got {s.shape[1]}, expected "
                    f"{self.hidden_size}"
                )
        # the products refuse another dtype in PyTorch's words (linear's own checks)
        xw = linear(x, self.weight_ih, self.bias_ih)
        if states is None:
            zeros = _new_tensor(
                np.zeros((x.shape[0], self.hidden_size), dtype=xw._data.dtype), None
            )
            states = [zeros] * n_states
        for s in states:
            _check_state_dtype(s, self.weight_hh, name)
        return xw, states, batched

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = self.__dict__.get("nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh).

    Call with input (N, input_size) or (input_size,) and an optional h (N, hidden_size) or
    (hidden_size,) (zeros if None); returns h'.

    Args:
        input_size: size of the input features.
        hidden_size: size of the hidden state.
        bias: whether to learn b_ih and b_hh.
        nonlinearity: ``"tanh"`` or ``"relu"``.
        device: only the CPU.
        dtype: parameter dtype (by default ``get_default_dtype()``).
        generator: a generator or int seed for the initialisation.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
        *,
        proj_size: int | None = None,
    ) -> None:
        _no_projection(proj_size)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        super().__init__(input_size, hidden_size, bias, 1, device, dtype, generator)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """h' from ``input`` and the state ``hx``."""
        xw, (h,), batched = self._prepare(input, hx, 1)
        h = _rnn_step(xw, h, self.weight_hh, self.bias_hh, self.nonlinearity)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One step of an LSTM (gates i, f, g, o as in ``LSTM``): (h', c') from x and (h, c).

    Call with input (N, input_size) or (input_size,) and an optional tuple (h, c) of
    (N, hidden_size) or (hidden_size,) (zeros if None); returns the tuple (h', c').

    Args:
        input_size, hidden_size, bias, device, dtype, generator: as in ``RNNCell``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype, generator)

    def forward(
        self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor]:
        """(h', c') from ``input`` and the state ``hx = (h, c)``."""
        xw, (h, c), batched = self._prepare(input, hx, 2)
        h, c = _lstm_step(xw, h, c, self.weight_hh, self.bias_hh, None)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One step of a GRU (gates r, z, n as in ``GRU``): h' from x and h.

    Call and result as ``RNNCell``.

    Args:
        input_size, hidden_size, bias, device, dtype, generator: as in ``RNNCell``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype, generator)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """h' from ``input`` and the state ``hx``."""
        xw, (h,), batched = self._prepare(input, hx, 1)
        h = _gru_step(xw, h, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)
