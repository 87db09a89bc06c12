"""PyTorch's Tensor methods that move elements without changing them: flips, rolls,
diagonals, tiling and repeating, unbinding, narrowing and moving dims; and the matrix products
as methods (``dot``, ``mm``, ``bmm``, ``outer``, ``addmm``).

``Tensor`` inherits them (through ``TensorSurface``). Each is a composition of indexing,
reshaping, permuting and the products, so its gradient is those ops' rules. Where PyTorch
returns a view (``diagonal``, ``narrow``, ``unbind``, ``movedim``, ``mT``, ``unflatten``) the
composition is one too (slices, reshapes and permutes share memory); where PyTorch copies
(``flip``, ``roll``, ``diag``, ``tile``, ``repeat_interleave``, ``take_along_dim``,
``masked_select``) an integer index copies, where NumPy's negative-step slice would not.
"""

from __future__ import annotations

import builtins
import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from . import ops
from .dims import int_dim, wrap_dim
from .dtypes import not_implemented_for, torch_name
from .engine import TensorMakers
from .inplace import sibling_views
from .node_surface import labelled, shown
from .validation import _no_bool, _raw, _tensor_only, type_name

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["RearrangeMethods"]


def _ints(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Accept ``f(0, 1)`` and ``f((0, 1))`` alike (an int alone stays one)."""
    if len(args) == 1 and isinstance(args[0], tuple | list):
        return tuple(args[0])
    return tuple(args)


def _dims_given(op: str, args: tuple[Any, ...], dims: Any) -> Any:
    """``dims`` given positionally (``args``) or by name, not both."""
    if args and dims is not None:
        raise TypeError(f"{op}() got multiple values for argument 'dims'")
    if not args and dims is None:
        raise TypeError(f'{op}() missing 1 required positional arguments: "dims"')
    return args if args else dims


def _dim_list(t: Any, dims: Any, op: str) -> list[builtins.int]:
    """``dims`` (an int or a sequence of them) checked, made non-negative, none repeated."""
    seq = list(dims) if isinstance(dims, tuple | list) else [dims]
    wrapped = [wrap_dim(d, t._data.ndim, op, t._data.shape) for d in seq]
    for i, d in enumerate(wrapped):
        if d in wrapped[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return wrapped


def _grid(shape: tuple[builtins.int, ...], picks: dict[builtins.int, np.ndarray]) -> tuple:
    """An integer index of ``shape`` taking ``picks[d]`` along the dims it names, every position
    elsewhere: one open grid, so the result keeps the dims in place and is a copy."""
    nd = len(shape)
    index = []
    for d, n in enumerate(shape):
        at = picks.get(d, np.arange(n))
        index.append(at.reshape((1,) * d + (-1,) + (1,) * (nd - d - 1)))
    return tuple(index)


def _copy(t: Any, index: tuple) -> Any:
    """``t[index]`` for an integer ``index`` (a copy); a 0-d tensor is cloned."""
    return t[index] if index else t.clone()


def _int_arg(v: Any, name: str, op: str) -> builtins.int:
    """An integer argument (a Python or NumPy int, or an integer 0-d tensor)."""
    raw = _raw(v)
    kind = np.asarray(raw).dtype.kind
    if isinstance(raw, bool | np.bool_) or np.ndim(raw) != 0 or kind not in "iu":
        raise TypeError(f"{op}(): argument '{name}' must be int, not {type(v).__name__}")
    return builtins.int(raw)


def _size_entry(k: Any, i: builtins.int) -> builtins.int:
    """One of ``unflatten``'s sizes: an int, PyTorch's TypeError for anything else (a float
    such as 2.0 is refused, not truncated)."""
    if isinstance(k, bool | np.bool_) or not isinstance(k, builtins.int | np.integer):
        raise TypeError(
            "unflatten(): argument 'sizes' failed to unpack the object at pos "
            f'{i + 1} with error "type must be tuple of ints,but got {type(k).__name__}"'
        )
    return builtins.int(k)


def _diagonal_positions(
    n: builtins.int, m: builtins.int, offset: builtins.int
) -> tuple[np.ndarray, np.ndarray]:
    """The (row, column) positions of diagonal ``offset`` of an ``n`` x ``m`` matrix."""
    longest = builtins.min(n, m - offset) if offset >= 0 else builtins.min(n + offset, m)
    length = builtins.max(0, longest)
    rows = np.arange(length) + builtins.max(0, -offset)
    return rows, rows + offset


def _int_list(v: Any, name: str, position: builtins.int, op: str = "roll") -> list[builtins.int]:
    """A PyTorch "tuple of ints" argument (roll's ``shifts`` and ``dims``, tile's ``dims``): an
    int, or a tuple or list of them, where a one-element integer or bool tensor counts as an
    int, as PyTorch reads it; anything else (a float, a bool) is refused in PyTorch's words."""
    at = f"{op}(): argument '{name}' (position {position}) must be tuple of ints"

    def entry(e: Any) -> builtins.int | None:
        if hasattr(e, "_data") and e._data.size == 1 and e._data.dtype.kind in "biu":
            return builtins.int(e._data.reshape(()))
        ok = isinstance(e, builtins.int | np.integer) and not isinstance(e, builtins.bool)
        return builtins.int(e) if ok else None

    if not isinstance(v, tuple | list):
        one = entry(v)
        if one is None:
            raise TypeError(f"{at}, not {type_name(v)} (give an int or a tuple of ints)")
        return [one]
    out = [entry(e) for e in v]
    for i, e in enumerate(out):
        if e is None:
            raise TypeError(
                f"{at}, but found element of type {type_name(v[i])} at pos {i} (give ints)"
            )
    return [e for e in out if e is not None]


class RearrangeMethods:
    """The rearranging methods of this module (``Tensor`` inherits them)."""

    __slots__ = ()

    # -- flips and rolls ----------------------------------------------------------------------

    def flip(self: Any, *args: Any, dims: Any = None) -> Tensor:
        """The elements in reverse order along ``dims`` (``flip(0)``, ``flip(0, 1)``,
        ``flip((0, 1))`` or ``flip(dims=(0, 1))``): a copy, as PyTorch's (NumPy's ``flip`` is
        a view)."""
        ds = _dim_list(self, _ints(_dims_given("flip", args, dims)), "flip")
        shape = self._data.shape
        if not shape:  # a 0-d tensor: dim 0 or -1 (checked) flips its one element
            ds = []
        flipped = _copy(self, _grid(shape, {d: np.arange(shape[d])[::-1] for d in ds}))
        return labelled(flipped, "FlipBackward0", self)

    def fliplr(self: Any) -> Tensor:
        """Columns in reverse order: ``flip(1)`` of a tensor with at least 2 dims."""
        if self._data.ndim < 2:
            raise RuntimeError("Input must be >= 2-d.")
        return self.flip(1)

    def flipud(self: Any) -> Tensor:
        """Rows in reverse order: ``flip(0)`` of a tensor with at least 1 dim."""
        if self._data.ndim < 1:
            raise RuntimeError("Input must be >= 1-d.")
        return self.flip(0)

    def roll(self: Any, shifts: Any, dims: Any = None) -> Tensor:
        """The elements shifted by ``shifts`` along ``dims``, those pushed off the end coming
        back at the start; with ``dims=None``, over the flattened tensor (its shape kept).

        One integer index (a copy, as PyTorch's): each output position names its source.
        """
        sh = _int_list(shifts, "shifts", 1)
        ds = [] if dims is None else _int_list(dims, "dims", 2)
        if not sh:
            raise RuntimeError("`shifts` required")
        if dims is None and len(sh) == 1:
            shape = self._data.shape
            n = math.prod(shape)
            if self._data.ndim == 0 or n == 0:
                return self.clone()
            flat = (np.arange(n) - sh[0]) % n
            return labelled(self[np.unravel_index(flat.reshape(shape), shape)], "RollBackward0")
        if len(sh) != len(ds):
            raise RuntimeError(
                f"shifts and dimensions must align. shifts: {len(sh)}, dims:{len(ds)}"
            )
        total: dict[builtins.int, builtins.int] = {}
        for s, d in zip(sh, ds):
            w = wrap_dim(d, self._data.ndim, "roll", self._data.shape)
            total[w] = total.get(w, 0) + s
        shape = self._data.shape
        picks = {d: (np.arange(shape[d]) - s) % builtins.max(shape[d], 1) for d, s in total.items()}
        return labelled(_copy(self, _grid(shape, picks)), "RollBackward0", self)

    # -- diagonals ----------------------------------------------------------------------------

    def diagonal(
        self: Any, offset: builtins.int = 0, dim1: builtins.int = 0, dim2: builtins.int = 1
    ) -> Tensor:
        """The diagonal ``offset`` of the matrices over ``dim1`` and ``dim2``, as the last dim
        (above the main diagonal for ``offset > 0``, below for ``offset < 0``).

        A view, as PyTorch's: the two dims go last, are merged into one, and every
        ``(columns + 1)``-th element is taken (a permute, a reshape and a slice). Where merging
        them needs a copy (a permuted or transposed input), the result is read-only, so a write
        meant for this tensor raises instead of changing the copy alone.
        """
        nd = self._data.ndim
        d1 = wrap_dim(dim1, nd, "diagonal", self._data.shape)
        d2 = wrap_dim(dim2, nd, "diagonal", self._data.shape)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        offset = _int_arg(offset, "offset", "diagonal")
        order = [d for d in range(nd) if d not in (d1, d2)] + [d1, d2]
        y = self if order == list(range(nd)) else self.permute(order)
        *lead, n, m = y._data.shape
        rows, _ = _diagonal_positions(n, m, offset)
        flat = y.reshape(*lead, n * m)
        if flat._base is None and flat._data.size:  # merging copied: see the docstring
            flat._data.flags.writeable = False
        if not len(rows):
            return labelled(flat[..., 0:0], "DiagonalBackward0", self)
        start = rows[0] * m + rows[0] + offset
        out = flat[..., start : start + (len(rows) - 1) * (m + 1) + 1 : m + 1]
        return labelled(out, "DiagonalBackward0", self)  # (PyTorch's one view op)

    def diag(self: Any, diagonal: builtins.int = 0) -> Tensor:
        """Of a 1-D tensor, the square matrix with it on diagonal ``diagonal`` (zeros elsewhere);
        of a 2-D tensor, that diagonal as a 1-D tensor. Both copies, as PyTorch's."""
        nd = self._data.ndim
        if nd not in (1, 2):
            raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")
        k = _int_arg(diagonal, "diagonal", "diag")
        if nd == 2:  # (PyTorch's diag of a matrix is a diagonal_copy, named so)
            n, m = self._data.shape
            return labelled(self[_diagonal_positions(n, m, k)], "DiagonalBackward0_copy", self)
        size = self._data.shape[0] + builtins.abs(k)
        at = _diagonal_positions(size, size, k)
        out = TensorMakers.apply(ops.ScatterAdd(at, (size, size)), self)
        return labelled(out, "DiagEmbedBackward0", self)

    def diag_embed(
        self: Any, offset: builtins.int = 0, dim1: builtins.int = -2, dim2: builtins.int = -1
    ) -> Tensor:
        """Matrices over ``dim1`` and ``dim2`` of the result (one more dim than this tensor)
        with this tensor's last dim on their diagonal ``offset``, zeros elsewhere."""
        nd = self._data.ndim + 1
        shape = self._data.shape
        d1 = wrap_dim(dim1, nd, "diag_embed", shape)
        d2 = wrap_dim(dim2, nd, "diag_embed", shape)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        k = _int_arg(offset, "offset", "diag_embed")
        size = (shape[-1] if shape else 1) + builtins.abs(k)
        rows, cols = _diagonal_positions(size, size, k)
        x = self if shape else self.reshape(1)
        lead = x._data.shape[:-1]
        z = TensorMakers.apply(ops.ScatterAdd((..., rows, cols), (*lead, size, size)), x)
        # z has the matrices last; put their two dims at d1 and d2
        rest = iter(range(nd - 2))
        order = [nd - 2 if d == d1 else nd - 1 if d == d2 else next(rest) for d in range(nd)]
        z = z if order == list(range(nd)) else z.permute(order)
        return labelled(z, "DiagEmbedBackward0", self)

    def trace(self: Any) -> Tensor:
        """The sum of the main diagonal of a matrix (integers summed as int64, as PyTorch; bools
        refused)."""
        _no_bool(self, "trace")
        if self._data.ndim != 2:
            raise RuntimeError(
                f"trace: expected a matrix, but got tensor with dim {self._data.ndim}"
            )
        n, m = self._data.shape
        return labelled(self[_diagonal_positions(n, m, 0)].sum(), "TraceBackward0", self)

    # -- repeating ----------------------------------------------------------------------------

    def tile(self: Any, *args: Any, dims: Any = None) -> Tensor:
        """This tensor repeated ``dims[i]`` times along dim i; fewer ``dims`` than dims are
        padded with ones in front (``tile(2)`` of a matrix repeats its columns): ``repeat``."""
        given = _dims_given("tile", args, dims)
        one = given[0] if given is args and len(args) == 1 else given
        reps = tuple(_int_list(one, "dims", 1, "tile"))
        pad = (1,) * builtins.max(0, self._data.ndim - len(reps))
        return self.repeat(*pad, *reps)

    def repeat_interleave(
        self: Any, repeats: Any, dim: builtins.int | None = None, *, output_size: Any = None
    ) -> Tensor:
        """Each element repeated ``repeats`` times (an int, or a tensor of one count per element)
        along ``dim``, next to itself (``[a, a, b, b]``, where ``repeat`` gives ``[a, b, a, b]``);
        with ``dim=None``, over the flattened tensor. One integer index (a copy)."""
        if dim is not None and not self._data.ndim:
            int_dim(dim, "repeat_interleave", 2)  # (a float dim: PyTorch's TypeError first)
            raise IndexError(
                f"Dimension specified as {dim} but tensor has no dimensions (repeat_interleave(): "
                "a 0-d tensor takes no dim; leave dim=None for a 1-d result)"
            )
        x = self.reshape(-1) if dim is None else self
        d = 0 if dim is None else wrap_dim(dim, x._data.ndim, "repeat_interleave", x._data.shape)
        n = x._data.shape[d] if x._data.ndim else 1
        counts = _repeat_counts(repeats, n)
        at = np.repeat(np.arange(n), counts)
        if output_size is not None and builtins.int(output_size) != len(at):
            raise RuntimeError("allocated size does not match required size")
        out = x[(slice(None),) * d + (at,)] if x._data.ndim else x.reshape(1)[at]
        if hasattr(repeats, "_data"):  # (PyTorch's: an index_select by the repeated positions)
            return labelled(out, "IndexSelectBackward0", x)
        return out

    # -- cutting and moving dims --------------------------------------------------------------

    def unbind(self: Any, dim: builtins.int = 0) -> tuple[Any, ...]:
        """The slices along ``dim``, each without that dim: views, as PyTorch's (which, being
        returned together, refuse a recorded in-place change, as PyTorch's)."""
        int_dim(dim, "unbind", 1)
        if self._data.ndim == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        d = wrap_dim(dim, self._data.ndim, "unbind", self._data.shape)
        views = [self[(slice(None),) * d + (i,)] for i in range(self._data.shape[d])]
        return sibling_views(views, "Unbind")

    def narrow(self: Any, dim: builtins.int, start: Any, length: builtins.int) -> Tensor:
        """The ``length`` entries from ``start`` along ``dim`` (a view: a slice)."""
        int_dim(dim, "narrow", 1)
        if self._data.ndim == 0:
            raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
        d = wrap_dim(dim, self._data.ndim, "narrow", self._data.shape)
        n = self._data.shape[d]
        s = _int_arg(start, "start", "narrow")
        length = _int_arg(length, "length", "narrow")
        if s < -n or s > n:
            raise IndexError(
                f"start out of range (expected to be in range of [{-n}, {n}], but got {s})"
            )
        s = s + n if s < 0 else s
        if length < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        if s + length > n:
            raise RuntimeError(f"start ({s}) + length ({length}) exceeds dimension size ({n}).")
        return self[(slice(None),) * d + (slice(s, s + length),)]

    def select(self: Any, dim: builtins.int, index: Any) -> Tensor:
        """The slice at ``index`` along ``dim``, that dim removed (a view): ``x.select(1, -1)``
        is ``x[:, -1]``."""
        d = wrap_dim(dim, self._data.ndim, "select", self._data.shape)
        i, n = _int_arg(index, "index", "select"), self._data.shape[d]
        if not -n <= i < n:
            raise IndexError(
                f"select(): index {i} out of range for tensor of size {list(self._data.shape)} "
                f"at dimension {d}"
            )
        return self[(slice(None),) * d + (i,)]

    def take(self: Any, index: Any) -> Tensor:
        """The elements at ``index`` of the tensor read as one flat vector (negative indices
        count from the end); the result has ``index``'s shape. ``index`` is a tensor, as
        PyTorch's (a number or a list is refused in its words)."""
        idx = _tensor_only(index, "take", "index")._data
        n = self._data.size
        if idx.dtype != np.int64:  # (as PyTorch's: not even int32)
            raise RuntimeError(
                f"take(): Expected a long tensor for index, but got {torch_name(idx.dtype)}"
            )
        bad = idx[(idx >= n) | (idx < -n)]
        if bad.size:
            raise IndexError(
                f"out of range: tried to access index {bad.flat[0]} on a tensor of {n} elements."
            )
        return labelled(self.reshape(-1)[idx], "TakeBackward0", self)

    def index_put(
        self: Any, indices: Any, values: Any, accumulate: builtins.bool = False
    ) -> Tensor:
        """A copy of the tensor with ``values`` put at ``indices`` (a tuple of index tensors,
        one per leading dim, as ``x[indices] = values``); with ``accumulate`` repeated positions
        add up, and the values are added to what is there."""
        if not isinstance(indices, tuple | list):
            raise TypeError(
                "index_put(): argument 'indices' must be a tuple of tensors, not "
                f"{type(indices).__name__}"
            )
        where = tuple(np.asarray(_raw(i)) for i in indices)
        if hasattr(values, "_data") and values._data.dtype != self._data.dtype:
            raise RuntimeError(
                "Index put requires the source and destination dtypes match, got "
                f"{torch_name(self._data.dtype)} for the destination and "
                f"{torch_name(values._data.dtype)} for the source."
            )
        if not accumulate:
            out = self.clone()
            out[where] = values
            return labelled(out, "IndexPutBackward0", self, values)
        picked = self._data[where].shape  # (the shape values broadcast to)
        v = values if hasattr(values, "_data") else TensorMakers.wrap(np.asarray(values), None)
        v = v.to(self.dtype).expand(picked)  # (a number takes the tensor's dtype)
        out = self + TensorMakers.apply(ops.ScatterAdd(where, self._data.shape), v)
        return labelled(out, "IndexPutBackward0", self, values)

    def movedim(self: Any, source: Any, destination: Any) -> Tensor:
        """Dims ``source`` moved to positions ``destination`` (ints or sequences of them), the
        others keeping their order: a permute (a view)."""
        nd = self._data.ndim
        src = list(source) if isinstance(source, tuple | list) else [source]
        dst = list(destination) if isinstance(destination, tuple | list) else [destination]
        if len(src) != len(dst):
            raise RuntimeError(
                f"movedim: Invalid source or destination dims: source ({src} dims) should "
                f"contain the same number of dims as destination ({dst} dims)"
            )
        s = [wrap_dim(d, nd, "movedim", self._data.shape) for d in src]
        t = [wrap_dim(d, nd, "movedim", self._data.shape) for d in dst]
        for name, given, wrapped in (("source", src, s), ("destination", dst, t)):
            if len(set(wrapped)) != len(wrapped):
                raise RuntimeError(f"movedim: repeated dim in `{name}` ({given})")
        order: list[builtins.int | None] = [None] * builtins.max(nd, 1)
        for a, b in zip(s, t):
            order[b] = a
        rest = iter(d for d in range(nd) if d not in s)
        perm = [next(rest) if o is None else o for o in order][:nd]
        return self if perm == list(range(nd)) else self.permute(perm)

    moveaxis = movedim

    def swapaxes(self: Any, axis0: builtins.int, axis1: builtins.int) -> Tensor:
        """Dims ``axis0`` and ``axis1`` swapped: ``transpose`` (a view)."""
        wrap_dim(axis0, self._data.ndim, "swapaxes", self._data.shape)
        wrap_dim(axis1, self._data.ndim, "swapaxes", self._data.shape)
        return self.transpose(axis0, axis1)

    def swapdims(self: Any, dim0: builtins.int, dim1: builtins.int) -> Tensor:
        """Dims ``dim0`` and ``dim1`` swapped: ``transpose`` (a view)."""
        wrap_dim(dim0, self._data.ndim, "swapdims", self._data.shape)
        wrap_dim(dim1, self._data.ndim, "swapdims", self._data.shape)
        return self.transpose(dim0, dim1)

    @property
    def mT(self: Any) -> Tensor:
        """The last two dims swapped: a batch of matrices, each transposed (a view). A 0-d
        tensor is returned as it is, with PyTorch's deprecation warning."""
        if self._data.ndim == 0:
            warnings.warn(
                "Tensor.mT is deprecated on 0-D tensors. This function is the identity in these "
                "cases.",
                UserWarning,
                stacklevel=2,
            )
            return self
        if self._data.ndim < 2:
            raise RuntimeError(
                "tensor.mT is only supported on matrices or batches of matrices. Got "
                f"{self._data.ndim}-D tensor."
            )
        return self.transpose(-2, -1)

    @property
    def mH(self: Any) -> Tensor:
        """The conjugate transpose of a batch of matrices: ``mT`` (minigrad's tensors are real)."""
        if self._data.ndim < 2:
            raise RuntimeError(
                "tensor.mH is only supported on matrices or batches of matrices. Got "
                f"{self._data.ndim}-D tensor."
            )
        return self.transpose(-2, -1)

    def unflatten(self: Any, dim: builtins.int, sizes: Any) -> Tensor:
        """Dim ``dim`` split into dims of ``sizes`` (one may be -1): a reshape (a view)."""
        d = wrap_dim(dim, self._data.ndim, "unflatten", self._data.shape)
        new = [_size_entry(k, i) for i, k in enumerate(sizes)]
        if not new:
            raise RuntimeError("unflatten: sizes must be non-empty")
        n = self._data.shape[d]
        if new.count(-1) > 1:
            raise RuntimeError("unflatten: only one dimension can be inferred")
        known = math.prod(k for k in new if k != -1)
        if (-1 in new and (known == 0 or n % known)) or (-1 not in new and known != n):
            raise RuntimeError(
                f"unflatten: Provided sizes {new} don't multiply up to the size of dim {d} "
                f"({n}) in the input tensor"
            )
        shape = self._data.shape
        return self.reshape((*shape[:d], *new, *shape[d + 1 :]))

    # -- selecting ----------------------------------------------------------------------------

    def take_along_dim(self: Any, indices: Any, dim: builtins.int | None = None) -> Tensor:
        """The entries at ``indices`` along ``dim``, the other dims of the two broadcast
        against each other (``x.take_along_dim(x.argsort(1), 1)`` sorts the rows); with
        ``dim=None``, of the flattened tensor. One integer index (a copy). ``indices`` is a
        tensor, as PyTorch's (a number or a list is refused in its words)."""
        idx = _tensor_only(indices, "take_along_dim", "indices")._data
        if idx.dtype != np.int64:  # (as PyTorch's: not even int32)
            raise RuntimeError(
                "torch.take_along_dim(): dtype of indices should be Long but got "
                f"{torch_name(idx.dtype)}"
            )
        if dim is None:
            flat = self.reshape(-1)
            # as PyTorch's (a gather of the flattened tensor): negative indices are refused
            n = flat._data.shape[0]
            out = flat[_checked(idx.reshape(-1), n, 0, "take_along_dim", 0)]
            return labelled(out, "GatherBackward0", flat)  # (PyTorch's: a gather of the view)
        nd = self._data.ndim
        if idx.ndim != nd:
            raise RuntimeError(
                "torch.take_along_dim(): input and indices should have the same number of "
                f"dimensions, but got {nd} dimensions for input, and {idx.ndim} dimensions "
                "for indices"
            )
        if nd == 0:  # (a dim outside [-1, 0] is refused as such first, as in PyTorch)
            wrap_dim(dim, nd, "take_along_dim", self._data.shape)
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        d = wrap_dim(dim, nd, "take_along_dim", self._data.shape)
        a = list(self._data.shape)
        b = list(idx.shape)
        a[d] = b[d] = 1
        out = _broadcast_shape(tuple(a), tuple(b))
        n = self._data.shape[d]
        picks = {}
        for k in range(nd):
            if k == d:
                target = (*out[:d], idx.shape[d], *out[d + 1 :])
                # negative indices count from the end, as PyTorch's take_along_dim along a dim
                picks[k] = np.broadcast_to(_checked(idx, n, d, "take_along_dim", -n), target)
            else:
                m = self._data.shape[k]
                at = np.arange(out[k]) if m == out[k] else np.zeros(out[k], dtype=np.intp)
                picks[k] = at.reshape((1,) * k + (-1,) + (1,) * (nd - k - 1))
        out = self[tuple(picks[k] for k in range(nd))]
        # PyTorch's: a gather of the tensor expanded to the broadcast shape
        return labelled(out, "GatherBackward0", edges=(shown("ExpandBackward0", self),))

    def masked_select(self: Any, mask: Any) -> Tensor:
        """The entries where ``mask`` (a bool tensor, broadcast with this tensor) is True, as a
        1-D copy."""
        m = _tensor_only(mask, "masked_select", "mask")._data
        if m.dtype != np.bool_:
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        shape = _broadcast_shape(m.shape, self._data.shape)  # (PyTorch names the mask a)
        x = self if self._data.shape == shape else self.broadcast_to(shape)
        return labelled(x[np.broadcast_to(m, shape)], "MaskedSelectBackward0", self)

    # -- products -----------------------------------------------------------------------------

    def dot(self: Any, tensor: Any) -> Tensor:
        """The dot product of two 1-D tensors of one dtype and one size."""
        o = _tensor(self, tensor)
        if self._data.ndim != 1 or o._data.ndim != 1:
            raise RuntimeError(
                f"1D tensors expected, but got {self._data.ndim}D and {o._data.ndim}D tensors"
            )
        if self._data.dtype != o._data.dtype:
            raise RuntimeError(
                "dot : expected both vectors to have same dtype, but found "
                f"{torch_name(self._data.dtype)} and {torch_name(o._data.dtype)}"
            )
        n, k = self._data.shape[0], o._data.shape[0]
        if n != k:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{n}] and src [{k}] to have the "
                f"same number of elements, but got {n} and {k} elements respectively"
            )
        return labelled(self @ o, "DotBackward0")

    def mm(self: Any, mat2: Any) -> Tensor:
        """The product of two matrices (2-D, one dtype): ``@`` without broadcasting (``@``
        refuses two dtypes in PyTorch's words)."""
        o = _tensor(self, mat2)
        if self._data.ndim != 2:
            raise RuntimeError("self must be a matrix")
        if o._data.ndim != 2:
            raise RuntimeError("mat2 must be a matrix")
        (n, k), (k2, m) = self._data.shape, o._data.shape
        if k != k2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{m})")
        return self @ o

    def bmm(self: Any, mat2: Any) -> Tensor:
        """Batched matrix products of two 3-D tensors of one batch size and dtype."""
        o = _tensor(self, mat2)
        if self._data.ndim != 3:
            raise RuntimeError("batch1 must be a 3D tensor")
        if o._data.ndim != 3:
            raise RuntimeError("batch2 must be a 3D tensor")
        b, _, k = self._data.shape
        if o._data.shape[:2] != (b, k):
            raise RuntimeError(
                f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {k}] "
                f"but got: [{o._data.shape[0]}, {o._data.shape[1]}]."
            )
        return labelled(self @ o, "BmmBackward0", self, o)

    def outer(self: Any, vec2: Any) -> Tensor:
        """The outer product of two 1-D tensors: ``out[i, j] = self[i] * vec2[j]``."""
        o = _tensor(self, vec2)
        for name, t in (("self", self), ("vec2", o)):
            if t._data.ndim != 1:
                raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
        return self.reshape(-1, 1) * o

    ger = outer

    def addmm(self: Any, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """``beta * self + alpha * (mat1 @ mat2)``, ``self`` broadcast to the product's shape;
        with ``beta=0`` this tensor is ignored (a nan or inf in it does not propagate)."""
        a, b = _tensor(self, mat1), _tensor(self, mat2)
        for name, t in (("mat1", a), ("mat2", b)):
            if t._data.ndim != 2:
                raise RuntimeError(f"{name} must be a matrix, got {t._data.ndim}-D tensor")
        (n, k), (k2, m) = a._data.shape, b._data.shape
        if k != k2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{m})")
        for name, x, y in (("self", self, b), ("mat1", a, b)):  # PyTorch's order
            if x._data.dtype != y._data.dtype:
                raise RuntimeError(
                    f"{name} and mat2 must have the same dtype, but got "
                    f"{torch_name(x._data.dtype)} and {torch_name(y._data.dtype)}"
                )
        _check_expand(self._data.shape, (n, m))
        product = a @ b
        if alpha != 1:
            product = product * alpha
        if beta == 0:  # self is not read (a nan in it stays out) but gets a zero gradient
            ignored = np.zeros(product._data.shape, dtype=np.bool_)
            out = TensorMakers.apply(ops.Where(ignored), self, product)
        else:
            out = (self if beta == 1 else self * beta) + product
        return labelled(out, "AddmmBackward0", self, a, b)  # (PyTorch's one node)


def _tensor(like: Any, v: Any) -> Any:
    """``v`` as a tensor (a tensor is kept as it is)."""
    return v if hasattr(v, "_data") else type(like)(v)


def _broadcast_shape(a: tuple, b: tuple) -> tuple:
    """The broadcast shape of ``a`` and ``b``, or PyTorch's error naming the dim."""
    nd = builtins.max(len(a), len(b))
    pa, pb = (1,) * (nd - len(a)) + tuple(a), (1,) * (nd - len(b)) + tuple(b)
    out = []
    for i, (p, q) in enumerate(zip(pa, pb)):
        if p != q and 1 not in (p, q):
            raise RuntimeError(
                f"The size of tensor a ({p}) must match the size of tensor b ({q}) at "
                f"non-singleton dimension {i}"
            )
        out.append(q if p == 1 else p)
    return tuple(out)


def _check_expand(shape: tuple, target: tuple) -> None:
    """PyTorch's refusal to expand ``shape`` to ``target`` (only size-1 dims stretch)."""
    lead = len(target) - len(shape)
    for i, n in enumerate(shape):
        t = target[lead + i] if lead + i >= 0 else None
        if lead + i < 0 or (n != t and n != 1):
            raise RuntimeError(
                f"The expanded size of the tensor ({t}) must match the existing size ({n}) at "
                f"non-singleton dimension {lead + i}.  Target sizes: {list(target)}.  Tensor "
                f"sizes: {list(shape)}"
            )


def _checked(
    idx: np.ndarray, n: builtins.int, dim: builtins.int, op: str, low: builtins.int
) -> np.ndarray:
    """Indices into dim ``dim`` of size ``n``, checked to lie in ``[low, n)``."""
    if idx.size and (idx.min() < low or idx.max() >= n):
        bad = idx[(idx < low) | (idx >= n)].flat[0]
        raise RuntimeError(
            f"{op}(): index {bad} is out of bounds for dimension {dim} with size {n}"
        )
    return idx


def _repeat_counts(repeats: Any, n: builtins.int) -> np.ndarray:
    """``repeat_interleave``'s counts, one per entry (an int, or a 0-d or 1-d integer tensor)."""
    r = np.asarray(_raw(repeats))
    if r.dtype.kind not in "iu":
        raise not_implemented_for("repeat_interleave_cpu", r.dtype)
    if r.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if r.ndim == 0 or r.shape == (1,):
        if r.reshape(()) < 0:
            raise RuntimeError(
                "Repeats must be non-negative" if r.ndim == 0 else "repeats can not be negative"
            )
        return np.full(n, r.reshape(()))
    if r.shape[0] != n:
        raise RuntimeError(
            "repeats must have the same size as input along dim, but got repeats.size(0) = "
            f"{r.shape[0]} and input.size(0) = {n}"
        )
    if (r < 0).any():
        raise RuntimeError("repeats can not be negative")
    return r
