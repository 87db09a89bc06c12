"""PyTorch's ``torch.utils.tensorboard``: ``SummaryWriter`` logs scalars, histograms, images,
figures, text, hyperparameters, embeddings, precision-recall curves and the model's graph to
TensorBoard's event files.

The files are written by tensorboardX (the optional extra ``tensorboard``: ``pip install
tensorboardX``), imported when a writer is made; importing this module needs nothing. View the
logs with TensorBoard (``pip install tensorboard; tensorboard --logdir runs``).
"""

from . import model_graph, summary, writer
from .writer import SummaryWriter

__all__ = ["SummaryWriter", "model_graph", "summary", "writer"]
