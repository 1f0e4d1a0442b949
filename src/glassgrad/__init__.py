"""glassgrad: backpropagation you can see through. PyTorch's names and semantics, on NumPy."""

import sys

from glassgrad.tensor import (Generator, Size, Tensor, arange, as_tensor, bernoulli, bool_, device, empty,
                              empty_like, eye, float16, float32, float64, from_numpy, full, full_like,
                              get_default_dtype, int16, int32, int64, int8, is_tensor, linspace, logspace,
                              manual_seed, multinomial, normal, numel, ones, ones_like, rand, rand_like, randint,
                              randn, randn_like, randperm, set_default_dtype, tensor, uint8, zeros, zeros_like)
from glassgrad import autograd  # noqa: I001
from glassgrad.autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from glassgrad.functional import *  # noqa: F403
from glassgrad.gradcheck import GradcheckError, gradcheck, gradgradcheck
from glassgrad.explain import explain  # gg.explain(E): the function (its package stays glassgrad.explain.*)
from glassgrad.explain.format import set_printoptions
from glassgrad.runtime import (dtype, finfo, get_num_threads, iinfo, is_complex, is_floating_point, promote_types,
                               set_num_threads)
from glassgrad.runtime import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor,
                               LongTensor, ShortTensor, get_rng_state, initial_seed, seed, set_rng_state)
from glassgrad import accelerator, backends, cuda, data, distributions, linalg, nn, optim, return_types, testing, utils
from glassgrad.io import CheckpointError, load, save
from glassgrad.ops.function import Function as _Function
from glassgrad import autograd_functional as _autograd_functional
from glassgrad.train import train

half, double, long = float16, float64, int64
float, int, bool = float32, int32, bool_  # noqa: A001 - torch.float, torch.int, torch.bool
autograd.gradcheck, autograd.gradgradcheck = gradcheck, gradgradcheck
autograd.Function, autograd.functional = _Function, _autograd_functional
sys.modules["glassgrad.autograd.functional"] = _autograd_functional  # `from glassgrad.autograd.functional import …`
__version__ = "0.1.0"
