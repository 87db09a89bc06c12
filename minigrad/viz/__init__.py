"""Draw the autograd graph: ``trace`` reads it into plain records, ``draw_graph`` renders them.

``plot_history`` draws the training curves of a ``minigrad.train.History`` (matplotlib).

``trace`` needs nothing but NumPy. Drawing uses the ``graphviz`` package (``pip install
graphviz``), imported only when a drawing is made; rendering needs Graphviz's ``dot``.
"""

from .curves import plot_history
from .draw import COLOURS, GraphvizNotFoundError, draw_graph, save
from .model import draw_model
from .trace import Cluster, Edge, Graph, OpNode, Summary, TensorNode, trace

__all__ = [
    "COLOURS",
    "Cluster",
    "Edge",
    "Graph",
    "GraphvizNotFoundError",
    "OpNode",
    "Summary",
    "TensorNode",
    "draw_graph",
    "draw_model",
    "plot_history",
    "save",
    "trace",
]
