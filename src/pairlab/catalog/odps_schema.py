"""ODPS's published JSON Schemas, v1.0.0 and v1.1.0, as the dataproduct-cli package ships them.

pairlab commits no copy of a standard's files: the schemas come with `dataproduct-cli` (the
Open Data Product Standard's command-line tool, MIT), whose `dataproduct/schemas/` holds
Bitol's files. A v0.9.0 document is read against v1.0.0's schema, as that tool does.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

SCHEMA_PACKAGE = "dataproduct"  # from the dataproduct-cli distribution
SCHEMA_VERSIONS = {"v1.1.0": "1.1.0", "v1.0.0": "1.0.0", "v0.9.0": "1.0.0"}


def _schema_folder() -> Path:
    """Return dataproduct-cli's folder of ODPS schemas, found without importing its CLI."""
    spec = find_spec(SCHEMA_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "ODPS's JSON Schemas come with dataproduct-cli, which is not installed: "
            "run `pip install dataproduct-cli` (pairlab depends on it)"
        )
    return Path(spec.origin).parent / "schemas"


@cache
def published(version: str = "v1.1.0") -> dict[str, Any]:
    """Return the JSON Schema Bitol published for ODPS `version` (v0.9.0 reads as v1.0.0)."""
    name = f"odps-{SCHEMA_VERSIONS[version]}.schema.json"
    data: dict[str, Any] = json.loads((_schema_folder() / name).read_text(encoding="utf-8"))
    return data


def import_jsonschema() -> Any:
    """Import jsonschema without rfc3987_syntax, whose Lark grammars take ~3 s to build.

    That module only gives jsonschema's FormatChecker the `iri` formats; pairlab validates
    without a FormatChecker, so formats are never checked here (python-jsonschema issue 1428).
    Where jsonschema is already imported (a Jupyter server), nothing changes.
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import -> ImportError
        try:
            import jsonschema
        finally:
            del sys.modules["rfc3987_syntax"]  # a later direct import works as usual
    import jsonschema

    return jsonschema


@cache
def _validator(version: str) -> Any:
    """Return a Draft 2019-09 validator of the schema of `version`."""
    jsonschema = import_jsonschema()  # only when a document is validated strictly
    return jsonschema.Draft201909Validator(published(version))


def _as_json(value: Any) -> Any:
    """Return YAML data as JSON would carry it: dates and times as ISO 8601 text."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value.isoformat() if isinstance(value, date | datetime) else value


def schema_errors(data: Mapping[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Yield (location, message) of every rule of the JSON Schema `data` breaks."""
    version = data.get("apiVersion")
    known = isinstance(version, str) and version in SCHEMA_VERSIONS
    found = _validator(version if known else "v1.1.0").iter_errors(_as_json(dict(data)))
    errors = sorted(found, key=lambda e: [str(p) for p in e.path])
    for error in errors:
        yield tuple(error.absolute_path), error.message


def _node(schema: Mapping[str, Any], pointer: str) -> Mapping[str, Any] | None:
    """Return the schema object at JSON pointer `pointer` ("#/..."), or None."""
    node: Any = schema
    for part in pointer.lstrip("#").strip("/").split("/") if pointer != "#" else ():
        node = node.get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else None


def _walk(data: Any, pointer: str, where: str) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """Yield (schema pointer, location, object) for each object of `data`, along v1.1.0's schema."""
    node = _node(published("v1.1.0"), pointer)
    if node is None:
        return
    if "$ref" in node:
        yield from _walk(data, node["$ref"], where)
    elif isinstance(data, list) and "items" in node:
        for i, item in enumerate(data):
            yield from _walk(item, f"{pointer}/items", f"{where}[{i}]")
    elif isinstance(data, dict) and "properties" in node:
        yield pointer, where, data
        for key, value in data.items():
            if key in node["properties"]:
                inner = f"{where}.{key}" if where else key
                yield from _walk(value, f"{pointer}/properties/{key}", inner)


def version_findings(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return (field, rule) for each v1.1.0 field a v1.0.0 document uses or v1.0.0 field it lacks.

    Both come from the difference of the two published schemas, object by object, so the rule
    follows the standard's files rather than a list kept here.
    """
    if data.get("apiVersion") != "v1.0.0":
        return []
    old, new = published("v1.0.0"), published("v1.1.0")
    found: list[tuple[str, str]] = []
    for pointer, where, obj in _walk(dict(data), "#", ""):
        if any(where == f or where.startswith((f"{f}.", f"{f}[")) for f, _ in found):
            continue  # inside a field already named as v1.1.0's
        before = _node(old, pointer) or {}
        after = _node(new, pointer) or {}
        added = set(after.get("properties", {})) - set(before.get("properties", {}))
        required = set(before.get("required", ())) - set(after.get("required", ()))
        for name in sorted(added & set(obj)):
            field = f"{where}.{name}" if where else name
            rule = "not a field of ODPS v1.0.0; ODPS v1.1.0 allows it: set apiVersion: v1.1.0"
            found.append((field, rule))
        for name in sorted(required - set(obj)):
            field = f"{where}.{name}" if where else name
            found.append((field, "Field required by ODPS v1.0.0 (v1.1.0 makes it optional)"))
    return found
