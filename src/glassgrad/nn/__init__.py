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
from glassgrad.nn.layers import MLP, BatchNorm1d, Dropout, Flatten, LayerNorm, Linear
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

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "CosineEmbeddingLoss", "CrossEntropyLoss", "Dropout", "ELU",
    "Flatten", "GELU", "Hardtanh", "HingeEmbeddingLoss", "HuberLoss", "Identity", "KLDivLoss", "L1Loss",
    "LayerNorm", "LeakyReLU", "Linear", "LogSigmoid", "LogSoftmax", "MLP", "MSELoss", "MarginRankingLoss", "Mish",
    "Module", "ModuleDict", "ModuleList", "NLLLoss", "PReLU", "Parameter", "ParameterDict", "ParameterList",
    "PoissonNLLLoss", "ReLU", "ReLU6", "SiLU", "Sequential", "Sigmoid", "SmoothL1Loss", "SoftMarginLoss", "Softmax",
    "Softplus", "Softsign", "Tanh", "TripletMarginLoss", "functional", "init", "utils",
]
