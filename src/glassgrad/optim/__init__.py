"""gg.optim: torch.optim's update rules, defaults and state dicts, as in-place NumPy updates."""

from glassgrad.optim import lr_scheduler
from glassgrad.optim.adadelta import Adadelta
from glassgrad.optim.adagrad import Adagrad
from glassgrad.optim.adam import Adam, AdamW
from glassgrad.optim.adamax import Adamax
from glassgrad.optim.lbfgs import LBFGS
from glassgrad.optim.nadam import NAdam, RAdam
from glassgrad.optim.optimizer import Optimizer
from glassgrad.optim.rmsprop import RMSprop
from glassgrad.optim.rprop import Rprop
from glassgrad.optim.sgd import SGD

__all__ = ["LBFGS", "SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam", "Optimizer", "RAdam",
           "RMSprop", "Rprop", "lr_scheduler"]
