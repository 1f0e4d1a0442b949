"""gg.nn: modules, layers, activations and losses with torch.nn's names, state-dict keys and defaults."""

from glassgrad.nn import functional, init, utils
from glassgrad.nn.activations import (
                                      ELU,
                                      GELU,
                                      Hardtanh,
                                      Identity,
                                      LeakyReLU,
                                      LogSigmoid,
                                      LogSoftmax,
                                      Mish,
                                      PReLU,
                                      ReLU,
                                      ReLU6,
                                      Sigmoid,
                                      SiLU,
                                      Softmax,
                                      Softplus,
                                      Softsign,
                                      Tanh,
)
from glassgrad.nn.attention import MultiheadAttention
from glassgrad.nn.conv import (
                               AdaptiveAvgPool2d,
                               AvgPool1d,
                               AvgPool2d,
                               Conv1d,
                               Conv2d,
                               ConvTranspose2d,
                               MaxPool1d,
                               MaxPool2d,
)
from glassgrad.nn.embedding import Embedding
from glassgrad.nn.layers import MLP, BatchNorm1d, BatchNorm2d, Dropout, Dropout2d, Flatten, LayerNorm, Linear, Unflatten
from glassgrad.nn.losses import (
                                 BCELoss,
                                 BCEWithLogitsLoss,
                                 CosineEmbeddingLoss,
                                 CrossEntropyLoss,
                                 HingeEmbeddingLoss,
                                 HuberLoss,
                                 KLDivLoss,
                                 L1Loss,
                                 MarginRankingLoss,
                                 MSELoss,
                                 NLLLoss,
                                 PoissonNLLLoss,
                                 SmoothL1Loss,
                                 SoftMarginLoss,
                                 TripletMarginLoss,
)
from glassgrad.nn.module import Module, ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from glassgrad.nn.parameter import Parameter
from glassgrad.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from glassgrad.nn.transformer import Transformer, TransformerEncoder, TransformerEncoderLayer
from glassgrad.nn.upsampling import Upsample

__all__ = [
    "AdaptiveAvgPool2d", "AvgPool1d", "AvgPool2d", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d",
    "Conv1d", "Conv2d", "ConvTranspose2d", "CosineEmbeddingLoss", "CrossEntropyLoss", "Dropout", "Dropout2d", "ELU",
    "Embedding", "Flatten", "GELU", "GRU", "GRUCell", "Hardtanh", "HingeEmbeddingLoss", "HuberLoss", "Identity",
    "KLDivLoss", "L1Loss", "LSTM", "LSTMCell", "LayerNorm", "LeakyReLU", "Linear", "LogSigmoid", "LogSoftmax", "MLP",
    "MSELoss", "MarginRankingLoss", "MaxPool1d", "MaxPool2d", "Mish", "Module", "ModuleDict", "ModuleList",
    "MultiheadAttention", "NLLLoss", "PReLU", "Parameter", "ParameterDict", "ParameterList", "PoissonNLLLoss", "RNN",
    "RNNCell", "ReLU", "ReLU6", "Sequential", "SiLU", "Sigmoid", "SmoothL1Loss", "SoftMarginLoss", "Softmax",
    "Softplus", "Softsign", "Tanh", "Transformer", "TransformerEncoder", "TransformerEncoderLayer", "TripletMarginLoss",
    "Unflatten", "Upsample", "functional", "init", "utils",
]
