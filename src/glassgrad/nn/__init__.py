"""gg.nn: modules, layers, activations and losses with torch.nn's names, state-dict keys and defaults."""

from glassgrad.nn import functional, init
from glassgrad.nn.activations import GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Softplus, Tanh
from glassgrad.nn.layers import MLP, BatchNorm1d, Dropout, Flatten, LayerNorm, Linear
from glassgrad.nn.losses import (
                                 BCELoss,
                                 BCEWithLogitsLoss,
                                 CrossEntropyLoss,
                                 HuberLoss,
                                 L1Loss,
                                 MSELoss,
                                 NLLLoss,
                                 SmoothL1Loss,
)
from glassgrad.nn.module import Module, ModuleDict, ModuleList, Sequential
from glassgrad.nn.parameter import Parameter

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "CrossEntropyLoss", "Dropout", "Flatten", "GELU", "HuberLoss",
    "Identity", "L1Loss", "LayerNorm", "LeakyReLU", "Linear", "LogSoftmax", "MLP", "MSELoss", "Module",
    "ModuleDict", "ModuleList", "NLLLoss", "Parameter", "ReLU", "Sequential", "Sigmoid", "SmoothL1Loss", "Softmax",
    "Softplus", "Tanh", "functional", "init",
]
