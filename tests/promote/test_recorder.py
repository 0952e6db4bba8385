"""The characterization recorder writes the same fixture files whatever order rows come in."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pairlab.promote import _recorder


def _record_once(folder: Path, frame: pd.DataFrame) -> dict[str, bytes]:
    """Record one call of a function on `frame`; return the files written."""
    _recorder.start(str(folder))

    def total(rows: pd.DataFrame) -> pd.DataFrame:
        return rows.assign(double=rows["incurred"] * 2)

    namespace = {"total": total}
    _recorder.wrap(namespace, {"total": []})
    namespace["total"](frame)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_frame_argument_in_another_row_order_gives_the_same_files(tmp_path: Path) -> None:
    # A group-by's result, as DuckDB may return it on one run and on the next.
    rows = {"region": ["North", "West", "South", None, "East"], "incurred": [2.0, 3, 1, 5, 4]}
    frame = pd.DataFrame(rows)
    shuffled = frame.iloc[[3, 0, 4, 2, 1]]
    first = _record_once(tmp_path / "one", frame)
    again = _record_once(tmp_path / "two", shuffled)
    assert sorted(first) == ["total.arg0.parquet", "total.json", "total.out.parquet"]
    assert first == again
