"""The server's messages in the reader's language: gettext catalogs, picked by Accept-Language.

The messages are `_()` calls in src/pairlab/server and errors.py; their catalogs are
src/pairlab/locale/server/<lang>/LC_MESSAGES/pairlab.{po,mo} (docs/server.md, "Languages").
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from tornado.httpclient import HTTPClientError

import pairlab
from pairlab.errors import from_os_error
from pairlab.locale import SERVER_LOCALE, Message, _, accepted_languages, translate

PACKAGE = Path(pairlab.__file__).parent
NB = SERVER_LOCALE / "nb_NO" / "LC_MESSAGES"
PAIR = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]
PLACEHOLDER = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")  # {name}, {name!r}; not {{ or }}


def source_msgids() -> set[str]:
    """Return every message the server's code marks with _(), as pybabel extracts them."""
    files = [*sorted((PACKAGE / "server").glob("*.py")), PACKAGE / "errors.py"]
    return {
        msgid
        for path in files
        for _line, msgid, _comments, _context in extract_from_file("python", path, {"_": None})
    }


def catalog(path: Path) -> dict[str, str]:
    """Return a .po or .mo catalog's translations by msgid."""
    with path.open("rb") as source:
        read = read_po(source) if path.suffix in (".po", ".pot") else read_mo(source)
    return {m.id: m.string for m in read if m.id}


def test_every_server_message_has_a_norwegian_translation():
    wanted = source_msgids()
    assert len(wanted) > 20  # the extractor finds the server's messages
    template = {m for m in catalog(SERVER_LOCALE / "pairlab.pot")}
    assert wanted == template, "run extension/update-catalog.sh server-update"
    nb = catalog(NB / "pairlab.po")
    assert not sorted(wanted - {m for m, text in nb.items() if text}), "translate the new entries"


def test_the_shipped_mo_is_compiled_from_the_po():
    assert catalog(NB / "pairlab.mo") == catalog(NB / "pairlab.po"), (
        "run extension/update-catalog.sh server-compile"
    )


async def test_a_route_answers_in_norwegian_when_the_request_asks(jp_fetch):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("pairlab", "nope", headers={"Accept-Language": "nb-NO,nb;q=0.9,en;q=0.8"})
    assert info.value.code == 404
    assert json.loads(info.value.response.body) == {
        "error": "ingen pairlab-rute 'nope'",
        "fix": "se GET /pairlab/lessons for det som finnes",
    }


@pytest.mark.parametrize("header", [None, "en-US,en;q=0.9,nb;q=0.5", "de-DE", "*"])
async def test_a_route_answers_in_english_otherwise(jp_fetch, header):
    headers = {"Accept-Language": header} if header else {}
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("pairlab", "nope", headers=headers)
    assert json.loads(info.value.response.body) == {
        "error": "no pairlab route 'nope'",
        "fix": "see GET /pairlab/lessons for what exists",
    }


async def test_a_refused_body_with_a_placeholder_is_translated_with_its_value(jp_fetch):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(
            "pairlab",
            "sessions",
            method="POST",
            body=json.dumps({"participants": PAIR, "lesson": "no-such"}),
            headers={"Accept-Language": "nb"},
        )
    assert info.value.code == 400
    body = json.loads(info.value.response.body)
    assert body["error"] == "ukjent leksjons-id 'no-such'", body


def test_a_message_is_its_english_text_everywhere_else():
    message = _("session '{session}' has ended", session="s1")
    assert message == "session 's1' has ended" and isinstance(message, str)
    copied = pickle.loads(pickle.dumps(message))  # noqa: S301 - our own bytes: crosses processes
    assert copied.values == {"session": "s1"}
    error = from_os_error(FileNotFoundError(2, "No such file or directory", "/x/y"))
    assert str(error) == (
        "cannot use /x/y: No such file or directory; check the path: a folder on it does not exist"
    )
    assert translate(error.problem, ["nb_NO"]) == "kan ikke bruke /x/y: No such file or directory"


@pytest.mark.parametrize(
    ("header", "languages"),
    [
        ("nb-NO,nb;q=0.9,en;q=0.8", ["nb_NO", "nb"]),
        ("en;q=0.9,nb-NO", ["nb_NO"]),  # by quality, not by order
        ("en-GB,nb-NO;q=0.5", []),  # English first: never the next catalog found
        ("sv;q=0, da, *", ["da"]),
        ("", []),
        (None, []),
        ("nb;q=abc, ;;, da;q=0.1", ["da"]),
    ],
)
def test_accept_language_picks_languages_best_first(header, languages):
    assert accepted_languages(header) == languages


def test_every_translation_keeps_its_placeholders():
    for msgid, text in catalog(NB / "pairlab.po").items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), msgid
    message = Message("unknown lesson id {lesson!r}", lesson="x")
    assert translate(message, ["nb_NO"]) == "ukjent leksjons-id 'x'"


def test_a_translation_with_a_broken_placeholder_says_the_english_text(tmp_path, monkeypatch):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    import pairlab.locale as locale

    broken = Catalog(locale="de_DE", domain="pairlab")
    broken.add("session '{session}' has ended", "Sitzung '{sitzung}' ist beendet")
    broken.add("start a new session", "eine neue Sitzung starten")
    folder = tmp_path / "de_DE" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "pairlab.mo").open("wb") as out:
        write_mo(out, broken)
    monkeypatch.setattr(locale, "SERVER_LOCALE", tmp_path)
    locale._catalog.cache_clear()
    try:
        assert translate(_("start a new session"), ["de_DE"]) == "eine neue Sitzung starten"
        message = _("session '{session}' has ended", session="s1")
        assert translate(message, ["de_DE"]) == "session 's1' has ended"
    finally:
        locale._catalog.cache_clear()


def test_the_update_script_rebuilds_the_shipped_catalogs_and_adds_a_language(tmp_path):
    """Run docs/server.md's commands on a copy: they give the committed catalogs back."""
    repo = PACKAGE.parents[1]
    copy = tmp_path / "repo"
    (copy / "extension").mkdir(parents=True)
    shutil.copy(repo / "extension" / "update-catalog.sh", copy / "extension")
    shutil.copytree(PACKAGE / "server", copy / "src" / "pairlab" / "server")
    shutil.copy(PACKAGE / "errors.py", copy / "src" / "pairlab")
    shutil.copytree(SERVER_LOCALE, copy / "src" / "pairlab" / "locale" / "server")
    script = copy / "extension" / "update-catalog.sh"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for args in (["server-update"], ["server-update", "-l", "de_DE"], ["server-compile"]):
        subprocess.run(["bash", str(script), *args], check=True, env=env, capture_output=True)
    made = copy / "src" / "pairlab" / "locale" / "server"
    assert catalog(made / "pairlab.pot").keys() == catalog(SERVER_LOCALE / "pairlab.pot").keys()
    assert catalog(made / "nb_NO" / "LC_MESSAGES" / "pairlab.mo") == catalog(NB / "pairlab.mo")
    german = catalog(made / "de_DE" / "LC_MESSAGES" / "pairlab.po")
    assert german.keys() == source_msgids() and not any(german.values())  # ready to translate
    assert (made / "de_DE" / "LC_MESSAGES" / "pairlab.mo").exists()
