"""Shared by the language-model tests (tests/test_sink_*.py, tests/test_lm_*.py)."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Run each test on one torch thread, then restore the pool.

    The tiny tensors here gain nothing from a second thread, and on a shared 2-core machine a parallel op
    waits for a core that another process holds: the suite ran 5-20x slower that way.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
