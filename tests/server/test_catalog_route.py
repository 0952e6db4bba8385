"""GET /pairlab/catalog/similar: products overlapping a notebook's tables, through a real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from pairlab.catalog.index import ENV

LESSON_CELLS = [
    "from pairlab.warehouse import connect\ncon = connect()",
    'policies = con.table("policies")\npremiums = con.table("premiums")',
    'con.sql("SELECT * FROM claims JOIN policies USING (policy_id)")',
]


def notebook(*sources: str, language: str = "python") -> str:
    """Return notebook JSON with one code cell per source."""
    cells = [
        {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
         "outputs": [], "source": source}
        for i, source in enumerate(sources)
    ]  # fmt: skip
    meta = {"kernelspec": {"name": "k", "display_name": "k", "language": language}}
    return json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def root(jp_root_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fill the server root with notebooks, and one just outside it."""
    monkeypatch.delenv(ENV, raising=False)  # the sample catalog shipped with pairlab
    (jp_root_dir / "lesson.ipynb").write_text(notebook(*LESSON_CELLS))
    (jp_root_dir / "plain.ipynb").write_text(notebook("print(1)"))
    (jp_root_dir / "r.ipynb").write_text(notebook('tbl("claims")', language="R"))
    (jp_root_dir / "broken.ipynb").write_text("{not json")
    (jp_root_dir / "notes.txt").write_text("FROM claims")
    (jp_root_dir / "sub").mkdir()
    (jp_root_dir / "script.py").write_text('con.table("customers")\n')
    (jp_root_dir / "sub" / "kpis.py").write_text('def f(con):\n    return con.table("premiums")\n')
    (jp_root_dir / "sub" / "uses_module.ipynb").write_text(
        notebook("import pandas\nfrom kpis import f\nimport os.path", "f(con)")
    )
    outside = jp_root_dir.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.ipynb").write_text(notebook('con.table("claims")'))
    (jp_root_dir / "link_out.ipynb").symlink_to(outside / "secret.ipynb")
    return jp_root_dir


async def get(jp_fetch, path: str | None, **kwargs) -> tuple[int, dict]:
    """GET the route and return (status, JSON), error statuses included."""
    params = {} if path is None else {"path": path}
    try:
        response = await jp_fetch("pairlab", "catalog", "similar", params=params, **kwargs)
    except HTTPClientError as error:
        assert error.response is not None
        return error.code, json.loads(error.response.body)
    return response.code, json.loads(response.body)


async def test_lists_the_overlapping_product_first(jp_fetch, root):
    code, reply = await get(jp_fetch, "lesson.ipynb")
    assert code == 200
    assert reply["path"] == "lesson.ipynb"
    assert reply["tables"] == ["claims", "policies", "premiums"]
    first = reply["products"][0]
    assert first["id"] == "claims-frequency-by-region"
    assert first["tables"] == ["claims", "policies", "premiums"]
    assert first["owner"] == "mira.koenig" and first["status"] == "active"
    assert first["output_ports"] == [
        {
            "name": "monthly_claims_kpis",
            "contract_id": "claims-frequency-by-region.monthly_claims_kpis",
        }
    ]
    assert {"target": "claims", "how": "reads"}.items() <= first["matches"][0].items()
    assert "path" not in first  # the server's own folders stay on the server
    ids = [p["id"] for p in reply["products"]]
    assert ids.index("loss-ratio-by-line-legacy") < ids.index("customer-portfolio")


async def test_a_notebook_without_tables_has_no_products(jp_fetch, root):
    assert await get(jp_fetch, "plain.ipynb") == (
        200, {"path": "plain.ipynb", "tables": [], "products": []}
    )  # fmt: skip
    code, reply = await get(jp_fetch, "r.ipynb")  # not Python: nothing to read
    assert (code, reply["tables"]) == (200, [])


async def test_a_paired_script_is_read_too(jp_fetch, root):
    code, reply = await get(jp_fetch, "script.py")
    assert code == 200 and reply["tables"] == ["customers"]
    assert [p["id"] for p in reply["products"]] == ["customer-portfolio"]


async def test_a_module_beside_the_notebook_is_read_too(jp_fetch, root):
    code, reply = await get(jp_fetch, "sub/uses_module.ipynb")
    assert (code, reply["tables"]) == (200, ["premiums"])  # from sub/kpis.py; pandas is no file
    assert len(reply["products"]) == 3


async def test_reads_the_catalog_named_by_the_environment(jp_fetch, root, monkeypatch, tmp_path):
    monkeypatch.setenv(ENV, str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    code, reply = await get(jp_fetch, "lesson.ipynb")
    assert (code, reply["products"]) == (200, [])


BAD = [
    (None, 400, "missing ?path="),
    ("", 400, "non-empty"),
    ("../outside/secret.ipynb", 403, "climb"),
    ("/etc/passwd", 403, "relative"),
    ("link_out.ipynb", 403, "outside the server root"),
    ("missing.ipynb", 404, "no file"),
    ("sub", 400, "not a notebook"),
    ("notes.txt", 400, "not a notebook"),
    ("broken.ipynb", 400, "cannot read"),
    (".hidden/x.ipynb", 403, "hidden"),
]


@pytest.mark.parametrize(("path", "status", "words"), BAD, ids=[repr(b[0]) for b in BAD])
async def test_bad_paths_are_4xx_json(jp_fetch, root, path, status, words):
    code, reply = await get(jp_fetch, path)
    assert code == status and words in reply["error"] and "fix" in reply


async def test_needs_the_token(jp_fetch, root):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(
            "pairlab", "catalog", "similar", params={"path": "lesson.ipynb"},
            headers={"Authorization": ""},
        )  # fmt: skip
    assert info.value.code == 403
