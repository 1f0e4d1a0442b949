"""Your own data from a CSV file: a numeric table with one target column, read with clear errors."""

from __future__ import annotations

import csv
import os
from typing import Any

import numpy as np

from glassgrad.data.loader import TensorDataset
from glassgrad.tensor import _make, get_default_dtype


class CSVDataset(TensorDataset):
    """`tensors` is (X, y); `feature_names` and `target_name` come from the header, `classes` from text labels."""

    def __init__(self, x: np.ndarray, y: np.ndarray, feature_names: list[str], target_name: str,
                 classes: list[str] | None) -> None:
        super().__init__(_make(x, False), _make(y, False))
        self.feature_names, self.target_name, self.classes = feature_names, target_name, classes


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def from_csv(path: str | os.PathLike, target: int | str = -1, header: bool | None = None,
             delimiter: str = ",") -> CSVDataset:
    """Read a CSV into (X, y). `target` is a column name or index; `header` None detects a header row.

    Integer-valued targets become class indices (int64), other numbers float targets; text targets become class
    indices with `classes` listing their names in sorted order.
    """
    with open(path, newline="", encoding="utf-8") as f:
        rows = [(i + 1, r) for i, r in enumerate(csv.reader(f, delimiter=delimiter)) if any(c.strip() for c in r)]
    name = os.fspath(path)
    if not rows:
        raise ValueError(f"from_csv: {name} has no rows")
    first = rows[0][1]
    if header is None:
        header = not all(_is_number(c) for c in first)
    names = [c.strip() for c in first] if header else [f"column {i}" for i in range(len(first))]
    body = rows[1:] if header else rows
    if not body:
        raise ValueError(f"from_csv: {name} has a header but no data rows")
    width = len(names)
    for line, r in body:
        if len(r) != width:
            raise ValueError(f"from_csv: {name} line {line} has {len(r)} cells, expected {width} (as in line "
                             f"{rows[0][0]}); every row needs the same columns")
    col = _target_index(target, names, name)
    features = [i for i in range(width) if i != col]
    x = np.empty((len(body), len(features)), dtype=get_default_dtype())
    for r_i, (line, r) in enumerate(body):
        for c_i, c in enumerate(features):
            try:
                x[r_i, c_i] = float(r[c])
            except ValueError:
                raise ValueError(f"from_csv: {name} line {line}, column {names[c]!r}: {r[c]!r} is not a number "
                                 f"(feature columns must be numeric; drop or encode this column)") from None
    y, classes = _targets([r[col].strip() for _, r in body], [line for line, _ in body], name, names[col])
    return CSVDataset(x, y, [names[i] for i in features], names[col], classes)


def _target_index(target: Any, names: list[str], path: str) -> int:
    if isinstance(target, str):
        if target not in names:
            raise KeyError(f"from_csv: target column {target!r} not found in {path}; columns are {names}")
        return names.index(target)
    if not -len(names) <= target < len(names):
        raise IndexError(f"from_csv: target column index {target} is out of range for {len(names)} columns "
                         f"{names}")
    return target % len(names)


def _targets(cells: list[str], lines: list[int], path: str, column: str) -> tuple[np.ndarray, list[str] | None]:
    for cell, line in zip(cells, lines):
        if cell == "":
            raise ValueError(f"from_csv: {path} line {line}: the target column {column!r} is empty; every row "
                             "needs a target")
    if all(_is_number(c) for c in cells):
        values = np.array([float(c) for c in cells])
        if np.all(values == np.round(values)):
            return values.astype(np.int64), None
        return values.astype(get_default_dtype()), None
    classes = sorted(set(cells))
    lookup = {c: i for i, c in enumerate(classes)}
    return np.array([lookup[c] for c in cells], dtype=np.int64), classes
