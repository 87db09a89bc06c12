"""``Embedding``: a lookup table of vectors, trained like any weight (as ``torch.nn``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import default_float
from ..grad_mode import no_grad
from ..random import GeneratorLike
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module, Parameter, _param

__all__ = ["Embedding"]


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
        scale_grad_by_freq, sparse: PyTorch's options, not supported (an error says so).
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
        dtype: Any = None,
        generator: GeneratorLike = None,
    ) -> None:
        super().__init__()
        if scale_grad_by_freq or sparse:
            raise NotImplementedError("Embedding: scale_grad_by_freq and sparse are not supported")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(
                    f"Embedding: Padding_idx must be within num_embeddings: padding_idx="
                    f"{padding_idx}, num_embeddings={num_embeddings}"
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
        return F.embedding(input, weight, self.padding_idx, self.max_norm, self.norm_type)

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
        return s
