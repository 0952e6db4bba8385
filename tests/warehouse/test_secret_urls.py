"""A password in a URL never reaches a message (issue 25), whatever the URL's shape.

`pairlab warehouse info --url 'user:<pw>@host'` once said "unknown warehouse URL scheme 'user'
in user:<pw>@...". Every CLI path that can echo a URL runs here with a marker password.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pairlab.cli import main
from pairlab.resources import samples_dir
from pairlab.warehouse import redact

MARK = "Pw0rdMARKER"
# The shapes people type: no scheme, "@" "/" "?" "%40" in the password, a bad port, a bad host,
# a secret in the query, a driver that is not installed, a server that is not there.
URLS = [
    f"user:{MARK}@host",
    f"user:{MARK}@host:5432/db",
    f"trino://user:p@ss@{MARK}@127.0.0.1:1/hive",
    f"trino://user:{MARK}%40x@127.0.0.1:1/hive",
    f"trino://user:a/{MARK}@127.0.0.1:1/hive",
    f"trino://user:a?{MARK}@127.0.0.1:1/hive",
    f"trino://user:{MARK}@127.0.0.1:99999/hive",
    f"trino://user:{MARK}@[::1/hive",
    f"duckdb:///nowhere/w.duckdb?password={MARK}",
    f"trino://user@127.0.0.1:1/hive?access_token={MARK}",
    f"snowflake://user:{MARK}@account/db",
    f"postgres://user:{MARK}@127.0.0.1:1/db",
    f"://user:{MARK}@host",
]
SECRETS = (MARK, "p@ss@" + MARK, MARK + "%40x", MARK + "@x")


def product() -> Path:
    """Return a sample product whose contracts `catalog test` runs against the URL."""
    return next(p for p in sorted((samples_dir() / "catalog").iterdir()) if p.is_dir())


@pytest.mark.parametrize("url", URLS)
def test_redact_hides_every_password_shape(url):
    assert not any(secret in redact(url) for secret in SECRETS), redact(url)


COMMANDS = [
    lambda url: ["warehouse", "info", "--url", url],
    lambda url: ["catalog", "test", str(product()), "--url", url],
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("command", COMMANDS, ids=["warehouse-info", "catalog-test"])
def test_no_cli_error_echoes_the_password(url, command, capsys, monkeypatch):
    monkeypatch.delenv("PAIRLAB_WAREHOUSE_URL", raising=False)
    with pytest.raises(SystemExit) as done:
        main(command(url))
    out = capsys.readouterr()
    text = out.out + out.err
    assert done.value.code in (1, 2) and "Traceback" not in text, text
    assert not any(secret in text for secret in SECRETS), text


# Usage errors in which click itself echoes an argument: extra arguments, a bad option value.
USAGE = [
    lambda url: ["warehouse", "info", "--json", "--", "--url", url],
    lambda url: ["curriculum", "run", "--jobs", url],
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("command", USAGE, ids=["extra-arguments", "bad-value"])
def test_no_usage_error_echoes_the_password(url, command, capsys):
    with pytest.raises(SystemExit) as done:
        main(command(url))
    err = capsys.readouterr().err
    assert done.value.code == 2 and err.startswith("pairlab: error: "), err
    assert "***" in err and not any(secret in err for secret in SECRETS), err


@pytest.mark.parametrize("url", URLS[:2] + URLS[8:10])
def test_no_error_from_the_environment_echoes_the_password(url, capsys, monkeypatch):
    monkeypatch.setenv("PAIRLAB_WAREHOUSE_URL", url)
    with pytest.raises(SystemExit) as done:
        main(["warehouse", "info"])
    out = capsys.readouterr()
    assert done.value.code == 2
    assert not any(secret in out.out + out.err for secret in SECRETS), out.err


@pytest.mark.parametrize(
    "url",
    [
        f"user:{MARK}@host",
        f"postgresql://u:{MARK}@[::1/db",
        f"postgresql+psycopg://u:{MARK}@127.0.0.1:1/db",  # no server there
    ],
)
def test_cohort_serve_never_echoes_the_database_password(url, tmp_path):
    env = os.environ | {"JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:1/"}
    done = subprocess.run(
        [sys.executable, "-m", "pairlab", "cohort", "serve", "--db", url],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert not any(secret in done.stdout + done.stderr for secret in SECRETS), done.stderr
