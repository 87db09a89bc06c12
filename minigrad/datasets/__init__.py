"""Ready-made data: the bundled Iris data and its classic split, and an MNIST loader."""

from .iris import IRIS_CLASSES, IRIS_FEATURES, Iris, IrisSplit, load_iris, load_iris_seed_split
from .mnist import load_mnist, read_idx_images, read_idx_labels

__all__ = [
    "IRIS_CLASSES",
    "IRIS_FEATURES",
    "Iris",
    "IrisSplit",
    "load_iris",
    "load_iris_seed_split",
    "load_mnist",
    "read_idx_images",
    "read_idx_labels",
]
