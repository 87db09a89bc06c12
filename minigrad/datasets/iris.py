"""The Iris data (bundled as package data) and the classic fixed Iris train/test split."""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources
from typing import Any, Generic, Literal, TypeVar, overload

import numpy as np

from ..tensor import Tensor, from_data

__all__ = [
    "IRIS_CLASSES",
    "IRIS_FEATURES",
    "Iris",
    "IrisSplit",
    "load_iris",
    "load_iris_seed_split",
]

IRIS_CLASSES = ("setosa", "versicolor", "virginica")
IRIS_FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")

A = TypeVar("A", Tensor, np.ndarray)
_PACKAGE = __name__.rpartition(".")[0]


@dataclass(frozen=True)
class Iris(Generic[A]):
    """The 150 Iris flowers.

    Attributes:
        x: features (150, 4) float32, in cm, columns as in `feature_names`.
        y: class index (150,) int64 into `classes`; 50 rows per class, in file order.
        classes: species names, index = label.
        feature_names: column names of `x`.
    """

    x: A
    y: A
    classes: tuple[str, ...] = IRIS_CLASSES
    feature_names: tuple[str, ...] = IRIS_FEATURES


@dataclass(frozen=True)
class IrisSplit(Generic[A]):
    """The classic fixed Iris split: 99 train rows (33 per class), 51 test rows (17 per class).

    Features are already z-scored with fixed statistics (means 5.84, 3.05, 3.76, 1.2; standard
    deviations 0.83, 0.43, 1.76, 0.76). Rows keep the file order, which the classic run uses for
    its unshuffled mini-batches.

    Attributes:
        x_train, x_test: features, float32 (99, 4) and (51, 4).
        y_train, y_test: one-hot targets, float32 (99, 3) and (51, 3).
        labels_train, labels_test: class indices, int64 (99,) and (51,).
        classes: species names, index = label.
    """

    x_train: A
    y_train: A
    labels_train: A
    x_test: A
    y_test: A
    labels_test: A
    classes: tuple[str, ...] = IRIS_CLASSES


@overload
def load_iris(as_tensor: Literal[True] = ...) -> Iris[Tensor]: ...
@overload
def load_iris(as_tensor: Literal[False]) -> Iris[np.ndarray]: ...
@overload
def load_iris(as_tensor: bool) -> Iris[Any]: ...
def load_iris(as_tensor: bool = True) -> Iris[Any]:
    """Load the bundled Iris data (Fisher 1936, the corrected version scikit-learn uses).

    Args:
        as_tensor: return Tensors (default) or, if False, NumPy arrays.

    Returns:
        An `Iris` with `x` (150, 4) float32 and `y` (150,) int64.

    Raises:
        ValueError: the bundled file is damaged (unexpected header, row or species).
    """
    text = _read_text("iris.csv")
    lines = [line for line in text.splitlines() if line.strip()]
    header = ",".join((*IRIS_FEATURES, "species"))
    if not lines or lines[0].strip() != header:
        raise ValueError(f"load_iris: iris.csv must start with the header {header!r}")
    features, labels = [], []
    for number, line in enumerate(lines[1:], start=2):
        *values, species = line.strip().split(",")
        if len(values) != len(IRIS_FEATURES) or species not in IRIS_CLASSES:
            raise ValueError(f"load_iris: iris.csv line {number} is malformed: {line!r}")
        features.append([float(v) for v in values])
        labels.append(IRIS_CLASSES.index(species))
    x = np.array(features, dtype=np.float32)
    y = np.array(labels, dtype=np.int64)
    return Iris(from_data(x), from_data(y)) if as_tensor else Iris(x, y)


@overload
def load_iris_seed_split(as_tensor: Literal[True] = ...) -> IrisSplit[Tensor]: ...
@overload
def load_iris_seed_split(as_tensor: Literal[False]) -> IrisSplit[np.ndarray]: ...
@overload
def load_iris_seed_split(as_tensor: bool) -> IrisSplit[Any]: ...
def load_iris_seed_split(as_tensor: bool = True) -> IrisSplit[Any]:
    """Load the classic fixed Iris split (bundled), rows in file order.

    Args:
        as_tensor: return Tensors (default) or, if False, NumPy arrays.

    Returns:
        An `IrisSplit` (see its attributes for shapes and dtypes).

    Raises:
        ValueError: a bundled file is damaged (wrong column count or a row that is not one-hot).
    """
    (x_train, y_train), (x_test, y_test) = _read_split("train.csv"), _read_split("test.csv")
    labels_train, labels_test = (y.argmax(axis=1).astype(np.int64) for y in (y_train, y_test))
    if not as_tensor:
        return IrisSplit(x_train, y_train, labels_train, x_test, y_test, labels_test)
    t = from_data
    return IrisSplit(t(x_train), t(y_train), t(labels_train), t(x_test), t(y_test), t(labels_test))


def _read_text(name: str) -> str:
    return resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def _read_split(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Features float32 and one-hot targets float32 of one split file (no header, 7 columns)."""
    n_features, n_classes = len(IRIS_FEATURES), len(IRIS_CLASSES)
    table = np.loadtxt(io.StringIO(_read_text(f"iris_seed_split/{name}")), delimiter=",", ndmin=2)
    if table.shape[1] != n_features + n_classes:
        raise ValueError(
            f"load_iris_seed_split: {name} has {table.shape[1]} columns, "
            f"expected {n_features + n_classes}"
        )
    onehot = table[:, n_features:]
    if not (np.isin(onehot, (0.0, 1.0)).all() and (onehot.sum(axis=1) == 1).all()):
        raise ValueError(f"load_iris_seed_split: {name} has label columns that are not one-hot")
    return table[:, :n_features].astype(np.float32), onehot.astype(np.float32)
