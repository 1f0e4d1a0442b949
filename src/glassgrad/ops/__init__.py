"""The op table: every differentiable op, declared once with its forward, backward and formula.

`glassgrad.ops.table.TABLE` lists them by name; `base` says what an entry holds.
"""
