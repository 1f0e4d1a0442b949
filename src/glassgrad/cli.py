"""The `glassgrad` command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    import glassgrad as gg

    w = gg.tensor(2.0, requires_grad=True)
    x = gg.tensor([5.0])
    loss = (gg.tensor([12.0]) - w * x) ** 2
    loss.backward()
    print(f"loss = {loss.item():g}, dloss/dw = {w.grad.item():g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
