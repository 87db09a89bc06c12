"""``Embedding``: a lookup table of vectors, trained like any weight, and ``EmbeddingBag``: sums,
means or maxima of bags of its rows (as ``torch.nn``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..device import as_device
from ..dtypes import default_float
from ..grad_mode import no_grad
from ..random import GeneratorLike
from ..tensor import Tensor
from ..validation import new_shape
from . import functional as F
from . import init
from .module import Module, Parameter, _param

__all__ = ["Embedding", "EmbeddingBag"]


class Embedding(Module):
    """Row ``i`` of ``weight`` for each integer ``i`` of the input: output shape
    ``input.shape + (embedding_dim,)``.

    The backward adds each output row's gradient into its table row (repeated indices add
    up), so only the rows used receive gradient.

    Args:
        num_embeddings: the table's number of rows (the vocabulary size).
        embedding_dim: each row's size.
        padding_idx: a row initialised to zeros whose gradient is always zero.
        max_norm: if given, each row looked up whose ``norm_type``-norm is larger is scaled
            down to it in place first (``F.embedding``'s ``max_norm``).
        norm_type: the p of that norm.
        scale_grad_by_freq: divide each row's gradient by its count in the input (PyTorch's).
        sparse: not supported: minigrad has no sparse gradients (an error says so).
        dtype: the weight's dtype (by default ``get_default_dtype()``).
        generator: a NumPy generator or int seed for the N(0, 1) initialisation.
    """

    weight: Parameter

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        _freeze: bool = False,
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
    ) -> None:
        super().__init__()
        as_device(device)  # only the CPU, as everywhere: a clear error otherwise
        if sparse:
            raise NotImplementedError(
                "Embedding: sparse is not supported: minigrad has no sparse gradients (use "
                "sparse=False; the weight's gradient is dense)"
            )
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError(  # PyTorch's type (an assert), as EmbeddingBag's
                    f"Padding_idx must be within num_embeddings (Embedding: padding_idx="
                    f"{padding_idx}, num_embeddings={num_embeddings}; use a row in "
                    f"[-{num_embeddings}, {num_embeddings}))"
                )
            if padding_idx < 0:
                padding_idx += num_embeddings
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is None:
            dt = np.dtype(default_float() if dtype is None else dtype)
            new_shape((num_embeddings, embedding_dim), "Embedding's weight")
            self.weight = Parameter(
                np.empty((num_embeddings, embedding_dim), dtype=dt), requires_grad=not _freeze
            )
            self.reset_parameters(generator)
        else:
            w = _weight._data if isinstance(_weight, Tensor) else np.asarray(_weight)
            if w.shape != (num_embeddings, embedding_dim):
                raise ValueError(
                    f"Embedding: Shape of weight {w.shape} does not match num_embeddings and "
                    f"embedding_dim ({num_embeddings}, {embedding_dim})"
                )
            self.weight = Parameter(w, requires_grad=not _freeze, dtype=dtype)

    def reset_parameters(self, generator: GeneratorLike = None) -> None:
        """Draw the table from N(0, 1); the padding row is zero."""
        init.normal_(self.weight, generator=generator)
        if self.padding_idx is not None:
            with no_grad():
                self.weight._data[self.padding_idx] = 0

    def forward(self, input: Any) -> Tensor:
        weight = _param(self, "weight")
        return F.embedding(
            input, weight, self.padding_idx, self.max_norm, self.norm_type, self.scale_grad_by_freq
        )

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding whose table is ``embeddings`` (2-D; shared, not copied, as PyTorch).

        Args:
            embeddings: a (num_embeddings, embedding_dim) float Tensor or array.
            freeze: if True the table is not trained (``weight.requires_grad = False``).
            padding_idx: as in the constructor (the row is left as given).
        """
        w = embeddings._data if isinstance(embeddings, Tensor) else np.asarray(embeddings)
        if w.ndim != 2:
            raise ValueError(
                f"Embedding.from_pretrained: Embeddings parameter is expected to be "
                f"2-dimensional, got shape {w.shape}"
            )
        return cls(
            w.shape[0],
            w.shape[1],
            padding_idx=padding_idx,
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            sparse=sparse,
            _weight=w,
            _freeze=freeze,
        )

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        # PyTorch's: every option away from its default is shown
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        if self.sparse is not False:
            s += ", sparse=True"
        return s


class EmbeddingBag(Module):
    """The sum, mean or maximum of each bag of table rows (``F.embedding_bag``), with the
    table as a parameter: ``bag(input, offsets=None, per_sample_weights=None)`` gives
    (bags, embedding_dim).

    PyTorch's text classifiers use it as ``EmbeddingBag(vocab_size, embed_dim)`` called on the
    batch's texts one after another with their start ``offsets``.

    Args:
        num_embeddings: the table's number of rows (the vocabulary size).
        embedding_dim: each row's size.
        max_norm: if given, each row looked up whose ``norm_type``-norm is larger is scaled
            down to it in place first.
        norm_type: the p of that norm.
        scale_grad_by_freq: divide each row's gradient by its count in the input.
        mode: ``"sum"``, ``"mean"`` (the default) or ``"max"``.
        sparse: not supported (minigrad has no sparse gradients): an error says so, as
            ``Embedding``'s.
        include_last_offset: ``offsets`` ends with ``len(input)`` (CSR format).
        padding_idx: a row left out of every bag, initialised to zeros.
        device: only "cpu" (or None).
        dtype: the weight's dtype (by default ``get_default_dtype()``).
        generator: a NumPy generator or int seed for the N(0, 1) initialisation.
    """

    weight: Parameter

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        _weight: Any = None,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
    ) -> None:
        super().__init__()
        as_device(device)
        if sparse:
            raise NotImplementedError(
                "EmbeddingBag: sparse is not supported: minigrad has no sparse gradients "
                "(use sparse=False; the weight's gradient is dense)"
            )
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError(
                    "padding_idx must be within num_embeddings (EmbeddingBag: padding_idx="
                    f"{padding_idx} for {num_embeddings} rows; use a row in "
                    f"[-{num_embeddings}, {num_embeddings}))"
                )
            if padding_idx < 0:
                padding_idx += num_embeddings
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.padding_idx = padding_idx
        if _weight is None:
            dt = np.dtype(default_float() if dtype is None else dtype)
            new_shape((num_embeddings, embedding_dim), "EmbeddingBag's weight")
            self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=dt))
            self.reset_parameters(generator)
        else:
            w = _weight._data if isinstance(_weight, Tensor) else np.asarray(_weight)
            if w.shape != (num_embeddings, embedding_dim):
                raise AssertionError(
                    "Shape of weight does not match num_embeddings and embedding_dim "
                    f"(EmbeddingBag: _weight of shape {w.shape}, expected "
                    f"({num_embeddings}, {embedding_dim}))"
                )
            self.weight = Parameter(w, dtype=dtype)
        self.mode = mode
        self.sparse = sparse
        self.include_last_offset = include_last_offset

    def reset_parameters(self, generator: GeneratorLike = None) -> None:
        """Draw the table from N(0, 1); the padding row is zero."""
        init.normal_(self.weight, generator=generator)
        if self.padding_idx is not None:
            with no_grad():
                self.weight._data[self.padding_idx] = 0

    def forward(self, input: Any, offsets: Any = None, per_sample_weights: Any = None) -> Tensor:
        return F.embedding_bag(
            input,
            _param(self, "weight"),
            offsets,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
            self.mode,
            self.sparse,
            per_sample_weights,
            self.include_last_offset,
            self.padding_idx,
        )

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
    ) -> EmbeddingBag:
        """An EmbeddingBag whose table is ``embeddings`` (2-D; shared, not copied, as
        PyTorch); with ``freeze`` (the default) it is not trained."""
        w = embeddings._data if isinstance(embeddings, Tensor) else np.asarray(embeddings)
        if w.ndim != 2:
            raise AssertionError(
                "Embeddings parameter is expected to be 2-dimensional (EmbeddingBag."
                f"from_pretrained: got shape {w.shape}; pass a (num_embeddings, "
                "embedding_dim) table)"
            )
        bag = cls(
            w.shape[0],
            w.shape[1],
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            mode=mode,
            sparse=sparse,
            _weight=w,
            include_last_offset=include_last_offset,
            padding_idx=padding_idx,
        )
        bag.weight.requires_grad = not freeze
        return bag

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm!r}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type!r}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq!r}"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx!r}"
        return s
