"""The Tensor: a NumPy array, whether it requires grad, its gradient, and the node that created it."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

float16, float32, float64 = np.dtype("float16"), np.dtype("float32"), np.dtype("float64")
int8, int16, int32, int64, uint8 = (np.dtype(n) for n in ("int8", "int16", "int32", "int64", "uint8"))
bool_ = np.dtype("bool")

_pyfloat, _pyint = float, int  # the builtins (Tensor has methods of the same names)
_config = {"dtype": float32}
_seed = [_pyint(np.random.SeedSequence().entropy % 2**63)]  # the default stream's seed (torch.initial_seed())
_rng = [np.random.default_rng(_seed[0])]
_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
               "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor", "bool": "BoolTensor",
               "uint8": "ByteTensor"}


def _type_name(dtype: np.dtype) -> str:
    return f"glassgrad.{_TYPE_NAMES.get(np.dtype(dtype).name, np.dtype(dtype).name)}"


def set_default_dtype(dtype: Any) -> None:
    """The dtype of tensors made from Python floats (float32 unless changed, as in PyTorch)."""
    d = np.dtype(dtype)
    if d.kind != "f":
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _config["dtype"] = d


def get_default_dtype() -> np.dtype:
    return _config["dtype"]


def manual_seed(seed: int) -> None:
    """Seed every random draw glassgrad makes (rand, randn, weight init, dropout, shuffling)."""
    _seed[0] = _pyint(seed)
    _rng[0] = np.random.default_rng(_seed[0])


def generator() -> np.random.Generator:
    return _rng[0]


class Generator:
    """PyTorch's torch.Generator: a random stream of its own, passed as `generator=` (NumPy's PCG64 underneath)."""

    def __init__(self, device: Any = "cpu") -> None:
        _check_device(device)
        self._seed = _pyint(np.random.SeedSequence().entropy % 2**63)
        self._rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        self._seed, self._rng = _pyint(seed), np.random.default_rng(_pyint(seed))
        return self

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        return _rng_state(self._rng)

    def set_state(self, new_state: Tensor) -> Generator:
        _set_rng_state(self._rng, new_state)
        return self


def _rng_state(rng: np.random.Generator) -> Tensor:
    """A PCG64 stream's state as a uint8 tensor (PyTorch's form of it; its bytes are NumPy's, not PyTorch's):
    the 128-bit state and increment, whether a 32-bit half is buffered, and that half."""
    s = rng.bit_generator.state
    raw = (s["state"]["state"].to_bytes(16, "little") + s["state"]["inc"].to_bytes(16, "little")
           + bytes([s["has_uint32"]]) + s["uinteger"].to_bytes(4, "little"))
    return _make(np.frombuffer(raw, dtype=np.uint8).copy(), False)


def _set_rng_state(rng: np.random.Generator, state: Any) -> None:
    if not isinstance(state, Tensor) or state.dtype != uint8:
        raise TypeError(f"expected a glassgrad.ByteTensor, but got {type(state).__name__}"
                        + (f" of dtype {state.dtype}" if isinstance(state, Tensor) else ""))
    raw = state._data.tobytes()
    if len(raw) != 37:
        raise RuntimeError(f"RNG state is wrong size: expected 37 bytes (glassgrad's PCG64 state from "
                           f"get_rng_state()), got {len(raw)}")
    rng.bit_generator.state = {"bit_generator": "PCG64", "has_uint32": raw[32],
                               "uinteger": _pyint.from_bytes(raw[33:], "little"),
                               "state": {"state": _pyint.from_bytes(raw[:16], "little"),
                                         "inc": _pyint.from_bytes(raw[16:32], "little")}}


def _stream(gen: Generator | None) -> np.random.Generator:
    return _rng[0] if gen is None else gen._rng


class device:  # noqa: N801 - PyTorch's name
    """PyTorch's torch.device. glassgrad computes on the CPU: other devices can be named, not used."""

    def __init__(self, type: Any = "cpu", index: int | None = None) -> None:  # noqa: A002
        spec = type.type if isinstance(type, device) else str(type)
        self.type, _, idx = spec.partition(":")
        self.index = _pyint(idx) if idx else index

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: Any) -> bool:
        return str(self) == str(device(other)) if isinstance(other, (str, device)) else NotImplemented

    __hash__ = object.__hash__


def _check_device(d: Any) -> None:
    """`device=` keywords accept the CPU; anything else says that glassgrad has no accelerator."""
    if d is not None and device(d).type != "cpu":
        raise RuntimeError(f"glassgrad computes on the CPU only, so device {str(device(d))!r} cannot be used: drop "
                           "the device argument, or use 'cpu' (gg.cuda.is_available() is False)")


class Size(tuple):
    """A tensor's shape (PyTorch's torch.Size): a tuple of ints that prints as one."""

    def __new__(cls, sizes: Any = ()) -> Size:
        return super().__new__(cls, (_pyint(n) for n in sizes))

    def __repr__(self) -> str:
        return f"glassgrad.Size({list(self)})"

    def __getitem__(self, index: Any) -> Any:
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other: Any) -> Size:
        return Size(tuple(self) + tuple(other))

    def numel(self) -> int:
        return _pyint(np.prod(self, dtype=np.int64))


class _RemovableHandle:
    def __init__(self, hooks: list, fn: Callable) -> None:
        self.hooks, self.fn = hooks, fn

    def remove(self) -> None:
        if self.fn in self.hooks:
            self.hooks.remove(self.fn)


class Tensor:
    """An n-dimensional array that can record the operations applied to it, for backpropagation."""

    __slots__ = ("_data", "requires_grad", "_grad", "grad_fn", "name", "_version", "_hooks", "__weakref__")
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected operator

    def __init__(self, *data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None) -> None:
        """PyTorch's legacy constructor: `Tensor([1, 2])` holds floats of the default dtype, `Tensor(2, 3)` (or
        `Tensor(Size)`) is a tensor of that shape (zeros here; uninitialised in PyTorch)."""
        if not data or all(isinstance(n, (_pyint, np.integer)) for n in data) or (
                len(data) == 1 and isinstance(data[0], Size)):
            t = _new_leaf(np.zeros(_size(data) if data else (0,), dtype=dtype or _config["dtype"]), requires_grad)
            t.name = name
        else:  # (a tensor keeps its dtype)
            t = tensor(data[0], dtype=dtype or (None if isinstance(data[0], Tensor) else _config["dtype"]),
                       requires_grad=requires_grad, name=name)
        for k in Tensor.__slots__[:-1]:
            setattr(self, k, getattr(t, k))

    @property
    def data(self) -> Tensor:
        """The same memory as a tensor outside autograd (PyTorch's `.data`): no history, never requires grad,
        and changes through it are not version-checked (`p.data -= lr * p.grad`, `w.grad.data.zero_()`)."""
        return _make(self._data, False)

    @data.setter
    def data(self, new: Tensor) -> None:
        if not isinstance(new, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(new).__module__}.{type(new).__name__}")
        self._data = new._data

    # ------------------------------------------------------------------------------------------ attributes
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        return Size(self._data.shape) if dim is None else self._data.shape[dim]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def device(self) -> device:
        return _CPU

    @property
    def grad(self) -> Tensor | None:
        """The gradient backward accumulated here (or one assigned: it must have this tensor's shape and dtype)."""
        return self._grad

    @grad.setter
    def grad(self, g: Tensor | None) -> None:
        if g is not None:
            if not isinstance(g, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(g).__name__}")
            if g.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(g.shape)}' to a tensor of size "
                                   f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the "
                                   "same size")
            if g.dtype != self.dtype:
                raise RuntimeError(f"attempting to assign a gradient with dtype '{g.dtype}' to a tensor with dtype "
                                   f"'{self.dtype}'. Please ensure that the gradient and the tensor have the same "
                                   "dtype")
        self._grad = g

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def T(self) -> Tensor:  # noqa: N802 - PyTorch's name
        return _ops.permute(self, tuple(reversed(range(self.ndim))))

    @property
    def mT(self) -> Tensor:  # noqa: N802
        return _ops.transpose(self, -2, -1)

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def __format__(self, spec: str) -> str:
        """A 0-d tensor formats as its number (`f"{loss:.4f}"`), as in PyTorch."""
        return self._data.item().__format__(spec) if self._data.ndim == 0 else object.__format__(self, spec)

    def item(self) -> Any:
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def numpy(self) -> np.ndarray:
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return np.asarray(self._data)

    def tolist(self) -> Any:
        return self._data.tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self._data, dtype=dtype)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self._data.size} values is ambiguous")
        return bool(self._data)

    def __float__(self) -> float:
        return _pyfloat(self.item())

    def __int__(self) -> int:
        return _pyint(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return _pyint(self.item())

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        from glassgrad.explain.format import tensor_repr

        return tensor_repr(self)

    def _repr_html_(self) -> str:
        from glassgrad.explain.format import tensor_html

        return tensor_html(self)

    # ------------------------------------------------------------------------------------------- autograd
    def backward(self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs: Sequence[Tensor] | None = None) -> None:
        """Compute the gradient of this tensor with respect to every leaf that requires grad."""
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs)

    def detach(self) -> Tensor:
        t = _make(self._data, False)
        t._version = self._version
        return t

    def detach_(self) -> Tensor:
        """Cut this tensor from its history in place: it becomes a leaf that does not require grad."""
        if _view_node(self) is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn, self.requires_grad = None, False
        return self

    def clone(self) -> Tensor:
        return _ops.mul(self, 1) if self.requires_grad and _autograd.is_grad_enabled() else _make(self._data.copy(),
                                                                                                  False)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                               "computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError(f"only Tensors of floating point and complex dtype can require gradients (got "
                               f"{self.dtype})")
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in `.grad` after backward (leaves always keep theirs)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn.retain = weakref.ref(self)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> _RemovableHandle:
        """Call `hook(grad)` when this tensor's gradient is computed; a returned tensor replaces the gradient."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            self.grad_fn.register_hook(hook)
            return _RemovableHandle(self.grad_fn.hooks, hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _RemovableHandle(self._hooks, hook)

    # ----------------------------------------------------------------------------------------- conversion
    def to(self, *args: Any, dtype: Any = None, device: Any = None, non_blocking: bool = False,
           copy: bool = False) -> Tensor:
        """PyTorch's forms: to(dtype), to(device), to(device, dtype), to(other tensor), and the keywords."""
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, globals()["device"])):
                device = a
            else:
                dtype = a
        _check_device(device)
        out = self if dtype is None or np.dtype(dtype) == self._data.dtype else _ops.cast(self, dtype)
        return out.clone() if copy and out is self else out

    def float(self) -> Tensor:
        return self.to(float32)

    def double(self) -> Tensor:
        return self.to(float64)

    def long(self) -> Tensor:
        return self.to(int64)

    def int(self) -> Tensor:
        return self.to(int32)

    def bool(self) -> Tensor:
        return self.to(bool_)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def stride(self, dim: int | None = None) -> Any:
        """Steps in elements between neighbours along each dimension (NumPy's strides over the item size): a new
        tensor's are row-major as in PyTorch, and views (transpose, expand, slices) step as PyTorch's views do."""
        steps = tuple(s // self._data.itemsize for s in self._data.strides)
        return steps if dim is None else steps[dim]

    def is_contiguous(self) -> bool:
        return self._data.flags.c_contiguous

    def contiguous(self) -> Tensor:
        """This tensor if its elements are in row-major order, else a row-major copy (differentiable)."""
        return self if self._data.flags.c_contiguous else _ops.contiguous(self)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, device: Any = None, non_blocking: bool = False) -> Tensor:
        _check_device("cuda")
        return self

    # ------------------------------------------------------------------------------------------ operators
    # + - * / ** // % are the function forms (add, sub, ...: they promote dtypes), set below the class
    def __matmul__(self, other: Any) -> Tensor:
        return _ops.matmul(self, _as(other))

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(_as(other), self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, index)

    # comparisons: plain boolean tensors, never differentiated
    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _make(np.asarray(self._data == _value(other)), False)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _make(np.asarray(self._data != _value(other)), False)

    def __lt__(self, other: Any) -> Tensor:
        return _make(np.asarray(self._data < _value(other)), False)

    def __le__(self, other: Any) -> Tensor:
        return _make(np.asarray(self._data <= _value(other)), False)

    def __gt__(self, other: Any) -> Tensor:
        return _make(np.asarray(self._data > _value(other)), False)

    def __ge__(self, other: Any) -> Tensor:
        return _make(np.asarray(self._data >= _value(other)), False)

    def __contains__(self, element: Any) -> bool:
        """`2 in t`: whether any element equals it (a tensor: whether it occurs anywhere, broadcast)."""
        if not isinstance(element, (Tensor, _pyint, _pyfloat, bool, np.generic)):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                               f"{type(element)}.")
        return bool((self._data == _value(element)).any())

    # ------------------------------------------------------------------------------------------- in place
    def _inplace(self, fn: Callable[..., Tensor], *args: Any) -> Tensor:
        """Apply `fn` out of place, write the result into this tensor's memory and take over its history."""
        record = _autograd.is_grad_enabled() and (
            self.requires_grad or any(isinstance(a, Tensor) and a.requires_grad for a in args))
        if record and self.requires_grad and self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation. Wrap "
                               "the update in `with glassgrad.no_grad():` (as optimizers do), or work on a copy.")
        view = _view_node(self) if record else None
        if view is not None and view.inputs[0].is_leaf and view.inputs[0].requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation. "
                               "Wrap the update in `with glassgrad.no_grad():`, or work on a copy.")
        if record:
            old = _make(self._data.copy(), self.requires_grad)
            old.grad_fn, old.name = self.grad_fn, self.name
            result = fn(old, *args)
        else:
            with _autograd.no_grad():
                result = fn(_make(self._data, False), *args)
        if result.shape != self.shape:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(result.shape)}")
        try:
            np.copyto(self._data, result._data, casting="same_kind")
        except TypeError:
            raise RuntimeError(f"result type {result.dtype} can't be cast to the desired output type "
                               f"{self.dtype}") from None
        except ValueError as e:
            raise RuntimeError(f"cannot write into this tensor in place ({e}); it is a read-only broadcast "
                               "view, .clone() it first") from None
        self._version[0] += 1
        if record and result.grad_fn is not None:  # (an integer tensor written from a float one records nothing)
            result.grad_fn.made_at, result.grad_fn.prior = self._version[0], self.grad_fn  # (see _view_node)
            self.grad_fn, self.requires_grad = result.grad_fn, True
            if self.grad_fn.out_version is not None:
                self.grad_fn.out_version = (self._version, self._version[0])
            if view is not None:
                _rebase(view, self)
        return self

    def __iadd__(self, other: Any) -> Tensor:
        return self._inplace(_ops.add, _operand(self, other))

    def __isub__(self, other: Any) -> Tensor:
        return self._inplace(_ops.sub, _operand(self, other))

    def __imul__(self, other: Any) -> Tensor:
        return self._inplace(_ops.mul, _operand(self, other))

    def __itruediv__(self, other: Any) -> Tensor:
        return self._inplace(_ops.div, _operand(self, other))

    def __ipow__(self, other: Any) -> Tensor:
        return self._inplace(_ops.pow, _operand(self, other))

    def __ifloordiv__(self, other: Any) -> Tensor:
        return self._inplace(_ops.floor_divide, _operand(self, other))

    def __imod__(self, other: Any) -> Tensor:
        return self._inplace(_ops.remainder, _operand(self, other))

    def add_(self, other: Any, alpha: Any = 1) -> Tensor:
        return self._inplace(_ops.add, _operand(self, other) if alpha == 1 else _operand(self, other) * alpha)

    def sub_(self, other: Any, alpha: Any = 1) -> Tensor:
        return self._inplace(_ops.sub, _operand(self, other) if alpha == 1 else _operand(self, other) * alpha)

    def mul_(self, other: Any) -> Tensor:
        return self._inplace(_ops.mul, _operand(self, other))

    def div_(self, other: Any) -> Tensor:
        return self._inplace(_ops.div, _operand(self, other))

    def __setitem__(self, index: Any, v: Any) -> None:
        self._inplace(lambda old, val: _ops.setitem(old, index, val), _operand(self, v))

    def fill_(self, v: Any) -> Tensor:
        return self._inplace(lambda old, val: _ops.setitem(old, Ellipsis, val), _operand(self, v))

    def zero_(self) -> Tensor:
        return self.fill_(0)

    def copy_(self, src: Any) -> Tensor:
        return self._inplace(lambda old, val: _ops.setitem(old, Ellipsis, val), _as(src))

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Generator | None = None) -> Tensor:
        return self.copy_(_make(_stream(generator).uniform(a, b, self.shape).astype(self.dtype), False))

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Generator | None = None) -> Tensor:
        return self.copy_(_make(_stream(generator).normal(mean, std, self.shape).astype(self.dtype), False))

    def bernoulli_(self, p: Any = 0.5, *, generator: Generator | None = None) -> Tensor:
        """Each element 1 with probability p (a number, or a tensor of them), else 0."""
        return self.copy_(bernoulli(full_like(self, p, dtype=float64) if not isinstance(p, Tensor) else p,
                                    generator=generator).to(self.dtype))

    def bernoulli(self, p: Any = None, *, generator: Generator | None = None) -> Tensor:
        return bernoulli(self, p, generator=generator)

    def random_(self, start: int | None = None, to: int | None = None, *, generator: Generator | None = None) -> Tensor:
        """Integers drawn uniformly from [start, to), [0, start) with one bound, and with none from [0, 2^mantissa]
        for floats (every integer the dtype holds exactly), [0, max] for integers, as in PyTorch."""
        if start is None:
            d = self._data.dtype
            start, to = 0, 2 if d.kind == "b" else 2 ** (np.finfo(d).nmant + 1) + 1 if d.kind == "f" else (
                _pyint(np.iinfo(d).max) + 1)
        elif to is None:
            start, to = 0, start
        if start >= to:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={start} >= to={to}")
        return self.copy_(_make(_stream(generator).integers(start, to, self.shape).astype(self.dtype), False))

    def exponential_(self, lambd: float = 1.0, *, generator: Generator | None = None) -> Tensor:
        if lambd <= 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
        return self.copy_(_make(_stream(generator).exponential(1 / lambd, self.shape).astype(self.dtype), False))

    def geometric_(self, p: float, *, generator: Generator | None = None) -> Tensor:
        """The number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
        return self.copy_(_make(_stream(generator).geometric(p, self.shape).astype(self.dtype), False))

    # ---------------------------------------------------------------------------------- new tensors like this
    def type(self, dtype: Any = None) -> Any:
        """With no argument, the type's name ('glassgrad.FloatTensor'); else this tensor cast to `dtype`."""
        if dtype is None:
            return _type_name(self.dtype)
        if isinstance(dtype, str):  # 'torch.FloatTensor' / 'glassgrad.FloatTensor'
            dtype = np.dtype(next(d for d, n in _TYPE_NAMES.items() if n == dtype.rpartition(".")[2]))
        return self.to(getattr(dtype, "legacy_dtype", dtype))

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        return zeros(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        return ones(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_full(self, size: Sequence[int], fill_value: Any, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:
        return full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    new_empty = new_zeros

    def new_tensor(self, data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    # -------------------------------------------------------------------------------- ops with extra args
    def sum(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return _ops.sum(self, dim, keepdim)

    def mean(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return _ops.mean(self, dim, keepdim)

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        return _ops.max(self, dim, keepdim)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        return _ops.min(self, dim, keepdim)

    def view(self, *shape: Any) -> Tensor:
        return _ops.reshape(self, *shape)

    def reshape(self, *shape: Any) -> Tensor:
        return _ops.reshape(self, *shape)

    def permute(self, *dims: Any) -> Tensor:
        return _ops.permute(self, *dims)

    def expand(self, *shape: Any) -> Tensor:
        return _ops.expand(self, *shape)

    def expand_as(self, other: Tensor) -> Tensor:
        return _ops.expand(self, other.shape)

    def view_as(self, other: Tensor) -> Tensor:
        return _ops.reshape(self, other.shape)

    def square(self) -> Tensor:
        return _ops.mul(self, self)

    def clip(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        return _ops.clamp(self, min, max)


_new = object.__new__
_CPU = device("cpu")


def _view_node(t: Tensor) -> Any:
    """The node of the view op that made `t` (behind any in-place changes since), if `t` shares its input's memory."""
    n = t.grad_fn
    while n is not None and n.made_at is not None:
        n = n.prior
    if n is None or not n.op.is_view or n.inputs is None or isinstance(n.inputs, _autograd.Released) or (
            n.op.name not in _WRITE_BACK):
        return None
    base = n.inputs[0]
    return n if isinstance(base, Tensor) and np.may_share_memory(t._data, base._data) else None


_WRITE_BACK: dict[str, Callable[..., Tensor]] = {  # the base, given the view `v` of it that changed in place
    "getitem": lambda old, v, p: _ops.setitem(old, p["index"], v),
    "reshape": lambda old, v, p: _ops.reshape(v, old.shape),
    "transpose": lambda old, v, p: _ops.transpose(v, p["dim0"], p["dim1"]),
    "permute": lambda old, v, p: _ops.permute(v, tuple(np.argsort(p["dims"]))),
}


def _rebase(view: Any, v: Tensor) -> None:
    """An in-place change through view `v` changed its base's memory: record it in the base's history too (PyTorch's
    CopySlices), and in the base's own base, if it is a view as well."""
    base = view.inputs[0]
    outer = _view_node(base)
    old = _make(base._data, base.requires_grad)
    old.grad_fn = base.grad_fn
    new = _WRITE_BACK[view.op.name](old, v, view.params)
    new.grad_fn.made_at, new.grad_fn.prior = base._version[0], base.grad_fn
    base.grad_fn, base.requires_grad = new.grad_fn, True
    if outer is not None:
        _rebase(outer, base)


def _make(data: np.ndarray, requires_grad: bool) -> Tensor:
    """The fast constructor every op result goes through."""
    t = _new(Tensor)
    t._data = data
    t.requires_grad = requires_grad
    t._grad = None
    t.grad_fn = None
    t.name = None
    t._version = [0]
    t._hooks = None
    return t


def _value(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x


def _operand(t: Tensor, other: Any) -> Any:
    """The other side of an operator: a tensor, or a constant (Python numbers stay weakly typed, as in PyTorch)."""
    if isinstance(other, Tensor):
        return other
    if other.__class__ is _pyfloat and t._data.dtype.kind in "iub":
        return np.asarray(other, dtype=_config["dtype"])
    if other.__class__ in (_pyint, _pyfloat, bool):
        return other
    return np.asarray(other)


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """PyTorch's promote_types: a higher category wins outright (int64 with float32 is float32, not float64)."""
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    return np.promote_types(a, b) if ca == cb else a if ca > cb else b


def _promoted(t: Tensor, other: Any, divide: bool = False) -> tuple[Any, Any]:
    """`t` and the other operand of an arithmetic operator, cast to the result dtype PyTorch's promotion gives.

    A dimensioned tensor's dtype wins over a 0-d tensor's, and that over a Python number's, unless the lesser one
    is of a higher category (bool < integer < float): float32 * 2.5 and float32 * float64 0-d stay float32,
    int64 * 2.5 is the default float; true division of integers gives the default float.
    """
    d = t._data.dtype
    if isinstance(other, Tensor):
        od = other._data.dtype
        if od is d or od == d:
            if not divide or d.kind in "fc":
                return t, other  # the common case, kept cheap: it runs for every operator
            target = d
        elif (t._data.ndim > 0) == (other._data.ndim > 0):
            target = _promote_types(d, od)
        else:
            hi, lo = (d, od) if t._data.ndim > 0 else (od, d)
            target = lo if _CATEGORY[lo.kind] > _CATEGORY[hi.kind] else hi
    else:
        if d.kind == "f" and other.__class__ in (_pyfloat, _pyint):
            return t, other
        if isinstance(other, np.generic):
            other = other.item()
        if other.__class__ in (_pyfloat, _pyint, bool):  # Python numbers are weak: they never widen a float
            kind = "f" if other.__class__ is _pyfloat else "i" if other.__class__ is _pyint else "b"
            if _CATEGORY[kind] <= _CATEGORY[d.kind]:
                target = d
            else:
                target = _config["dtype"] if kind == "f" else int64
        else:
            return _promoted(t, _make(np.asarray(other), False), divide)
    if divide and target.kind not in "fc":
        target = _config["dtype"]
    if d != target:
        t = _ops.cast(t, target)
    if isinstance(other, Tensor) and other._data.dtype != target:
        other = _ops.cast(other, target)
    return t, other


def _as(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else tensor(x)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """`data` itself when it is already a tensor of that dtype, a tensor sharing a NumPy array's memory, else a copy."""
    _check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or np.dtype(dtype) == data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or np.dtype(dtype) == data.dtype):
        return _make(data, False)
    return tensor(data, dtype=dtype)


# --------------------------------------------------------------------------------------------- creation


def tensor(data: Any, dtype: Any = None, *, device: Any = None, requires_grad: bool = False,
           name: str | None = None) -> Tensor:
    """A new leaf tensor holding a copy of `data` (a number, nested lists, an array or a tensor)."""
    _check_device(device)
    if isinstance(data, Tensor):
        data = data._data
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        arr = np.array(data, dtype=dtype)
    else:
        arr = np.array(data)
        if arr.dtype == object or arr.dtype.kind in "US":
            raise TypeError(f"tensor(): could not make a numeric tensor from {type(data).__name__} "
                            f"(numbers or nested lists of equal length are expected)")
        if dtype is not None:
            arr = arr.astype(dtype)
        elif arr.dtype.kind == "f":
            arr = arr.astype(_config["dtype"])
        elif arr.dtype.kind in "iu":
            arr = arr.astype(int64)
    t = _make(arr, False)
    t.name = name
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with `array` (changes to one show in the other)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return _make(array, False)


def _size(size: tuple, op: str = "tensor") -> tuple[int, ...]:
    """A creator's size arguments, `(2, 3)` or `((2, 3),)`, checked as PyTorch checks them."""
    size = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
    for pos, n in enumerate(size, 1):
        if not isinstance(n, (_pyint, np.integer)) or isinstance(n, bool):
            raise TypeError(f"{op}(): argument 'size' must be a tuple of ints, but got {type(n).__name__} at "
                            f"position {pos}: {n!r}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"{op}(): Trying to create tensor with negative dimension {min(size)}: {list(size)}")
    return size


def _new_leaf(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = _make(arr, False)
    return t.requires_grad_(True) if requires_grad else t


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    _check_device(device)
    return _new_leaf(np.zeros(_size(size, "zeros"), dtype=dtype or _config["dtype"]), requires_grad)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    _check_device(device)
    return _new_leaf(np.ones(_size(size, "ones"), dtype=dtype or _config["dtype"]), requires_grad)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros: PyTorch leaves the memory uninitialised, which no program may rely on."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size: Sequence[int], fill_value: Any, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    _check_device(device)
    if dtype is None:
        dtype = _config["dtype"] if isinstance(fill_value, _pyfloat) else np.asarray(fill_value).dtype
    return _new_leaf(np.full(_size((size,), "full"), fill_value, dtype=dtype), requires_grad)


def zeros_like(t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return zeros(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def ones_like(t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return ones(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def empty_like(t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return zeros(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def full_like(t: Tensor, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return full(t.shape, fill_value, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    _check_device(device)
    if end is None:
        start, end = 0, start
    ints = all(isinstance(v, (_pyint, np.integer)) for v in (start, end, step))
    dtype = dtype or (int64 if ints else _config["dtype"])
    return _new_leaf(np.arange(start, end, step, dtype=dtype), requires_grad)


def linspace(start: Any, end: Any, steps: int, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    _check_device(device)
    return _new_leaf(np.linspace(start, end, steps, dtype=dtype or _config["dtype"]), requires_grad)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    _check_device(device)
    d = np.dtype(dtype or _config["dtype"])
    return _new_leaf((base ** np.linspace(start, end, steps)).astype(d), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    _check_device(device)
    return _new_leaf(np.eye(n, m, dtype=dtype or _config["dtype"]), requires_grad)


def rand(*size: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    _check_device(device)
    d = np.dtype(dtype or _config["dtype"])
    return _new_leaf(_stream(generator).random(_size(size, "rand")).astype(d), requires_grad)


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    _check_device(device)
    d = np.dtype(dtype or _config["dtype"])
    return _new_leaf(_stream(generator).standard_normal(_size(size, "randn")).astype(d), requires_grad)


def randint(*args: Any, size: Sequence[int] | None = None, generator: Generator | None = None, dtype: Any = None,
            device: Any = None) -> Tensor:
    """PyTorch's two forms: randint(high, size) and randint(low, high, size); integers in [low, high)."""
    _check_device(device)
    if size is None:
        *args, size = args
    low, high = (0, *args) if len(args) == 1 else args
    return _make(_stream(generator).integers(low, high, _size((size,), "randint")).astype(dtype or int64), False)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None, device: Any = None) -> Tensor:
    _check_device(device)
    return _make(_stream(generator).permutation(n).astype(dtype or int64), False)


def multinomial(input: Any, num_samples: int, replacement: bool = False, *,  # noqa: A002 - PyTorch's name
                generator: Generator | None = None) -> Tensor:
    """Indices drawn from each row of non-negative weights (they need not sum to 1), as torch.multinomial."""
    w = np.asarray(input._data if isinstance(input, Tensor) else input, dtype=np.float64)
    if w.ndim not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim, got {w.ndim}-D (shape {list(w.shape)})")
    if not np.isfinite(w).all() or (w < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    rows = w.reshape(-1, w.shape[-1])
    totals = rows.sum(axis=1)
    if (totals <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if not replacement and num_samples > (rows > 0).sum(axis=1).min():
        raise RuntimeError("invalid multinomial distribution (with replacement=False, not enough non-negative "
                           "category to sample)")
    rng = _stream(generator)
    out = np.stack([rng.choice(rows.shape[1], num_samples, replace=replacement, p=r / t)
                    for r, t in zip(rows, totals)]).astype(np.int64)
    return _make(out.reshape(*w.shape[:-1], num_samples), False)


def normal(mean: Any, std: Any = 1.0, size: Sequence[int] | None = None, *, generator: Generator | None = None,
           dtype: Any = None, device: Any = None) -> Tensor:
    """Samples of N(mean, std²): mean and std are numbers (then `size` is needed) or tensors (broadcast)."""
    _check_device(device)
    m, s = _value(mean), _value(std)
    shape = _size((size,), "normal") if size is not None else np.broadcast_shapes(np.shape(m), np.shape(s))
    like = [np.result_type(v) for v in (m, s) if isinstance(v, np.ndarray)]
    d = np.dtype(dtype or (like[0] if like else _config["dtype"]))
    return _make(np.asarray(_stream(generator).normal(m, s, shape), dtype=d), False)


def bernoulli(input: Any, p: Any = None, *, generator: Generator | None = None) -> Tensor:  # noqa: A002
    """1 with probability `input` (each element in [0, 1]; or with probability p for every element), else 0."""
    probs = np.asarray(_value(input) if p is None else np.full(np.shape(_value(input)), _value(p)))
    if ((probs < 0) | (probs > 1)).any() or np.isnan(probs).any():
        raise RuntimeError("bernoulli: the probabilities must be in [0, 1] (got "
                           f"{probs[(probs < 0) | (probs > 1) | np.isnan(probs)].flat[0]})")
    d = _value(input).dtype if isinstance(input, Tensor) else _config["dtype"]
    return _make((_stream(generator).random(probs.shape) < probs).astype(d), False)


def rand_like(t: Tensor, dtype: Any = None, device: Any = None) -> Tensor:
    return rand(t.shape, dtype=dtype or t.dtype, device=device)


def randn_like(t: Tensor, dtype: Any = None, device: Any = None) -> Tensor:
    return randn(t.shape, dtype=dtype or t.dtype, device=device)


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def numel(t: Tensor) -> int:
    return t.numel()


# The op table's function forms become methods: x.exp() is exp(x).
from glassgrad import autograd as _autograd  # noqa: E402
from glassgrad import functional as _ops  # noqa: E402
from glassgrad.ops import composite as _composite  # noqa: E402

for _name in ("exp", "log", "log1p", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "neg", "erf", "erfc",
              "softplus", "leaky_relu", "gelu", "clamp", "maximum", "minimum", "pow", "add", "sub", "mul", "div",
              "matmul", "var", "std", "amax", "amin", "logsumexp", "softmax", "log_softmax", "flatten", "squeeze",
              "unsqueeze", "transpose", "split", "chunk", "broadcast_to", "logit"):
    setattr(Tensor, _name, getattr(_ops, _name))
for _name in ("log2", "log10", "expm1", "tan", "sinh", "cosh", "floor", "ceil", "trunc", "frac", "reciprocal",
              "rsqrt", "square", "exp2", "asin", "acos", "atan", "asinh", "acosh", "atanh", "arcsin", "arccos",
              "arctan", "arcsinh", "arccosh", "arctanh"):  # each with its in-place form
    setattr(Tensor, _name, getattr(_ops, _name))
    setattr(Tensor, f"{_name}_", lambda self, _fn=getattr(_ops, _name): self._inplace(_fn))
Tensor.__add__, Tensor.__sub__, Tensor.__mul__, Tensor.__truediv__, Tensor.__pow__ = (  # type: ignore[assignment]
    _ops.add, _ops.sub, _ops.mul, _ops.div, _ops.pow)
Tensor.__floordiv__, Tensor.__mod__ = _ops.floor_divide, _ops.remainder  # type: ignore[attr-defined]
for _name, _fn in (("and", _ops.bitwise_and), ("or", _ops.bitwise_or), ("xor", _ops.bitwise_xor),
                   ("lshift", _ops.bitwise_left_shift), ("rshift", _ops.bitwise_right_shift)):
    setattr(Tensor, f"__{_name}__", _fn)
    setattr(Tensor, f"__r{_name}__", lambda self, other, _fn=_fn: _fn(other, self))
    setattr(Tensor, f"__i{_name}__", lambda self, other, _fn=_fn: self._inplace(_fn, _operand(self, other)))
    setattr(Tensor, _fn.__name__, _fn)
    setattr(Tensor, f"{_fn.__name__}_", lambda self, other, _fn=_fn: self._inplace(_fn, _operand(self, other)))
Tensor.__invert__ = Tensor.bitwise_not = _ops.bitwise_not  # type: ignore[attr-defined]
Tensor.bitwise_not_ = lambda self: self._inplace(_ops.bitwise_not)  # type: ignore[attr-defined]
for _name, _fn in (("radd", _ops.add), ("rsub", _ops.sub), ("rmul", _ops.mul), ("rtruediv", _ops.div),
                   ("rpow", _ops.pow), ("rfloordiv", _ops.floor_divide), ("rmod", _ops.remainder)):
    setattr(Tensor, f"__{_name}__", lambda self, other, _fn=_fn: _fn(other, self))
for _name in ("t", "mm", "mv", "bmm", "dot", "outer", "norm", "cumsum", "cumprod", "any", "all", "sort",
              "argsort", "topk", "median", "masked_fill", "unbind", "repeat", "repeat_interleave", "gather", "scatter",
              "scatter_add", "index_select", "nonzero", "flip", "roll", "tril", "triu", "movedim", "unflatten",
              "isnan", "isinf", "isfinite", "sign", "allclose", "isclose", "equal", "eq", "ne", "gt", "ge", "lt", "le",
              "unique", "take_along_dim", "remainder", "floor_divide", "argmax", "argmin", "round", "prod"):
    setattr(Tensor, _name, getattr(_composite if hasattr(_composite, _name) else _ops, _name))
_WITH_ARGS = ("atan2", "arctan2", "hypot", "xlogy", "copysign", "fmod", "remainder", "lerp", "addcmul", "addcdiv",
              "nan_to_num", "heaviside", "negative", "sgn", "sinc", "deg2rad", "rad2deg")
for _name in _WITH_ARGS + ("logaddexp", "logaddexp2", "fmax", "fmin", "signbit", "positive", "float_power"):
    setattr(Tensor, _name, getattr(_ops, _name))
for _name, _fn in (("sqrt", _ops.sqrt), ("exp", _ops.exp), ("log", _ops.log), ("abs", _ops.abs), ("neg", _ops.neg),
                   ("relu", _ops.relu), ("sigmoid", _ops.sigmoid), ("tanh", _ops.tanh), ("pow", _ops.pow),
                   ("round", _ops.round), ("logit", _ops.logit),
                   ("clamp", _ops.clamp), ("masked_fill", _composite.masked_fill),
                   ("scatter", _composite.scatter), ("scatter_add", _composite.scatter_add),
                   ("index_put", _composite.index_put), ("scatter_reduce", _composite.scatter_reduce),
                   *((_n, getattr(_ops, _n)) for _n in _WITH_ARGS)):  # in-place forms take the method's arguments
    setattr(Tensor, f"{_name}_", lambda self, *args, _fn=_fn, **kw: self._inplace(
        lambda old, *a: _fn(old, *a, **kw), *args))
from glassgrad.ops import indexing as _indexing  # noqa: E402

for _name in ("narrow", "select", "masked_select", "tile", "swapaxes", "swapdims", "flipud", "fliplr", "rot90", "ravel",
              "take", "tensor_split", "hsplit", "vsplit", "dsplit", "diff", "unfold", "index_add", "index_fill",
              "index_copy", "diag_embed"):
    setattr(Tensor, _name, getattr(_indexing, _name))
for _name in ("index_add", "index_fill", "index_copy"):
    setattr(Tensor, f"{_name}_", lambda self, *args, _fn=getattr(_indexing, _name), **kw: self._inplace(
        lambda old, *a: _fn(old, *a, **kw), *args))
for _name in ("addmm", "addmv", "addbmm", "baddbmm", "addr", "diag", "diagonal", "trace", "cross", "kron", "inner",
              "matrix_power", "slogdet", "det", "inverse"):
    setattr(Tensor, _name, getattr(_ops, _name))
Tensor.true_divide = Tensor.divide = Tensor.div  # type: ignore[attr-defined]
Tensor.multiply, Tensor.subtract = Tensor.mul, Tensor.sub  # type: ignore[attr-defined]
for _name, _d in (("half", float16), ("byte", uint8), ("short", int16), ("char", int8)):
    setattr(Tensor, _name, lambda self, _d=_d: self.to(_d))
Tensor.itemsize = property(lambda self: self._data.itemsize)  # type: ignore[attr-defined]
Tensor.nbytes = property(lambda self: self._data.nbytes)  # type: ignore[attr-defined]
Tensor.element_size = lambda self: self._data.itemsize  # type: ignore[attr-defined]
Tensor.ndimension, Tensor.is_cuda, Tensor.get_device = Tensor.dim, False, lambda self: -1  # type: ignore[attr-defined]
Tensor.is_floating_point = lambda self: self._data.dtype.kind == "f"  # type: ignore[attr-defined]
Tensor.is_complex = lambda self: self._data.dtype.kind == "c"  # type: ignore[attr-defined]
for _name in ("clamp_min", "clamp_max", "logical_and", "logical_or", "logical_xor", "logical_not"):
    setattr(Tensor, _name, getattr(_ops, _name))
for _name in ("cummax", "cummin", "aminmax", "nansum", "nanmean", "kthvalue", "mode", "quantile", "nanquantile",
              "count_nonzero", "bincount", "histc", "logcumsumexp", "index_put", "scatter_reduce"):
    setattr(Tensor, _name, getattr(_ops, _name))
Tensor.fix, Tensor.fix_ = Tensor.trunc, Tensor.trunc_  # type: ignore[attr-defined]
Tensor.clip_ = Tensor.clamp_  # type: ignore[attr-defined]


def _float_power_(self: Tensor, exponent: Any) -> Tensor:
    """In place, float_power's double precision needs a double base: anything else is PyTorch's error, not a cast."""
    if self._data.dtype != float64:
        name = {"float16": "Half", "float32": "Float"}.get(self._data.dtype.name, self._data.dtype.name)
        raise RuntimeError(f"the base given to float_power_ has dtype {name} but the operation's result requires "
                           "dtype Double")
    return self._inplace(_ops.float_power, exponent)


Tensor.float_power_ = _float_power_  # type: ignore[attr-defined]
Tensor.where = lambda self, condition, other: _ops.where(condition, self, other)  # type: ignore[attr-defined]
for _name in _ops._AXIS_ALIASED:
    if hasattr(Tensor, _name):
        setattr(Tensor, _name, _ops._numpy_names(getattr(Tensor, _name)))
