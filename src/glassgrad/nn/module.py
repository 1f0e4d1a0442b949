"""Module: the container of parameters, buffers and submodules behind every layer, as in torch.nn."""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import numpy as np

from glassgrad.nn.parameter import Parameter
from glassgrad.ops.function import Function
from glassgrad.tensor import Tensor, _make, _RemovableHandle


class IncompatibleKeys(NamedTuple):
    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of layers and models: subclass, assign Parameters and Modules in __init__, write forward.

    Parameters and submodules are recorded in `_parameters`/`_modules` (for naming and state dicts) and also
    stay plain attributes, so `self.weight` in a forward pass costs one dictionary lookup.
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_hooks", None)  # {"forward_pre": [...], "forward": [...], "backward": [...]}

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.__dict__.get("_hooks") is None:
            return self.forward(*args, **kwargs)
        return _call_with_hooks(self, self._hooks, args, kwargs)

    # ---------------------------------------------------------------------------------------------- hooks
    def _hook_list(self, kind: str, entry: Any, prepend: bool = False) -> _RemovableHandle:
        """Hooks run in the order registered (prepend=True: before the others). Pre-hooks with with_kwargs=True are
        kept as (hook,), forward hooks as (hook, with_kwargs, always_call), so that the call knows how to run them."""
        if self.__dict__.get("_hooks") is None:
            object.__setattr__(self, "_hooks", {"forward_pre": [], "forward": [], "backward": []})
        self._hooks[kind].insert(0, entry) if prepend else self._hooks[kind].append(entry)
        return _RemovableHandle(self._hooks[kind], entry)

    def register_forward_pre_hook(self, hook: Any, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> _RemovableHandle:
        """`hook(module, args)` before forward; a returned value (a tuple, or one argument) replaces args. With
        with_kwargs=True: `hook(module, args, kwargs)`, returning None or (new_args, new_kwargs)."""
        return self._hook_list("forward_pre", (hook,) if with_kwargs else hook, prepend)

    def register_forward_hook(self, hook: Any, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> _RemovableHandle:
        """`hook(module, args, output)` after forward (with_kwargs=True: `hook(module, args, kwargs, output)`); a
        returned value replaces the output. always_call=True: it also runs if forward (or a hook) raises, with
        the output None, before the error propagates (clean-up such as a profiler's)."""
        return self._hook_list("forward", (hook, with_kwargs, always_call), prepend)

    def register_full_backward_hook(self, hook: Any) -> _RemovableHandle:
        """`hook(module, grad_input, grad_output)` once the gradients of the module's inputs are computed; a
        returned tuple replaces grad_input. (Entries are None for inputs that do not require grad.)"""
        return self._hook_list("backward", hook)

    def get_submodule(self, target: str) -> Module:
        """The submodule at the dotted path `target` ("" is this module), e.g. "encoder.0"."""
        mod = self
        for item in target.split(".") if target else ():
            child = mod._modules.get(item)
            if child is None:
                raise AttributeError(f"{type(mod).__name__} has no attribute `{item}`")
            mod = child
        return mod

    def get_parameter(self, target: str) -> Parameter:
        path, _, name = target.rpartition(".")
        mod = self.get_submodule(path)
        if name not in mod._parameters:
            raise AttributeError(f"{type(mod).__name__} has no parameter `{name}`")
        return mod._parameters[name]

    # ----------------------------------------------------------------------------------------- registration
    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            if isinstance(value, (Parameter, Module)):
                raise AttributeError(f"cannot assign {type(value).__name__} '{name}' before Module.__init__() call: "
                                     "call super().__init__() first in your __init__")
            object.__setattr__(self, name, value)
            return
        if isinstance(value, Parameter):
            self._modules.pop(name, None)
            self._buffers.pop(name, None)
            self._parameters[name] = value
            value.name = name
        elif isinstance(value, Module):
            self._parameters.pop(name, None)
            self._buffers.pop(name, None)
            self._modules[name] = value
            _label_parameters(value, name)
        elif name in self._parameters:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                                f"(glassgrad.nn.Parameter or None expected)")
            self._parameters[name] = None
        elif name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                f"(glassgrad.Tensor or None expected)")
            self._buffers[name] = value
        elif name in self._modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' "
                                f"(glassgrad.nn.Module or None expected)")
            self._modules[name] = None
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register `param` (or None, for an absent optional parameter such as a bias) under `name`."""
        if param is not None:
            setattr(self, name, param)
            return
        self._parameters[name] = None
        object.__setattr__(self, name, None)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """A tensor that belongs to the state (saved, loaded) but is not learned, e.g. BatchNorm's running mean."""
        if not persistent:
            self.__dict__.setdefault("_non_persistent", set()).add(name)
        self._buffers[name] = tensor
        object.__setattr__(self, name, tensor)

    def add_module(self, name: str, module: Module | None) -> None:
        if not isinstance(name, str) or "." in name or name == "":
            raise KeyError(f'module name should be a non-empty string without ".", got {name!r}')
        self._modules[name] = module
        object.__setattr__(self, name, module)
        if module is not None:
            _label_parameters(module, name)

    # ---------------------------------------------------------------------------------------------- walking
    def named_modules(self, memo: set | None = None, prefix: str = "") -> Iterator[tuple[str, Module]]:
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is not None:
                yield from m.named_modules(memo, f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for name, m in self._modules.items():
            if m is not None:
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        seen: set[int] = set()
        mods = self.named_modules(prefix=prefix) if recurse else iter([(prefix, self)])
        for mod_prefix, m in mods:
            for name, p in m._parameters.items():
                if p is not None and id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{mod_prefix}.{name}" if mod_prefix else name), p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        mods = self.named_modules(prefix=prefix) if recurse else iter([(prefix, self)])
        for mod_prefix, m in mods:
            for name, b in m._buffers.items():
                if b is not None:
                    yield (f"{mod_prefix}.{name}" if mod_prefix else name), b

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ------------------------------------------------------------------------------------------------ modes
    def train(self, mode: bool = True) -> Module:
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad._data[...] = 0

    def apply(self, fn: Any) -> Module:
        """Call `fn(module)` on every submodule and then on this one (e.g. to re-initialise weights)."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def to(self, *args: Any, dtype: Any = None, device: Any = None, non_blocking: bool = False) -> Module:
        """Cast floating-point parameters and buffers to `dtype` in place; the CPU device is accepted (as in
        Tensor.to, another device is an error)."""
        from glassgrad.tensor import _check_device
        from glassgrad.tensor import device as _device

        for a in args:
            if isinstance(a, (str, _device)):
                device = a
            else:
                dtype = a
        _check_device(device)
        if dtype is None:
            return self
        d = np.dtype(dtype)
        for t in list(self.parameters()) + list(self.buffers()):
            if t._data.dtype.kind == "f" and t._data.dtype != d:
                t._data = t._data.astype(d)
                t._version[0] += 1
                if t.grad is not None:
                    t.grad = _make(t.grad._data.astype(d), False)
        return self

    def double(self) -> Module:
        return self.to(np.float64)

    def float(self) -> Module:
        return self.to(np.float32)

    def half(self) -> Module:
        return self.to(np.float16)

    def type(self, dst_type: Any) -> Module:  # noqa: A003 - PyTorch's name
        """Cast the floating-point parameters and buffers to dst_type (a dtype or a legacy type: gg.DoubleTensor)."""
        return self.to(getattr(dst_type, "legacy_dtype", dst_type))

    def cpu(self) -> Module:
        return self

    # ------------------------------------------------------------------------------------------ state dicts
    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> OrderedDict[str, Tensor]:
        """Every parameter and persistent buffer by dotted name: the names torch.nn uses for the same model."""
        out: OrderedDict[str, Tensor] = OrderedDict()
        for mod_prefix, m in self.named_modules(prefix=prefix.rstrip(".")):
            skip = m.__dict__.get("_non_persistent", ())
            for name, t in list(m._parameters.items()) + [(k, v) for k, v in m._buffers.items() if k not in skip]:
                if t is not None:
                    out[f"{mod_prefix}.{name}" if mod_prefix else name] = t if keep_vars else t.detach()
        return out

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values into this module's tensors (in place, so optimizers keep working); PyTorch's errors."""
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        for k, t in own.items():
            if k not in state_dict:
                continue
            v = state_dict[k]
            arr = np.asarray(v._data if isinstance(v, Tensor) else v)
            if arr.shape != t._data.shape:
                errors.append(f"size mismatch for {k}: copying a param with shape {_size(arr.shape)} from "
                              f"checkpoint, the shape in current model is {_size(t._data.shape)}.")
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected)
                              + ". ")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        for k, t in own.items():
            if k in state_dict:
                v = state_dict[k]
                np.copyto(t._data, np.asarray(v._data if isinstance(v, Tensor) else v), casting="unsafe")
                t._version[0] += 1
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------------------------------------- repr
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = []
        for name, m in self._modules.items():
            body = repr(m).replace("\n", "\n  ")
            lines.append(f"({name}): {body}")
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        head = f"{type(self).__name__}(" + (f"\n  {extra}" if extra else "")
        return head + "\n  " + "\n  ".join(lines) + "\n)"


def _call_with_hooks(module: Module, hooks: dict, args: tuple, kwargs: dict) -> Any:
    """Module.__call__ when hooks are registered: pre-hooks, forward, forward hooks, and the backward hook's
    wiring (an identity node on each input and a hook on the output, which meet when the input gradients are in).
    If any of it raises, the always_call forward hooks that have not run yet run, as in PyTorch."""
    out, ran = None, []

    def call(h: tuple) -> Any:
        ran.append(h)
        r = h[0](module, args, kwargs, out) if h[1] else h[0](module, args, out)
        return out if r is None else r

    def run() -> Any:
        nonlocal args, kwargs, out
        args, kwargs = _pre_hooks(module, hooks["forward_pre"], args, kwargs)
        if hooks["backward"]:
            args = tuple(BackwardHookFunction.apply(a) if isinstance(a, Tensor) and a.requires_grad else a
                         for a in args)
        out = module.forward(*args, **kwargs)
        for h in hooks["forward"]:
            out = call(h)
        if hooks["backward"] and isinstance(out, Tensor) and out.requires_grad:
            _BackwardHooks(module, hooks["backward"], args, out)
        return out

    try:
        return run()
    except Exception:
        for h in hooks["forward"]:
            if h[2] and not any(h is done for done in ran):
                try:
                    out = call(h)
                except Exception as e:  # PyTorch warns, and re-raises the first error
                    warnings.warn("module forward hook with ``always_call=True`` raised an exception that was "
                                  f"silenced as another error was raised in forward: {e}", stacklevel=2)
        raise


def _pre_hooks(module: Module, pre_hooks: list, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    for h in pre_hooks:
        if isinstance(h, tuple):  # with_kwargs
            r = h[0](module, args, kwargs)
            if r is not None:
                if not (isinstance(r, tuple) and len(r) == 2):
                    raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                       f"but got {r}.")
                args, kwargs = r
            continue
        r = h(module, args)
        if r is not None:
            args = r if isinstance(r, tuple) else (r,)
    return args, kwargs


class BackwardHookFunction(Function):
    """The identity, recorded (PyTorch's name): the node at which a full backward hook gets grad_input."""

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        return x

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> Tensor:
        return g


class _BackwardHooks:
    """One forward call's backward hooks: grad_output arrives first, then one gradient per input."""

    def __init__(self, module: Module, hooks: list, args: tuple, out: Tensor) -> None:
        self.module, self.hooks, self.grad_output = module, list(hooks), None
        self.wanted = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        self.grad_input: list = [None] * len(args)
        out.register_hook(self._output)
        for i in self.wanted:
            args[i].register_hook(lambda g, i=i: self._input(i, g))

    def _output(self, g: Tensor) -> None:
        self.grad_output = (g,)
        if not self.wanted:  # no input requires grad (a first layer): the hook runs now, with grad_input None
            self._run()

    def _input(self, i: int, g: Tensor) -> Any:
        self.grad_input[i] = g
        if any(self.grad_input[k] is None for k in self.wanted):
            return None
        new = self._run()
        if new is not None and len(self.wanted) > 1:
            raise NotImplementedError("a full backward hook may replace grad_input only for modules with one input "
                                      "that requires grad")
        return None if new is None else new[i]

    def _run(self) -> Any:
        replaced = None
        for h in self.hooks:
            r = h(self.module, tuple(self.grad_input) if replaced is None else replaced, self.grad_output)
            if r is not None:
                replaced = tuple(r)
        return replaced


def _label_parameters(module: Module, prefix: str) -> None:
    """Name parameters by their path from the outermost module ("fc1.weight"), so explanations say which."""
    for name, p in module.named_parameters(prefix=prefix):
        p.name = name


def _size(shape: tuple[int, ...]) -> str:
    return f"glassgrad.Size({list(shape)})"


class _Indexed(Module):
    """What Sequential and ModuleList share: modules at positions "0", "1", ..., renumbered when one goes."""

    def _key(self, idx: int) -> str:
        n = len(self._modules)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range")
        return list(self._modules)[idx % n]

    def _renumber(self, modules: Iterable[Module]) -> None:
        modules = list(modules)
        for key in list(self._modules):
            delattr(self, key)
        for m in modules:
            self.add_module(str(len(self._modules)), m)
        self._changed()

    def add_module(self, name: str, module: Module | None) -> None:
        super().add_module(name, module)
        self._changed()

    def _changed(self) -> None:
        """Called after the modules change (Sequential keeps its chain for forward)."""

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(self._key(idx), module)

    def __delitem__(self, idx: int | slice) -> None:
        values = list(self._modules.values())
        del values[idx]
        self._renumber(values)

    def insert(self, index: int, module: Module) -> Any:
        values = list(self._modules.values())
        values.insert(index, module)
        self._renumber(values)
        return self

    def append(self, module: Module) -> Any:
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Any:
        for m in modules:
            self.append(m)
        return self

    def pop(self, idx: int = -1) -> Module:
        module = self[idx]
        del self[idx]
        return module

    def __add__(self, other: Iterable[Module]) -> Any:
        return type(self)().extend([*self, *other])

    def __iadd__(self, other: Iterable[Module]) -> Any:
        return self.extend(other)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())


class Sequential(_Indexed):
    """Modules applied one after another; named "0", "1", ... or by the keys of an OrderedDict."""

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], (dict, OrderedDict)):
            for name, m in args[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(args):
                self.add_module(str(i), m)
        self._chain = tuple(self._modules.values())

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if isinstance(value, Module):  # `seq.extra = layer` joins the chain, as in PyTorch
            self._changed()

    def _changed(self) -> None:
        object.__setattr__(self, "_chain", tuple(m for m in self._modules.values() if m is not None))

    def forward(self, x: Any) -> Any:
        for m in self._chain:
            x = m(x)
        return x

    def __getitem__(self, idx: int | slice) -> Any:
        items = list(self._modules.items())
        if isinstance(idx, slice):
            return Sequential(OrderedDict(items[idx]))
        return items[idx][1]


class ModuleList(_Indexed):
    """A list of modules whose parameters the parent module sees (a plain list would hide them)."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        for m in modules or ():
            self.append(m)

    def __getitem__(self, idx: int | slice) -> Any:
        values = list(self._modules.values())
        return ModuleList(values[idx]) if isinstance(idx, slice) else values[idx]


class ModuleDict(Module):
    """Modules by name, registered so the parent sees their parameters."""

    def __init__(self, modules: dict[str, Module] | None = None) -> None:
        super().__init__()
        for name, m in (modules or {}).items():
            self.add_module(name, m)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def __delitem__(self, key: str) -> None:
        delattr(self, key)

    def keys(self) -> Iterable[str]:
        return self._modules.keys()

    def items(self) -> Iterable[tuple[str, Module]]:
        return self._modules.items()

    def values(self) -> Iterable[Module]:
        return self._modules.values()

    def update(self, modules: Any) -> None:
        for name, m in (modules.items() if hasattr(modules, "items") else modules):
            self.add_module(name, m)

    def pop(self, key: str) -> Module:
        m = self._modules[key]
        delattr(self, key)
        return m


def _as_parameter(value: Any) -> Any:
    """PyTorch's containers make a plain tensor a Parameter (sharing its memory)."""
    return Parameter(value) if isinstance(value, Tensor) and not isinstance(value, Parameter) else value


class ParameterList(Module):
    """A list of parameters the parent module sees (registered as "0", "1", ...)."""

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        for v in values or ():
            self.append(v)

    def append(self, value: Any) -> ParameterList:
        setattr(self, str(len(self)), _as_parameter(value))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        for v in values:
            self.append(v)
        return self

    def __getitem__(self, idx: int | slice) -> Any:
        values = list(self._parameters.values())
        return ParameterList(values[idx]) if isinstance(idx, slice) else values[idx]

    def __setitem__(self, idx: int, value: Any) -> None:
        setattr(self, str(idx % len(self)), _as_parameter(value))

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._parameters.values())

    def extra_repr(self) -> str:
        return _parameter_lines(self)


class ParameterDict(Module):
    """Parameters by name, registered so the parent module sees them."""

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        return self._parameters[key]

    def __setitem__(self, key: str, value: Any) -> None:
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        delattr(self, key)

    def __contains__(self, key: str) -> bool:
        return key in self._parameters

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def keys(self) -> Iterable[str]:
        return self._parameters.keys()

    def items(self) -> Iterable[tuple[str, Any]]:
        return self._parameters.items()

    def values(self) -> Iterable[Any]:
        return self._parameters.values()

    def update(self, parameters: Any) -> None:
        for k, v in (parameters.items() if hasattr(parameters, "items") else parameters):
            self[k] = v

    def pop(self, key: str) -> Any:
        p = self._parameters[key]
        delattr(self, key)
        return p

    def extra_repr(self) -> str:
        return _parameter_lines(self)


def _parameter_lines(m: Module) -> str:
    """PyTorch's listing of a parameter container: one line per parameter, its dtype and size."""
    return "\n".join(f"({k}): Parameter containing: [glassgrad.{p.dtype} of size {'x'.join(map(str, p.shape))}]"
                     for k, p in m._parameters.items())
