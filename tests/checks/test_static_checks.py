"""Every static check passes a fixture and fails one, for a reason a learner would produce."""

from __future__ import annotations

import json

import pytest

from pairlab.checks import load_notebook

# (check id, fixture it passes, fixture it fails, cell the failure points at or None)
CASES = [
    ("in-order", "in_order/pass.ipynb", "in_order/fail.ipynb", "c3"),
    ("lint-clean", "lint/pass.ipynb", "lint/fail.ipynb", "c2"),
    ("has-parameters", "parameters/pass.ipynb", "parameters/fail.ipynb", None),
    ("has-parameters", "parameters/pass.ipynb", "parameters/computed.ipynb", "c1"),
    ("paired", "paired/pass.ipynb", "paired/stale.ipynb", "c2"),
    ("paired", "paired/pass.ipynb", "paired/unpaired.ipynb", None),
    ("uses-functions", "functions/pass.ipynb", "functions/fail.ipynb", None),
    ("no-secrets", "secrets/pass.ipynb", "secrets/fail.ipynb", "c1"),
    ("no-secrets", "secrets/pass.ipynb", "secrets/output.ipynb", "c1"),
    ("no-absolute-paths", "paths/pass.ipynb", "paths/fail.ipynb", "c1"),
]


@pytest.mark.parametrize(("check_id", "good", "bad", "cell"), CASES)
def test_check_passes_good_and_fails_bad(check, fixtures, check_id, good, bad, cell):
    ok = check(fixtures / good, check_id)
    assert (ok.status, ok.id) == ("pass", check_id), ok.message
    ko = check(fixtures / bad, check_id)
    assert ko.status == "fail", ko.message
    assert ko.message and ko.message[0].islower()  # a sentence to read, not a code
    if cell:
        assert cell in ko.cells


def test_in_order_names_the_rerun_cell(check, fixtures):
    result = check(fixtures / "in_order/fail.ipynb", "in-order")
    assert result.cells == ("c3",)
    assert "[3]" in result.message and "[5]" in result.message


def test_in_order_flags_a_skipped_cell_above_a_run_one(check, tmp_path):
    nb = _notebook([("x = 1", 1), ("y = 2", None), ("x + y", 2), ("z = 3", None)])
    result = check(_write(tmp_path, nb), "in-order")
    assert result.status == "fail" and result.cells == ("c2",)  # c4 below is work in progress


def test_in_order_consecutive_wants_a_fresh_kernel(check, tmp_path):
    path = _write(tmp_path, _notebook([("x = 1", 3), ("x", 7)]))
    assert check(path, "in-order").status == "pass"
    assert check(path, "in-order", consecutive=True).status == "fail"


def test_in_order_ignores_blank_cells(check, tmp_path):
    path = _write(tmp_path, _notebook([("x = 1", 1), ("  \n", None), ("x", 2)]))
    assert check(path, "in-order", consecutive=True).status == "pass"


def test_lint_maps_findings_to_cells(check, fixtures):
    result = check(fixtures / "lint/fail.ipynb", "lint-clean")
    assert result.details[0]["code"] == "F401" and result.details[0]["cell"] == "c2"
    assert "os" in result.message
    # ruff's fix alone leaves a paired script behind; the hint names both commands and the file.
    assert "`ruff check --fix fail.ipynb` and then `jupytext --sync fail.ipynb`" in result.message


def test_lint_reads_a_notebook_saved_before_its_kernel_started(check, fixtures, tmp_path):
    # JupyterLab saves language_info {"name": ""} until a kernel starts; ruff would skip it.
    raw = json.loads((fixtures / "lint/fail.ipynb").read_text())
    raw["metadata"]["language_info"] = {"name": ""}
    saved = tmp_path / "saved_early.ipynb"
    saved.write_text(json.dumps(raw))
    result = check(saved, "lint-clean")
    assert result.status == "fail" and "F401" in {d["code"] for d in result.details}


def test_lint_select_narrows_rules(check, fixtures):
    assert check(fixtures / "lint/fail.ipynb", "lint-clean", select=["E9"]).status == "pass"


def test_has_parameters_requires_named_parameters(check, fixtures):
    result = check(fixtures / "parameters/pass.ipynb", "has-parameters", names=["region", "top_n"])
    assert result.status == "fail" and "top_n" in result.message


def test_has_parameters_rejects_two_tagged_cells(check, tmp_path):
    nb = _notebook([("a = 1", 1), ("b = 2", 2)], tags={0: ["parameters"], 1: ["parameters"]})
    assert check(_write(tmp_path, nb), "has-parameters").cells == ("c1", "c2")


def test_uses_functions_counts_imports_from_the_project(check, tmp_path):
    (tmp_path / "sales").mkdir()
    nb = _notebook([("from sales.clean import net\n\nresult = net(rows)", 1)])
    assert check(_write(tmp_path, nb), "uses-functions").status == "pass"


def test_uses_functions_flags_computed_assignments(check, tmp_path):
    long = "\n".join(f"df = df[df.c{i} > 0]" for i in range(5))
    nb = _notebook([("def f():\n    return 1", 1), (long, 2)])
    result = check(_write(tmp_path, nb), "uses-functions")
    assert result.status == "fail" and result.cells == ("c2",)
    assert check(_write(tmp_path, nb), "uses-functions", max_logic_lines=5).status == "pass"


def test_no_secrets_never_echoes_the_secret(check, fixtures):
    for name in ("secrets/fail.ipynb", "secrets/output.ipynb"):
        result = check(fixtures / name, "no-secrets")
        text = json.dumps(result.to_json())
        assert "hunter2" not in text and "s3cretpw" not in text


@pytest.mark.parametrize(
    "source",
    [
        'token = "ghp_' + "a" * 36 + '"',
        "key = 'AKIA" + "ABCDEFGHIJKLMNOP" + "'",
        'conn = connect(password="Tr0ub4dor&3")',
        'cfg = {"api_key": "9f8e7d6c5b4a"}',
        "-----BEGIN RSA PRIVATE KEY-----",
    ],
)
def test_no_secrets_catches_common_leaks(check, tmp_path, source):
    assert check(_write(tmp_path, _notebook([(source, 1)])), "no-secrets").status == "fail"


@pytest.mark.parametrize(
    "source",
    ['password = os.environ["PW"]', 'password = "<your password>"', 'url = f"pg://u:{pw}@h/db"'],
)
def test_no_secrets_leaves_placeholders_alone(check, tmp_path, source):
    assert check(_write(tmp_path, _notebook([(source, 1)])), "no-secrets").status == "pass"


@pytest.mark.parametrize(
    "source",
    ["open(r'C:\\Users\\ana\\sales.csv')", "p = '~/data/x.csv'", "%cd /mnt/share/team"],
)
def test_no_absolute_paths_catches_other_machines(check, tmp_path, source):
    assert check(_write(tmp_path, _notebook([(source, 1)])), "no-absolute-paths").status == "fail"


def test_no_absolute_paths_allow_list(check, fixtures):
    path = fixtures / "paths/fail.ipynb"
    assert check(path, "no-absolute-paths", allow=["/home/ana/"]).status == "pass"


def test_static_checks_never_write_to_the_notebook(check, fixtures):
    path = fixtures / "lint/fail.ipynb"
    before = path.read_bytes(), path.stat().st_mtime_ns
    for check_id in ("in-order", "lint-clean", "paired", "no-secrets", "uses-functions"):
        check(path, check_id)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    load_notebook(path)


def _notebook(cells, tags=None):
    """Return notebook JSON with code cells (source, count) named c1, c2..."""
    tags = tags or {}
    return {
        "cells": [
            {
                "cell_type": "code",
                "id": f"c{i + 1}",
                "execution_count": count,
                "metadata": {"tags": tags[i]} if i in tags else {},
                "outputs": [],
                "source": source,
            }
            for i, (source, count) in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _write(folder, nb, name="nb.ipynb"):
    """Write `nb` into `folder` and return its path."""
    path = folder / name
    path.write_text(json.dumps(nb))
    return path


@pytest.mark.parametrize(
    "source",
    [
        'password_env = "DB_PASSWORD"\npassword = os.environ[password_env]',
        'token_url = "https://auth.example.com/token"',
        'secret_name = "prod/warehouse"',
    ],
)
def test_no_secrets_accepts_names_of_where_secrets_live(check, tmp_path, source):
    assert check(_write(tmp_path, _notebook([(source, 1)])), "no-secrets").status == "pass"


def test_has_parameters_refuses_an_annotation_without_a_value(check, tmp_path):
    nb = _notebook([("region: str", 1)], tags={0: ["parameters"]})
    assert check(_write(tmp_path, nb), "has-parameters").status == "fail"


@pytest.mark.parametrize(
    ("planted", "what"),
    [
        ('db_password = "Claims2024!"', "a password or key assigned in code"),
        ("postgres://maria:Claims2024!@warehouse:5432/claims", "a URL with a password in it"),
        ("ghp_" + "a1" * 18, "a GitHub token"),
        ("eyJ" + "a" * 20 + ".eyJ" + "b" * 20 + "." + "c" * 20, "a JSON web token"),
    ],
)
@pytest.mark.parametrize("where", [0, 0.5, 1])
def test_a_secret_anywhere_in_a_long_output_is_found(planted, what, where):
    from pairlab.checks.leaks import find_secrets
    from pairlab.notebook import Cell

    table = "<tr><td>motor</td><td>1234.5</td></tr>\n" * 20_000  # about 800 kB, no secret
    at = int(len(table) * where)
    text = table[:at] + planted + table[at:]
    cell = Cell(0, "c1", "code", "frame", {}, 1, ({"output_type": "stream", "text": text},))
    assert list(find_secrets(cell)) == [("output", what)]
    clean = Cell(0, "c1", "code", "frame", {}, 1, ({"output_type": "stream", "text": table},))
    assert list(find_secrets(clean)) == []
