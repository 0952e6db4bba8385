"""The generator: deterministic by seed and scale, realistic in shape, careful with files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pairlab.errors import BadInput
from pairlab.warehouse import generate
from pairlab.warehouse.generator import DEFAULT_SCALE as SCALE
from pairlab.warehouse.generator import DEFAULT_SEED as SEED
from pairlab.warehouse.generator import TABLES, build, checksums


def _checksums(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return checksums(con)


def _rows(path: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query).fetchall()


def test_same_seed_and_scale_give_identical_contents(tmp_path: Path, warehouse_file: Path) -> None:
    again = generate(tmp_path / "again.duckdb", SCALE, SEED)
    assert _checksums(again.path) == _checksums(warehouse_file)


def test_contents_do_not_depend_on_thread_count(warehouse_file: Path) -> None:
    # Other machines have other core counts: one thread must give what two threads gave.
    with duckdb.connect() as con:
        con.execute("SET threads = 1")
        build(con, SCALE, SEED)
        assert checksums(con) == _checksums(warehouse_file)


def test_another_seed_gives_other_contents(tmp_path: Path, warehouse_file: Path) -> None:
    other = generate(tmp_path / "other.duckdb", SCALE, 7)
    ours, theirs = _checksums(warehouse_file), _checksums(other.path)
    assert all(ours[name] != theirs[name] for name in TABLES)


def test_sizes_follow_the_scale(tmp_path: Path) -> None:
    done = generate(tmp_path / "w.duckdb", 0.02, SEED)
    assert done.rows["customers"] == 2000
    assert done.rows["policies"] == 5000
    # About eleven months of cover per policy, one premium row per calendar month.
    assert 9 * 5000 < done.rows["premiums"] < 13 * 5000
    assert 400 < done.rows["claims"] < 900
    assert done.rows["claims"] < done.rows["claim_payments"] < 3 * done.rows["claims"]


def test_earned_premium_adds_up_to_written(warehouse_file: Path) -> None:
    [(mismatches,)] = _rows(
        warehouse_file,
        "SELECT count(*) FROM (SELECT policy_id, sum(written_premium) w, sum(earned_premium) e "
        "FROM premiums GROUP BY policy_id) JOIN policies USING (policy_id) "
        "WHERE w <> e OR w <> premium",
    )
    assert mismatches == 0


def test_claims_are_reported_after_the_loss_and_before_the_snapshot(warehouse_file: Path) -> None:
    [(early, late, unsettled_closed)] = _rows(
        warehouse_file,
        "SELECT count(*) FILTER (report_date < loss_date),"
        " count(*) FILTER (report_date > DATE '2025-12-31'),"
        " count(*) FILTER ((status = 'open') <> (closed_date IS NULL)) FROM claims",
    )
    assert (early, late, unsettled_closed) == (0, 0, 0)


def test_frequency_and_severity_differ_by_line_as_an_insurer_expects(tmp_path: Path) -> None:
    done = generate(tmp_path / "w.duckdb", 0.1, SEED)
    rows = dict(
        (line, (freq, severity))
        for line, freq, severity in _rows(
            done.path,
            "WITH exposure AS (SELECT product_line, sum(earned_days) / 365.25 AS years"
            " FROM premiums JOIN policies USING (policy_id) GROUP BY ALL),"
            " losses AS (SELECT product_line, count(*) AS n, median(incurred) AS severity"
            " FROM claims JOIN policies USING (policy_id) WHERE incurred > 0 GROUP BY ALL)"
            " SELECT product_line, n / years, severity"
            " FROM exposure JOIN losses USING (product_line)",
        )
    )
    assert 0.12 < rows["motor"][0] < 0.25  # motor claims are frequent and mid-sized
    assert 0.04 < rows["home"][0] < 0.11  # home claims are rarer and larger
    assert rows["home"][1] > rows["motor"][1] > rows["travel"][1]


def test_claims_follow_the_seasons(tmp_path: Path) -> None:
    done = generate(tmp_path / "w.duckdb", 0.1, SEED)
    [(winter, summer)] = _rows(
        done.path,
        "SELECT count(*) FILTER (month(loss_date) IN (12, 1, 2)),"
        " count(*) FILTER (month(loss_date) IN (6, 7, 8))"
        " FROM claims JOIN policies USING (policy_id) WHERE product_line = 'travel'",
    )
    assert summer > 1.5 * winter  # travel claims peak in the holidays


def test_an_existing_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    target = tmp_path / "w.duckdb"
    target.write_bytes(b"my own work")
    with pytest.raises(BadInput, match="already exists; pass --force"):
        generate(target, SCALE, SEED)
    assert target.read_bytes() == b"my own work"
    generate(target, SCALE, SEED, force=True)
    assert _rows(target, "SELECT count(*) FROM customers") == [(1000,)]


def test_a_failed_overwrite_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "w.duckdb"
    target.write_bytes(b"my own work")
    with pytest.raises(BadInput, match="scale must be"):
        generate(target, -1, SEED, force=True)
    assert target.read_bytes() == b"my own work"
    assert [p.name for p in tmp_path.iterdir()] == ["w.duckdb"]  # no scratch file left


@pytest.mark.parametrize(
    ("scale", "seed", "message"),
    [
        (0, 1, "scale must be"),
        (1000, 1, "scale must be"),
        ("big", 1, "scale must be"),
        (0.01, -3, "seed must be"),
        (0.01, 1.5, "seed must be"),
    ],
)
def test_bad_scale_or_seed_is_refused(
    tmp_path: Path, scale: object, seed: object, message: str
) -> None:
    with pytest.raises(BadInput, match=message):
        generate(tmp_path / "w.duckdb", scale, seed)  # type: ignore[arg-type]


def test_a_directory_is_not_a_warehouse_path(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="is a directory"):
        generate(tmp_path, SCALE, SEED)
