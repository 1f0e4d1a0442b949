"""gg.data: batching and shuffling, the toy sets' geometry, the digits split, and CSV files with bad rows."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_circles, make_moons

import glassgrad as gg
from glassgrad.data import DataLoader, Dataset, TensorDataset


def _sorted_rows(a: np.ndarray) -> np.ndarray:
    return a[np.lexsort(a.T[::-1])]


def test_dataloader_batches_in_order_with_a_short_last_batch() -> None:
    x, y = gg.arange(10).reshape(10, 1), gg.arange(10) * 2
    batches = list(DataLoader(TensorDataset(x, y), batch_size=4))
    assert [b[0].shape[0] for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(batches[2][1].data, [16, 18])
    assert len(DataLoader(TensorDataset(x, y), batch_size=4)) == 3
    dropped = DataLoader(TensorDataset(x, y), batch_size=4, drop_last=True)
    assert len(dropped) == 2 and [b[0].shape[0] for b in dropped] == [4, 4]


def test_shuffle_is_a_seeded_permutation_that_changes_each_epoch() -> None:
    ds = TensorDataset(gg.arange(50))
    loader = DataLoader(ds, batch_size=7, shuffle=True, seed=3)
    epoch1 = np.concatenate([b[0].data for b in loader])
    epoch2 = np.concatenate([b[0].data for b in loader])
    assert sorted(epoch1) == list(range(50)) and sorted(epoch2) == list(range(50))
    assert not np.array_equal(epoch1, epoch2)
    again = np.concatenate([b[0].data for b in DataLoader(ds, batch_size=7, shuffle=True, seed=3)])
    np.testing.assert_array_equal(epoch1, again)


def test_generic_dataset_is_collated() -> None:
    class Squares(Dataset):
        def __len__(self) -> int:
            return 5

        def __getitem__(self, i: int):
            return gg.tensor([float(i), float(i * i)]), i

    x, y = next(iter(DataLoader(Squares(), batch_size=3)))
    np.testing.assert_array_equal(x.data, [[0, 0], [1, 1], [2, 4]])
    np.testing.assert_array_equal(y.data, [0, 1, 2])


def test_tensor_dataset_checks_lengths() -> None:
    with pytest.raises(ValueError, match=r"size mismatch.*\[3, 4\]"):
        TensorDataset(gg.zeros(3, 2), gg.zeros(4))
    with pytest.raises(ValueError, match="positive integer"):
        DataLoader(TensorDataset(gg.zeros(3)), batch_size=0)


def test_moons_and_circles_match_scikit_learn_geometry() -> None:
    x, y = gg.data.moons(100, noise=0.0, seed=0)
    ref_x, ref_y = make_moons(100, noise=0.0, shuffle=False)
    np.testing.assert_allclose(_sorted_rows(np.c_[x.data, y.data]), _sorted_rows(np.c_[ref_x, ref_y]), atol=1e-6)
    x, y = gg.data.circles(60, noise=0.0, factor=0.5, seed=0)
    ref_x, ref_y = make_circles(60, noise=0.0, factor=0.5, shuffle=False)
    np.testing.assert_allclose(_sorted_rows(np.c_[x.data, y.data]), _sorted_rows(np.c_[ref_x, ref_y]), atol=1e-6)


def test_toy_sets_are_seeded_and_shaped() -> None:
    for make in (gg.data.xor, gg.data.moons, gg.data.circles, gg.data.spirals, gg.data.blobs, gg.data.linear,
                 gg.data.plane, gg.data.gaussian):
        x1, y1 = make(seed=5)
        x2, y2 = make(seed=5)
        np.testing.assert_array_equal(x1.data, x2.data)
        np.testing.assert_array_equal(y1.data, y2.data)
        assert x1.dtype == gg.float32 and x1.shape[0] == y1.shape[0]
    x, y = gg.data.xor(4, noise=0.0)
    np.testing.assert_array_equal(np.c_[x.data, y.data], [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]])
    x, y = gg.data.spirals(300, classes=3, seed=0)
    assert np.bincount(y.data).tolist() == [100, 100, 100]
    assert np.abs(x.data).max() <= 1.5


def test_linear_regression_set_is_linear_plus_noise() -> None:
    x, y = gg.data.linear(500, features=3, noise=0.0, seed=1)
    a = np.c_[x.data, np.ones(500)]
    coef, residual, *_ = np.linalg.lstsq(a, y.numpy(), rcond=None)
    assert residual.item() < 1e-8


def test_playground_regression_sets_follow_their_formulas() -> None:
    x, y = gg.data.plane(300, noise=0.0, seed=2)
    assert y.shape == (300, 1) and np.abs(x.numpy()).max() <= 1
    np.testing.assert_allclose(y.numpy()[:, 0], 0.6 * (x.numpy()[:, 0] + x.numpy()[:, 1]), atol=1e-6)
    x, y = gg.data.gaussian(2000, noise=0.0, seed=2)
    assert y.shape == (2000, 1) and -1 <= y.numpy().min() < -0.8 and 0.8 < y.numpy().max() <= 1
    d = np.hypot(x.numpy()[:, 0], x.numpy()[:, 1] - 2.5 / 6)  # the bump at (0, 2.5/6) is negative; the others are
    near = d < 1 / 3                                     # 2/3 away, so within 1/3 of it y = −(1 − 3·distance)
    assert near.sum() > 20
    np.testing.assert_allclose(y.numpy()[near, 0], -(1 - 3 * d[near]), atol=1e-6)
    far = np.hypot(*np.abs(x.numpy() - _bump_centres()[:, None]).transpose(2, 0, 1)).min(axis=0) > 1 / 3
    assert far.sum() > 20 and np.all(y.numpy()[far, 0] == 0)
    xn, yn = gg.data.plane(300, noise=0.3, seed=2)  # the label is read at a point moved by up to 0.3 per axis
    moved = yn.numpy()[:, 0] - 0.6 * xn.numpy().sum(axis=1)
    assert 0.05 < np.abs(moved).max() <= 0.6 * 0.6 + 1e-6


def _bump_centres() -> np.ndarray:
    return np.array([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]]) / 6


def test_digits_split_is_disjoint_and_complete() -> None:
    xtr, ytr = gg.data.digits("train")
    xte, yte = gg.data.digits("test")
    assert xtr.shape == (1438, 64) and xte.shape == (359, 64)
    assert 0.0 <= xtr.data.min() and xtr.data.max() == 1.0
    ref = load_digits()
    both = np.concatenate([np.c_[xtr.data * 16, ytr.data], np.c_[xte.data * 16, yte.data]])
    np.testing.assert_allclose(_sorted_rows(both), _sorted_rows(np.c_[ref.data, ref.target]))


def test_from_csv_reads_header_features_and_labels(tmp_path) -> None:
    p = tmp_path / "iris.csv"
    p.write_text("length,width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n\n6.3,3.3,virginica\n5.0,3.6,setosa\n")
    ds = gg.data.from_csv(p, target="species")
    x, y = ds.tensors
    np.testing.assert_allclose(x.data, [[5.1, 3.5], [7.0, 3.2], [6.3, 3.3], [5.0, 3.6]], rtol=1e-6)
    assert y.data.tolist() == [0, 1, 2, 0] and ds.classes == ["setosa", "versicolor", "virginica"]
    assert ds.feature_names == ["length", "width"] and ds.target_name == "species"
    q = tmp_path / "numbers.csv"
    q.write_text("1,2.5,0\n3,4.5,1\n")
    ds = gg.data.from_csv(q, target=0)
    assert ds.tensors[1].data.tolist() == [1, 3] and ds.tensors[1].dtype == gg.int64
    np.testing.assert_allclose(ds.tensors[0].data, [[2.5, 0], [4.5, 1]])
    assert gg.data.from_csv(q, target=1).tensors[1].dtype == gg.float32


def test_from_csv_errors_say_where(tmp_path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("a,b,y\n1,2,0\n3,4\n")
    with pytest.raises(ValueError, match=r"line 3 has 2 cells, expected 3"):
        gg.data.from_csv(p)
    p.write_text("a,b,y\n1,2,0\n3,four,1\n")
    with pytest.raises(ValueError, match=r"line 3, column 'b': 'four' is not a number"):
        gg.data.from_csv(p)
    with pytest.raises(KeyError, match=r"target column 'label' not found.*\['a', 'b', 'y'\]"):
        gg.data.from_csv(p, target="label")
    p.write_text("a,b,y\n1,2,0\n3,4,\n")
    with pytest.raises(ValueError, match=r"line 3: the target column 'y' is empty"):
        gg.data.from_csv(p)


# Hostile and careless CSVs: each is refused with a message naming the file, the line and the column where it can.
HOSTILE = [
    ("nan feature", "a,b,y\n1,2,0\n3,nan,1\n", {}, r"hostile\.csv line 3, column 'b': 'nan' is not a finite number"),
    ("NaN with spaces", "a,b,y\n1, NaN ,0\n", {}, r"line 2, column 'b': ' NaN ' is not a finite number.*allow_nan"),
    ("inf feature", "a,b,y\n1,2,0\n3,4,1\n5,inf,0\n", {}, r"line 4, column 'b': 'inf' is not a finite number"),
    ("-Infinity feature", "a,b,y\n-Infinity,2,0\n", {}, r"line 2, column 'a': '-Infinity' is not a finite"),
    ("nan target", "a,y\n1,0.5\n2,nan\n", {}, r"line 3, target column 'y': 'nan' is not a finite number"),
    ("over float32", "a,b,y\n1,1e39,0\n", {}, r"line 2, column 'b': '1e39' is outside float32's range"),
    ("under float32", "a,b,y\n1,-4e38,0\n", {}, r"line 2, column 'b': '-4e38' is outside float32's range"),
    ("over float64", "a,y\n1e400,0\n", {"allow_nan": True}, r"line 2, column 'a': '1e400' is outside float32"),
    ("target over float32", "a,y\n1,0.5\n2,1e39\n", {}, r"line 3, target column 'y': '1e39' is outside float32"),
    ("cell over the csv limit", "a,b,y\n1," + "7" * 200_000 + ",0\n", {},
     r"line 2: a cell is longer than 131072 characters"),
    ("unclosed quote", 'a,b,y\n1,"2,0\n' + "3,4,1\n" * 30_000, {}, r"line \d+: a cell is longer than 131072.*quote"),
    ("space separated", "a b y\n1 2 0\n3 4 1\n", {}, r"a single column 'a b y', so no feature column.*delimiter="),
    ("one column", "y\n0\n1\n", {}, r"a single column 'y'"),
    ("decimal commas", "a;b;y\n1,5;2;0\n", {}, r"line 2, column 'a': '1,5' is not a number"),
    ("not UTF-8", b"a,y\n1,\xe9\n", {}, r"hostile\.csv is not UTF-8 text \(byte 0xe9 at offset 6\)"),
    ("UTF-16", "a,y\n1,0\n".encode("utf-16"), {}, r"is not UTF-8 text \(byte 0xff at offset 0\)"),
    ("text with regression", "a,y\n1,cat\n2,dog\n", {"task": "regression"},
     r"line 2, target column 'y': 'cat' is not a number \(task='regression'"),
    ("fractions with classification", "a,y\n1,0\n2,0.5\n", {"task": "classification"},
     r"line 3, target column 'y': '0.5' is not a class index"),
    ("unknown task", "a,y\n1,0\n", {"task": "clustering"}, r"task must be 'classification', 'regression' or None"),
    ("ragged", "a,b,y\n1,2,0\n3,4\n", {}, r"line 3 has 2 cells, expected 3"),
    ("empty", "", {}, r"has no rows"),
    ("header only", "a,b,y\n", {}, r"has a header but no data rows"),
]


@pytest.mark.parametrize("content, kwargs, message", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_from_csv_refuses_hostile_files_saying_where(tmp_path, content, kwargs, message) -> None:
    p = tmp_path / "hostile.csv"
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ValueError, match=message):
        gg.data.from_csv(p, **kwargs)


@pytest.mark.parametrize("content", [
    b"\xef\xbb\xbfa,b,y\n1,2.5,0\n3,4.5,1\n",  # a byte-order mark (Excel's "CSV UTF-8")
    b"a;b;y\n1;2.5;0\n3;4.5;1\n",
    b"a\tb\ty\n1\t2.5\t0\n3\t4.5\t1\n",
    b"a|b|y\n1|2.5|0\n3|4.5|1\n",
    b"a,b,y\r\n1,2.5,0\r\n3,4.5,1\r\n",
], ids=["bom", "semicolon", "tab", "bar", "crlf"])
def test_from_csv_reads_bom_and_other_delimiters(tmp_path, content) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes(content)
    ds = gg.data.from_csv(p)
    assert ds.feature_names == ["a", "b"] and ds.target_name == "y"
    np.testing.assert_array_equal(ds.tensors[0].data, [[1, 2.5], [3, 4.5]])
    assert ds.tensors[1].data.tolist() == [0, 1]
    p.write_bytes(b"a;b;y\n1;2;0\n")
    with pytest.raises(ValueError, match="single column 'a;b;y'"):  # a delimiter given is used, not sniffed
        gg.data.from_csv(p, delimiter=",")


def test_from_csv_task_is_inferred_visibly_or_given(tmp_path) -> None:
    p = tmp_path / "eleven.csv"
    p.write_text("a,y\n" + "".join(f"{i},{i % 11}\n" for i in range(33)))
    ds = gg.data.from_csv(p)
    assert ds.task == "classification" and ds.tensors[1].dtype == gg.int64 and ds.tensors[1].data.max() == 10
    assert repr(ds) == (f"CSVDataset({str(p)!r}: 33 rows, features ['a'], target 'y': classification, 11 classes "
                        "(inferred: whole numbers, read as class indices; pass task='regression' to fit them as "
                        "numbers))")
    ds = gg.data.from_csv(p, task="regression")
    assert ds.task == "regression" and ds.inferred is None and ds.tensors[1].dtype == gg.float32
    assert ds.tensors[1].data.tolist() == [float(i % 11) for i in range(33)]
    assert repr(ds).endswith("target 'y': regression)")
    p.write_text("a,y\n1,0.5\n2,1.5\n")
    assert "regression (inferred: fractional numbers" in repr(gg.data.from_csv(p))
    p.write_text("a,y\n1,cat\n2,dog\n3,cat\n")
    ds = gg.data.from_csv(p, task="classification")
    assert ds.classes == ["cat", "dog"] and ds.tensors[1].data.tolist() == [0, 1, 0]
    assert repr(ds).endswith("target 'y': classification, 2 classes)")


def test_from_csv_allow_nan_keeps_non_finite_cells(tmp_path) -> None:
    p = tmp_path / "gaps.csv"
    p.write_text("a,b,y\n1,nan,0\n-inf,2,1\n")
    x = gg.data.from_csv(p, allow_nan=True).tensors[0].data
    assert np.isnan(x[0, 1]) and x[1, 0] == -np.inf and x[1, 1] == 2
