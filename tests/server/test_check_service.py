"""CheckService, the server's face: the parse cache stays bounded in entries and bytes."""

from __future__ import annotations

import json
from pathlib import Path

from pairlab.server import check_service
from pairlab.server.check_service import CheckService

LINT_PASS = Path(__file__).parents[1] / "checks/fixtures/lint/pass.ipynb"


def test_cache_reuses_a_parse_until_the_file_changes(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(LINT_PASS.read_bytes())
    service = CheckService(tmp_path)
    first = service.load(path)
    assert service.load(path) is first
    path.write_text(json.dumps(json.loads(path.read_text()) | {"metadata": {}}))
    assert service.load(path) is not first
    service.close()


def test_cache_evicts_oldest_beyond_its_byte_budget(tmp_path, monkeypatch):
    text = LINT_PASS.read_text()
    monkeypatch.setattr(check_service, "CACHE_BYTES", 2 * len(text.encode()) + 10)
    service = CheckService(tmp_path)
    paths = []
    for i in range(4):
        paths.append(tmp_path / f"nb{i}.ipynb")
        paths[-1].write_text(text)
        service.load(paths[-1])
    assert (
        list(service._cache) == [p.resolve() for p in paths[-2:]]
        or list(service._cache) == paths[-2:]
    )
    assert service._cached_bytes == 2 * len(text.encode())
    service.close()
