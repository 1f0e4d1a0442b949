"""Every op of the table, by name: what the explainer and the tests iterate over."""

from glassgrad.ops import activation, conv, elementwise, linalg, loss, recurrent, reduce, shape
from glassgrad.ops.base import Op

TABLE: dict[str, type[Op]] = {
    cls.name: cls
    for module in (elementwise, activation, reduce, shape, linalg, loss, conv, recurrent)
    for cls in vars(module).values()
    if isinstance(cls, type) and issubclass(cls, Op) and cls is not Op and cls.__module__ == module.__name__
}
