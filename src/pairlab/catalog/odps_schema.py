"""ODPS's published JSON Schema, shipped with pairlab, and its v1.1.0 additions.

`schemas/odps-json-schema-v1.0.0.json` is Bitol's file, unchanged (see `schemas/NOTICE.md`).
No published v1.1.0 schema file was at hand, so the v1.1.0 schema here is the v1.0.0 one with
the objects and fields v1.1.0's changelog and field tables add; the pydantic model
(`pairlab.catalog.odps`) checks the same fields independently.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

_STRING = {"type": "string"}
_BOOL = {"type": "boolean", "default": False}
_LIST = "#/$defs/"


def _array(ref: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": _LIST + ref}}


def _closed(required: list[str], **props: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": props,
    }


@cache
def published(version: str = "v1.0.0") -> dict[str, Any]:
    """Return the JSON Schema Bitol published for ODPS `version` (v1.0.0)."""
    text = resources.files("pairlab.catalog").joinpath(f"schemas/odps-json-schema-{version}.json")
    data: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return data


@cache
def schema_v110() -> dict[str, Any]:
    """Return the v1.0.0 schema with every field v1.1.0 adds, at the levels it allows them."""
    schema = copy.deepcopy(published("v1.0.0"))
    defs = schema["$defs"]
    blocks = {
        "tags": {"$ref": _LIST + "Tags"},
        "customProperties": _array("CustomProperty"),
        "authoritativeDefinitions": _array("AuthoritativeDefinition"),
    }
    defs["Synonym"] = _closed(
        ["synonym"], synonym=_STRING, id=_STRING, description=_STRING, locale=_STRING,
        source=_STRING, status=_STRING, customProperties=_array("CustomProperty"),
    )  # fmt: skip
    defs["VerifiedStatement"] = _closed(
        ["question"], question=_STRING, id=_STRING, answer=_STRING, description=_STRING, **blocks
    )
    defs["Constraint"] = _closed(
        ["constraint"], constraint=_STRING, id=_STRING, description=_STRING, **blocks
    )
    context = _closed(
        [], instructions=_STRING, verifiedStatements=_array("VerifiedStatement"),
        constraints=_array("Constraint"),
    )  # fmt: skip
    defs["Context"] = {"oneOf": [context, _STRING]}
    added = {"context": {"$ref": _LIST + "Context"}, "synonyms": _array("Synonym")}
    schema["properties"].update(added, type=_STRING, deprecated=_BOOL)
    schema["properties"]["apiVersion"]["enum"] = ["v0.9.0", "v1.0.0", "v1.1.0"]
    defs["OutputPort"]["properties"].update(added, deprecated=_BOOL)
    defs["InputPort"]["properties"]["deprecated"] = _BOOL
    defs["ManagementPort"]["properties"]["deprecated"] = _BOOL
    defs["SBOM"]["properties"].update(blocks, id=_STRING)
    return schema


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
    schema = schema_v110() if version == "v1.1.0" else published("v1.0.0")
    return jsonschema.Draft201909Validator(schema)


def _as_json(value: Any) -> Any:
    """Return YAML data as JSON would carry it: dates and times as ISO 8601 text."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value.isoformat() if isinstance(value, date | datetime) else value


def schema_errors(data: Mapping[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Yield (location, message) of every rule of the JSON Schema `data` breaks."""
    version = "v1.1.0" if data.get("apiVersion") == "v1.1.0" else "v1.0.0"
    found = _validator(version).iter_errors(_as_json(dict(data)))
    errors = sorted(found, key=lambda e: [str(p) for p in e.path])
    for error in errors:
        yield tuple(error.absolute_path), error.message
