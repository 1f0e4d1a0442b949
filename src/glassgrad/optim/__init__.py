"""gg.optim: torch.optim's update rules, defaults and state dicts, as in-place NumPy updates."""

from glassgrad.optim import lr_scheduler
from glassgrad.optim.adagrad import Adagrad
from glassgrad.optim.adam import Adam, AdamW
from glassgrad.optim.optimizer import Optimizer
from glassgrad.optim.rmsprop import RMSprop
from glassgrad.optim.sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
