"""Your own data from a CSV file: a numeric table with one target column, read with clear errors.

Whatever a file holds, it is read as numbers that mean what the text says, or refused with the file, the line and
the column: no silent NaN, no silent inf from a value outside the dtype's range, no silent change of task.
"""

from __future__ import annotations

import csv
import os
from typing import Any, Literal

import numpy as np

from glassgrad.data.loader import TensorDataset
from glassgrad.tensor import _make, get_default_dtype

Task = Literal["classification", "regression"]
TASKS = ("classification", "regression")
DELIMITERS = ",;\t|"  # what the delimiter sniffer may choose from
SNIFF_CHARS = 8192  # how much of the file the sniffer reads
_NON_FINITE = {"nan", "inf", "infinity"}  # what float() reads as NaN or ±inf, besides overflowing numbers


class CSVDataset(TensorDataset):
    """`tensors` is (X, y); `feature_names` and `target_name` come from the header, `classes` from text labels.

    `task` is 'classification' (y holds int64 class indices) or 'regression' (y holds floats); `inferred` says
    whether it was read off the target column (and why) rather than given, which the repr shows.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, feature_names: list[str], target_name: str,
                 classes: list[str] | None, task: Task = "regression", inferred: str | None = None,
                 source: str = "") -> None:
        super().__init__(_make(x, False), _make(y, False))
        self.feature_names, self.target_name, self.classes = feature_names, target_name, classes
        self.task, self.inferred, self.source = task, inferred, source

    def __repr__(self) -> str:
        x, y = self.tensors
        what = self.task
        if self.task == "classification":
            what += f", {len(self.classes) if self.classes else int(y._data.max()) + 1} classes"
        how = f" (inferred: {self.inferred})" if self.inferred else ""
        return (f"CSVDataset({self.source!r}: {x.shape[0]} rows, features {self.feature_names}, target "
                f"{self.target_name!r}: {what}{how})")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def from_csv(path: str | os.PathLike, target: int | str = -1, header: bool | None = None,
             delimiter: str | None = None, task: Task | None = None, allow_nan: bool = False) -> CSVDataset:
    """Read a CSV into (X, y). `target` is a column name or index; `header` None detects a header row.

    `delimiter` None sniffs it (comma, semicolon, tab or bar). `task` None infers it from the target column:
    text labels and whole numbers make a classification (int64 class indices; text labels become indices into
    `classes`, sorted), other numbers a regression (float targets); pass `task` to decide yourself. NaN and
    infinite cells are refused unless `allow_nan`; numbers outside the default dtype's range always are.
    """
    name = os.fspath(path)
    if task not in (None, *TASKS):
        raise ValueError(f"from_csv: task must be 'classification', 'regression' or None (infer), got {task!r}")
    rows, delimiter = _read_rows(path, name, delimiter)
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
    if width < 2:
        raise ValueError(f"from_csv: {name} has a single column {names[0]!r}, so no feature column beside the "
                         f"target; if its cells are separated by something other than {delimiter!r}, pass "
                         "delimiter=")
    for line, r in body:
        if len(r) != width:
            raise ValueError(f"from_csv: {name} line {line} has {len(r)} cells, expected {width} (as in line "
                             f"{rows[0][0]}); every row needs the same columns")
    col = _target_index(target, names, name)
    features = [i for i in range(width) if i != col]
    lines = [line for line, _ in body]
    columns = [_numbers([r[c] for _, r in body], lines, f"{name} line {{}}, column {names[c]!r}", allow_nan,
                        "feature columns must be numeric; drop or encode this column") for c in features]
    x = np.stack(columns, axis=1).astype(get_default_dtype())
    y, classes, task, inferred = _targets([r[col].strip() for _, r in body], lines, name, names[col], task,
                                          allow_nan)
    return CSVDataset(x, y, [names[i] for i in features], names[col], classes, task, inferred, name)


def _read_rows(path: str | os.PathLike, name: str, delimiter: str | None) -> tuple[list[tuple[int, list[str]]], str]:
    """The non-blank rows with their line numbers, and the delimiter used (sniffed when None)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:  # -sig: a byte-order mark is not part of a name
            if delimiter is None:
                delimiter = _sniff(f.read(SNIFF_CHARS))
                f.seek(0)
            reader = csv.reader(f, delimiter=delimiter)
            rows = []
            try:
                for r in reader:
                    if any(c.strip() for c in r):
                        rows.append((reader.line_num, r))
            except csv.Error as e:
                limit = csv.field_size_limit()
                why = (f"a cell is longer than {limit} characters, the csv module's limit (an unclosed quote "
                       "makes the rest of the file one cell)") if "field limit" in str(e) else str(e)
                raise ValueError(f"from_csv: {name} line {reader.line_num}: {why}") from None
    except UnicodeDecodeError as e:
        raise ValueError(f"from_csv: {name} is not UTF-8 text (byte {e.object[e.start]:#04x} at offset {e.start}); "
                         "save it as UTF-8") from None
    return rows, delimiter


def _sniff(sample: str) -> str:
    """The delimiter of the file's first lines, by csv.Sniffer; a comma when it cannot tell (one column)."""
    if "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _numbers(cells: list[str], lines: list[int], where: str, allow_nan: bool, hint: str) -> np.ndarray:
    """One column's cells as float64, refusing text, NaN/inf (unless allowed) and values the dtype cannot hold."""
    out = np.empty(len(cells))
    for i, cell in enumerate(cells):
        try:
            out[i] = float(cell)
        except ValueError:
            raise ValueError(f"from_csv: {where.format(lines[i])}: {cell!r} is not a number ({hint})") from None
    dtype = get_default_dtype()
    bad = ~np.isfinite(out) | (np.abs(out) > np.finfo(dtype).max)
    for i in np.flatnonzero(bad):
        cell = cells[i].strip().lower().lstrip("+-")
        if cell not in _NON_FINITE:
            raise ValueError(f"from_csv: {where.format(lines[i])}: {cells[i]!r} is outside {dtype.name}'s range "
                             f"(±{np.finfo(dtype).max:.8g}); rescale the column, or gg.set_default_dtype(gg.float64)")
        if not allow_nan:
            raise ValueError(f"from_csv: {where.format(lines[i])}: {cells[i]!r} is not a finite number (NaN or "
                             "infinity makes every loss NaN); fix or drop the row, or pass allow_nan=True")
    return out


def _target_index(target: Any, names: list[str], path: str) -> int:
    if isinstance(target, str):
        if target not in names:
            raise KeyError(f"from_csv: target column {target!r} not found in {path}; columns are {names}")
        return names.index(target)
    if not -len(names) <= target < len(names):
        raise IndexError(f"from_csv: target column index {target} is out of range for {len(names)} columns "
                         f"{names}")
    return target % len(names)


def _targets(cells: list[str], lines: list[int], path: str, column: str, task: Task | None,
             allow_nan: bool) -> tuple[np.ndarray, list[str] | None, Task, str | None]:
    """y, the class names of text labels, the task, and why it was inferred (None when it was given)."""
    for cell, line in zip(cells, lines):
        if cell == "":
            raise ValueError(f"from_csv: {path} line {line}: the target column {column!r} is empty; every row "
                             "needs a target")
    where = f"{path} line {{}}, target column {column!r}"
    text = next((i for i, c in enumerate(cells) if not _is_number(c)), None)
    if text is not None:
        if task == "regression":
            raise ValueError(f"from_csv: {where.format(lines[text])}: {cells[text]!r} is not a number (task="
                             "'regression' needs numeric targets)")
        classes = sorted(set(cells))
        lookup = {c: i for i, c in enumerate(classes)}
        inferred = None if task else "text labels"
        return np.array([lookup[c] for c in cells], dtype=np.int64), classes, "classification", inferred
    values = _numbers(cells, lines, where, allow_nan, "")
    whole = np.isfinite(values) & (values == np.round(values))
    if task == "classification" or (task is None and whole.all()):
        if not whole.all():
            i = int(np.flatnonzero(~whole)[0])
            raise ValueError(f"from_csv: {where.format(lines[i])}: {cells[i]!r} is not a class index (task="
                             "'classification' needs whole numbers 0, 1, 2, … or text labels)")
        inferred = None if task else ("whole numbers, read as class indices; pass task='regression' to fit them "
                                      "as numbers")
        return values.astype(np.int64), None, "classification", inferred
    inferred = None if task else "fractional numbers; pass task='classification' for class indices"
    return values.astype(get_default_dtype()), None, "regression", inferred
