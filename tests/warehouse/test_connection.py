"""connect(): the embedded default, the env var, any ibis URL, and one clear message per failure."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pairlab.errors import BadInput, NotFound
from pairlab.warehouse import connect, default_path, redact
from pairlab.warehouse.connection import (
    ENV_PATH,
    ENV_URL,
    keyring_service,
    with_keyring_password,
)


def test_default_is_the_embedded_file_created_on_first_use(tmp_path: Path) -> None:
    path = default_path()
    assert path == tmp_path / "default" / "warehouse.duckdb"
    assert not path.exists()
    con = connect()
    assert sorted(con.list_tables()) == [
        "claim_payments",
        "claims",
        "customers",
        "policies",
        "premiums",
    ]
    assert con.table("customers").count().execute() == 1000
    assert path.is_file()


def test_the_embedded_file_opens_read_only_so_kernels_can_share_it(tmp_path: Path) -> None:
    first, second = connect(), connect()
    assert first.table("claims").count().execute() == second.table("claims").count().execute()
    with pytest.raises(Exception, match="read-only"):
        first.raw_sql("DELETE FROM claims")


def test_an_existing_default_file_is_reused_not_regenerated(tmp_path: Path) -> None:
    connect().disconnect()
    stamp = default_path().stat().st_mtime_ns
    connect().disconnect()
    assert default_path().stat().st_mtime_ns == stamp


def test_default_path_without_env_is_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_PATH)
    assert default_path().name == "warehouse.duckdb"
    assert default_path().parent.name == "pairlab"


def test_env_url_is_used_when_no_url_is_given(
    monkeypatch: pytest.MonkeyPatch, warehouse_file: Path
) -> None:
    monkeypatch.setenv(ENV_URL, f"duckdb://{warehouse_file}?read_only=true")
    assert connect().table("policies").count().execute() == 2500
    assert not default_path().exists()


def test_a_plain_duckdb_path_is_accepted(warehouse_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(warehouse_file, copy)
    assert connect(str(copy)).table("customers").count().execute() == 1000


def test_unknown_scheme_names_the_known_ones() -> None:
    with pytest.raises(BadInput, match=r"unknown warehouse URL scheme 'mongo'.*duckdb://"):
        connect("mongo://analyst:s3cret@db.example/claims")


def test_unknown_scheme_from_the_env_var_says_where_it_came_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV_URL, "mongo://analyst:s3cret@db.example/claims")
    with pytest.raises(BadInput, match=f"^{ENV_URL}: unknown") as caught:
        connect()
    assert "s3cret" not in str(caught.value)


def test_missing_driver_names_the_extra_to_install() -> None:
    with pytest.raises(BadInput) as caught:
        connect("snowflake://analyst:s3cret@acme-eu/ANALYTICS/CLAIMS")
    assert str(caught.value) == (
        "the snowflake driver is not installed; "
        'install it with: pip install "ibis-framework[snowflake]==12.0.0"'
    )


def test_unreachable_server_says_so_and_hides_the_password() -> None:
    with pytest.raises(BadInput) as caught:
        connect("trino://analyst:s3cret@127.0.0.1:1/hive")
    message = str(caught.value)
    assert message.startswith(
        "cannot connect to the warehouse at trino://analyst:***@127.0.0.1:1/hive"
    )
    assert "Connection refused" in message and "check the URL (host, port" in message
    assert "s3cret" not in message


def test_unreachable_env_url_offers_the_embedded_warehouse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_URL, "trino://analyst@127.0.0.1:1/hive")
    with pytest.raises(BadInput, match=f"or unset {ENV_URL} to use the embedded warehouse"):
        connect()


def test_repr_of_a_connection_hides_credentials() -> None:
    con = connect("trino://analyst:s3cret@127.0.0.1:1/hive", check=False)
    assert "s3cret" not in repr(con) and "s3cret" not in str(con)


@pytest.mark.parametrize("form", ["duckdb://{}", "{}"])
def test_missing_duckdb_file_is_not_silently_created(tmp_path: Path, form: str) -> None:
    missing = tmp_path / "typo.duckdb"
    with pytest.raises(NotFound, match="pairlab warehouse init --path"):
        connect(form.format(missing))
    assert not missing.exists()


def test_corrupt_file_names_the_rebuild_command(tmp_path: Path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database" * 500)
    with pytest.raises(BadInput) as caught:
        connect(f"duckdb://{bad}")
    assert str(caught.value) == (
        f"{bad} is not a readable DuckDB warehouse (corrupt or foreign); "
        f"rebuild it with: pairlab warehouse init --force --path {bad}"
    )


def test_corrupt_default_file_names_the_rebuild_command() -> None:
    default_path().parent.mkdir(parents=True)
    default_path().write_bytes(b"\0" * 4096)
    with pytest.raises(BadInput, match="pairlab warehouse init --force"):
        connect()


@pytest.fixture
def read_only_file(warehouse_file: Path, tmp_path: Path) -> Iterator[Path]:
    """Return a warehouse file this process cannot write: chmod, or chattr +i for root."""
    path = tmp_path / "locked.duckdb"
    shutil.copy(warehouse_file, path)
    as_root = os.geteuid() == 0
    if as_root:  # root ignores permission bits; the immutable attribute binds root too
        subprocess.run(["chattr", "+i", str(path)], check=True)
    else:
        path.chmod(0o444)
    yield path
    if as_root:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_read_only_file_names_the_read_only_url(read_only_file: Path) -> None:
    with pytest.raises(BadInput) as caught:
        connect(f"duckdb://{read_only_file}")
    assert "cannot be opened for writing" in str(caught.value)
    assert f"duckdb://{read_only_file}?read_only=true" in str(caught.value)
    con = connect(f"duckdb://{read_only_file}?read_only=true")
    assert con.table("customers").count().execute() == 1000


def test_read_only_default_file_just_works(
    read_only_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_PATH, str(read_only_file))
    assert connect().table("customers").count().execute() == 1000


def test_file_locked_by_a_writer_says_which_process_to_close(
    tmp_path: Path, warehouse_file: Path
) -> None:
    path = tmp_path / "busy.duckdb"
    shutil.copy(warehouse_file, path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(path)!r}); print('ready', flush=True);"
            " sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(BadInput, match="open for writing in another process; close that"):
            connect(f"duckdb://{path}")
    finally:
        holder.communicate("")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("trino://analyst:s3cret@host:8080/hive", "trino://analyst:***@host:8080/hive"),
        (
            "snowflake://a:p%40ss@acct/db?token=abc&warehouse=wh",
            "snowflake://a:***@acct/db?token=***&warehouse=wh",
        ),
        (
            "bigquery://project/dataset?credentials_info=xyz",
            "bigquery://project/dataset?credentials_info=***",
        ),
        ("duckdb:///tmp/w.duckdb", "duckdb:///tmp/w.duckdb"),
    ],
)
def test_redact_hides_passwords_and_secret_parameters(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_not_a_url_at_all_says_what_a_url_looks_like() -> None:
    with pytest.raises(BadInput, match="is not a warehouse URL; use a URL such as duckdb:///"):
        connect("my warehouse")


def test_same_file_opened_twice_with_other_settings_says_how_to_share(
    warehouse_file: Path, con: object
) -> None:
    # `con` holds the shared file read-only in this process; a writer here cannot join it.
    with pytest.raises(BadInput, match=r"already open in this process.*\?read_only=true"):
        connect(f"duckdb://{warehouse_file}")
    assert connect(f"duckdb://{warehouse_file}?read_only=true").list_tables()


def test_the_pinned_ibis_and_duckdb_pair_works(warehouse_file: Path) -> None:
    # ibis 12.0.0 broke on duckdb 2.0 in exactly these calls; pyproject pins the pair.
    import duckdb
    import ibis

    assert ibis.__version__ == "12.0.0"
    assert duckdb.__version__.startswith("1.5.")
    con = connect(f"duckdb://{warehouse_file}?read_only=true")
    assert "claims" in con.list_tables()
    assert con.sql("SELECT count(*) AS n FROM claims").execute()["n"].iloc[0] == 304
    assert con.table("claims").incurred.max().execute() > 0


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[object]:
    """Install a real file-backed keyring (keyrings.alt) in a temporary file for one test."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    previous = keyring.get_keyring()
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def test_a_password_missing_from_the_url_comes_from_the_keyring(file_keyring: object) -> None:
    import keyring

    keyring.set_password(keyring_service("trino://127.0.0.1"), "analyst", "s3cret")
    with pytest.raises(BadInput) as caught:
        connect("trino://analyst@127.0.0.1:1/hive")
    message = str(caught.value)
    # The password was used (so the client switched to HTTPS) and is still never shown.
    assert message.startswith("cannot connect to the warehouse at trino://analyst:***@127.0.0.1:1")
    assert "HTTPSConnection" in message and "s3cret" not in message


def test_keyring_fills_only_a_missing_password(file_keyring: object) -> None:
    import keyring

    keyring.set_password("pairlab:snowflake://acme", "analyst", "p@ss/word")
    filled = with_keyring_password("snowflake://analyst@acme/DB/SCHEMA")
    assert filled == "snowflake://analyst:p%40ss%2Fword@acme/DB/SCHEMA"
    given = "snowflake://analyst:typed@acme/DB"
    assert with_keyring_password(given) == given
    assert with_keyring_password("snowflake://other@acme/DB") == "snowflake://other@acme/DB"
