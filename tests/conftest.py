"""Shared test set-up: a deterministic, modest hypothesis profile and a single-threaded PyTorch oracle."""

from __future__ import annotations

import hypothesis
import numpy as np
import pytest

hypothesis.settings.register_profile("glassgrad", max_examples=15, deadline=None, derandomize=True,
                                     suppress_health_check=[hypothesis.HealthCheck.too_slow])
hypothesis.settings.load_profile("glassgrad")

try:  # PyTorch is the test-only oracle; keep it off the second core the other test worker uses
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - the test extra installs it
    pass

try:  # NumPy's BLAS likewise: two test workers on two cores, and more threads than idle cores only spin
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
except ImportError:  # pragma: no cover - scikit-learn (the data extra) brings it
    pass


@pytest.fixture
def float64():
    """Python floats make float64 tensors for the test (explanations print the articles' numbers exactly)."""
    import glassgrad as gg

    before = gg.get_default_dtype()
    gg.set_default_dtype(gg.float64)
    yield
    gg.set_default_dtype(before)


@pytest.fixture
def raised():
    """What a call raises, as (type, message): the thing compared with PyTorch's for the same misuse."""
    def call(fn) -> tuple[type, str]:
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            return type(e), str(e)
        raise AssertionError("no error")
    return call


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)
