"""Neural-network building blocks: ``Module`` and ``Parameter``, layers, losses, ``init``."""

from .._missing import missing_attribute
from . import (
    activation,
    functional,
    init,
    layers,
    lazy,
    losses,
    padding,
    parallel,
    parameter,
    pooling_layers,
    rearranging_layers,
    utils,
)
from .activation import *  # noqa: F403  (ReLU, PReLU, Softmin... and ACTIVATIONS' others)
from .adaptive import AdaptiveLogSoftmaxWithLoss
from .attention import MultiheadAttention
from .conv import (
    AdaptiveAvgPool2d,
    AlphaDropout,
    AvgPool2d,
    Conv1d,
    Conv2d,
    Conv3d,
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
    Dropout,
    Dropout1d,
    Dropout2d,
    Dropout3d,
    FeatureAlphaDropout,
    MaxPool2d,
)
from .distance import CosineSimilarity, PairwiseDistance
from .embedding import Embedding, EmbeddingBag
from .fractional_pooling import FractionalMaxPool2d, FractionalMaxPool3d
from .layers import *  # noqa: F403  (Linear, Flatten, Sequential...)
from .lazy import (
    LazyBatchNorm1d,
    LazyBatchNorm2d,
    LazyBatchNorm3d,
    LazyConv1d,
    LazyConv2d,
    LazyConv3d,
    LazyConvTranspose1d,
    LazyConvTranspose2d,
    LazyConvTranspose3d,
    LazyInstanceNorm1d,
    LazyInstanceNorm2d,
    LazyInstanceNorm3d,
    LazyLinear,
    UninitializedBuffer,
    UninitializedParameter,
)
from .losses import *  # noqa: F403  (MSELoss, CrossEntropyLoss, KLDivLoss...: losses.__all__)
from .module import (
    Buffer,
    Module,
    ModuleDict,
    ModuleList,
    Parameter,
    ParameterDict,
    ParameterList,
    RemovableHandle,
)
from .normalization import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNorm3d,
    CrossMapLRN2d,
    GroupNorm,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
    LayerNorm,
    LocalResponseNorm,
    RMSNorm,
    SyncBatchNorm,
)
from .padding import *  # noqa: F403  (ZeroPad2d, ReflectionPad2d, ...)
from .parallel import DataParallel
from .pooling_layers import *  # noqa: F403  (MaxPool1d, AdaptiveMaxPool2d, MaxUnpool2d...)
from .rearranging_layers import *  # noqa: F403  (Fold, Unfold, PixelShuffle...)
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)
from .upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

__getattr__ = missing_attribute("minigrad.nn", "torch.nn")

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "AdaptiveAvgPool2d",
    "AdaptiveLogSoftmaxWithLoss",
    "AlphaDropout",
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "Buffer",
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "CosineSimilarity",
    "CrossMapLRN2d",
    "DataParallel",
    "Dropout",
    "Dropout1d",
    "Dropout2d",
    "Dropout3d",
    "Embedding",
    "EmbeddingBag",
    "FeatureAlphaDropout",
    "GRUCell",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "LSTMCell",
    "LayerNorm",
    "LazyBatchNorm1d",
    "LazyBatchNorm2d",
    "LazyBatchNorm3d",
    "LazyConv1d",
    "LazyConv2d",
    "LazyConv3d",
    "LazyConvTranspose1d",
    "LazyConvTranspose2d",
    "LazyConvTranspose3d",
    "LazyInstanceNorm1d",
    "LazyInstanceNorm2d",
    "LazyInstanceNorm3d",
    "LazyLinear",
    "LocalResponseNorm",
    "MaxPool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "MultiheadAttention",
    "PairwiseDistance",
    "Parameter",
    "ParameterDict",
    "ParameterList",
    "RMSNorm",
    "RNNBase",
    "RNNCell",
    "RNNCellBase",
    "RemovableHandle",
    "SyncBatchNorm",
    "Transformer",
    "TransformerDecoder",
    "TransformerDecoderLayer",
    "TransformerEncoder",
    "TransformerEncoderLayer",
    "UninitializedBuffer",
    "UninitializedParameter",
    "Upsample",
    "UpsamplingBilinear2d",
    "UpsamplingNearest2d",
    "functional",
    "init",
    "lazy",
    "parallel",
    "parameter",
    "utils",
]
__all__ += activation.__all__ + layers.__all__
__all__ += padding.__all__ + losses.__all__
__all__ += pooling_layers.__all__
__all__ += ["FractionalMaxPool2d", "FractionalMaxPool3d"]
__all__ += rearranging_layers.__all__

# torch.nn.modules (its layers under PyTorch's paths) reads the names above: imported last
from . import modules  # noqa: E402, F401
