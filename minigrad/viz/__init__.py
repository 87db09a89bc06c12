"""Draw the autograd graph: ``trace`` reads it into plain records, ``draw_graph`` renders them.

``trace`` needs nothing but NumPy. Drawing uses the ``graphviz`` package (``pip install
graphviz``), imported only when a drawing is made; rendering needs Graphviz's ``dot``.
"""

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
    "save",
    "trace",
]
