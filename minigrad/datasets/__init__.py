"""Ready-made data: the bundled Iris data and its classic split, and an MNIST loader."""

from . import iris
from .iris import *  # noqa: F403  (load_iris, load_iris_seed_split, Iris, IrisSplit, the names)
from .mnist import load_mnist, read_idx_images, read_idx_labels

__all__ = ["load_mnist", "read_idx_images", "read_idx_labels"]
__all__ += iris.__all__
