"""``minigrad.utils.data``: PyTorch's ``torch.utils.data`` (datasets, samplers, collation,
``DataLoader``, ``random_split``, ``get_worker_info``), plus ``train_test_split``.

Every random choice (shuffling, sampling, splitting) draws from a `minigrad.Generator` or a
`numpy.random.Generator` the caller passes, an int seed, or minigrad's default generator;
never from NumPy's global state.
"""

from ..._missing import missing_attribute
from .collate import default_collate, default_convert
from .dataloader import DataLoader, get_worker_info
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from .split import train_test_split

__all__ = [
    "BatchSampler",
    "ChainDataset",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "StackDataset",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "random_split",
    "train_test_split",
]

# A PyTorch name this package does not have: the error says so and points to the docs.
__getattr__ = missing_attribute("minigrad.utils.data", "torch.utils.data")
