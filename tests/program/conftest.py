"""Fixtures of the program tests: a fresh session store, and the chain recorded in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from program_helpers import Chain, Clock, Recorder, record_chain

from pairlab.sessions import SessionStore


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[Recorder]:
    """Return a recorder over a fresh store; exports land in tmp_path/exports."""
    (tmp_path / "exports").mkdir()
    store = SessionStore(tmp_path / "server", clock=Clock())
    yield Recorder(store, tmp_path / "exports")
    store.close()


@pytest.fixture
def chain(recorder: Recorder) -> Chain:
    """Record the whole chain, with Ben completing lessons 1-5 while driving."""
    return record_chain(recorder)
