"""The guide in the user's language: JupyterLab's language switched to Norwegian Bokmål.

The browser test does what the README says (Settings > Language > Norsk bokmål (Norge), Change
and reload) and checks each of its claims: the setting saved, the guide's words Norwegian in four
states, JupyterLab's menus English, the server's refusals in Norwegian though the browser asks
for English (the guide sends the lab's language as Accept-Language).

The catalog is `src/pairlab/locale/nb_NO/LC_MESSAGES/pairlab.po` (the translators' file) and
the `pairlab.json` compiled from it, which JupyterLab loads for the `pairlab` domain
(`extension/update-catalog.sh update|compile` regenerates both with jupyterlab-translate).
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Locator, Page, Request, expect

import pairlab

LOCALE = Path(pairlab.__file__).parent / "locale"
CATALOG = LOCALE / "nb_NO" / "LC_MESSAGES"
SOURCE = Path(__file__).resolve().parents[2] / "extension" / "src"
# The first argument of trans.__(...), trans._n(...), as the extractor reads it.
CALL = re.compile(r"""trans\.(?:__|_n)\(\s*(?P<q>['"])(?P<msgid>(?:\\.|(?!(?P=q)).)*)(?P=q)""")
API = re.compile(r"https?://[^/]+/pairlab/")  # the server's routes (the lab runs at /)
LANGUAGE_SETTINGS = Path("@jupyterlab", "translation-extension", "plugin.jupyterlab-settings")


def po_messages() -> dict[str, Any]:
    """Return the nb_NO catalog's translations by msgid (a plural's by its singular)."""
    with (CATALOG / "pairlab.po").open("rb") as source:
        catalog = read_po(source)
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in catalog if m.id}


def source_msgids() -> set[str]:
    """Return every string the extension's TypeScript hands to the translator."""
    found = set()
    for path in SOURCE.rglob("*.ts"):
        for match in CALL.finditer(path.read_text(encoding="utf-8")):
            found.add(match["msgid"].replace("\\'", "'").replace('\\"', '"'))
    return found


def test_every_string_the_guide_translates_has_a_norwegian_translation():
    messages = po_messages()
    wanted = source_msgids()
    assert len(wanted) > 20  # the extractor's pattern finds the guide's strings
    missing = sorted(wanted - set(messages))
    assert not missing, f"not in the catalog: run extension/update-catalog.sh update: {missing}"
    empty = sorted(m for m in wanted if not all(messages[m] if isinstance(messages[m], tuple)
                                                 else [messages[m]]))  # fmt: skip
    assert not empty, f"no nb_NO translation yet: {empty}"


def test_the_shipped_json_is_compiled_from_the_po():
    compiled = json.loads((CATALOG / "pairlab.json").read_text(encoding="utf-8"))
    header = compiled.pop("")
    assert header["domain"] == "pairlab" and header["language"] == "nb-NO"
    expected = {
        msgid: list(text) if isinstance(text, tuple) else [text]
        for msgid, text in po_messages().items()
        if text and msgid in source_msgids()
    }
    assert compiled == expected, "run extension/update-catalog.sh compile"


def test_jupyterlab_offers_norwegian_and_serves_the_catalog():
    from jupyterlab_server.translation_utils import get_language_pack, get_language_packs

    languages, _ = get_language_packs()
    assert languages["nb_NO"]["nativeName"] == "Norsk bokmål (Norge)"
    data, message = get_language_pack("nb_NO")
    assert message == "" and data["pairlab"]["Lessons"] == ["Leksjoner"]


def translated_patterns() -> list[re.Pattern[str]]:
    """Return each nb_NO translation as a pattern: its %1, %2 stand for any words."""
    compiled = json.loads((CATALOG / "pairlab.json").read_text(encoding="utf-8"))
    compiled.pop("")
    texts = {text.strip() for forms in compiled.values() for text in forms if text.strip()}
    return [re.compile(re.sub(r"%\d", ".+", re.escape(text))) for text in texts]


def data_strings(value: Any) -> set[str]:
    """Return every string in a JSON value: what the server says about lessons is content."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {s for v in value.values() for s in data_strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in data_strings(v)}
    return set()


SHOWN_TEXT = """g => {
    const out = [];
    const shown = e => e && e.checkVisibility({visibilityProperty: true});
    const walker = document.createTreeWalker(g, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        const parent = node.parentElement;
        if (node.textContent.trim() && (shown(parent) || parent.tagName === 'OPTION')) {
            out.push(node.textContent.trim());
        }
    }
    for (const e of g.querySelectorAll('[aria-label], [title], [placeholder]')) {
        for (const name of ['aria-label', 'title', 'placeholder']) {
            const value = (e.getAttribute(name) || '').trim();
            if (value && shown(e)) out.push(value);
        }
    }
    return out;
}"""


def untranslated(page: Page, content: set[str]) -> list[str]:
    """Return the guide's words that are neither a Norwegian translation nor lesson content."""
    patterns = translated_patterns()
    shown: list[str] = page.locator("#pairlab-guide").evaluate(SHOWN_TEXT)
    return sorted({
        text for text in shown
        if not re.fullmatch(r"[\d\s:.,\u00d7()/\u2013-]*", text)  # numbers and clock times
        and not any(text in s for s in content)
        and not any(p.fullmatch(text) for p in patterns)
    })  # fmt: skip


def choose_language(page: Page, name: str) -> None:
    """Choose a language as the README says: Settings > Language, then Change and reload."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Settings$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Language$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=name).click()
    with page.expect_navigation():  # JupyterLab saves the setting and reloads the page
        page.get_by_role("button", name="Change and reload").click()


def server_message(page: Page, guide: Locator) -> str:
    """Return the words the guide shows for a server refusal: a cohort report of no session."""
    toggle = guide.locator(".jp-pairlab-facilitator-toggle input")
    toggle.check()
    guide.locator(".jp-pairlab-report").click()
    error = guide.locator(".jp-pairlab-facilitator .jp-pairlab-error")
    expect(error).not_to_be_empty()
    words = error.inner_text()
    toggle.uncheck()
    page.reload()  # the refusal stays in the section: start the guide afresh
    return words


@pytest.mark.browser
def test_in_norwegian_the_guide_shows_no_english_string(page: Page, own_lab, output_dir):
    lab, _ = own_lab
    with urllib.request.urlopen(lab.url("pairlab/lessons"), timeout=30) as reply:
        lessons = json.load(reply)
    first = quote(lessons["lessons"][0]["notebook"])
    similar_url = lab.url(f"pairlab/catalog/similar?path={first}")
    with urllib.request.urlopen(similar_url, timeout=30) as reply:
        similar = json.load(reply)  # the catalog's products: names, owners, statuses
    content = data_strings(lessons) | data_strings(similar) | {"Ana", "Eli"}
    page.goto(lab.url("lab/workspaces/norsk"))
    guide = page.locator("#pairlab-guide")
    expect(guide.locator("h2")).to_have_text("Pairing guide")  # English until chosen
    choose_language(page, "Norsk bokmål (Norge)")
    settings = lab.root.parent / "settings" / LANGUAGE_SETTINGS
    saved = re.sub(r"(?m)^\s*//.*$", "", settings.read_text(encoding="utf-8"))
    assert json.loads(saved)["locale"] == "nb_NO"  # the README: it saves locale nb_NO
    expect(guide.locator("h2")).to_have_text("Parprogrammeringsguide")
    # JupyterLab's own menus stay English: no JupyterLab language pack exists for nb_NO.
    expect(page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^File$"))).to_be_visible()
    requests: list[Request] = []
    page.on("request", lambda r: requests.append(r) if API.match(r.url) else None)
    # The server's messages follow the lab's language (the guide sends it as Accept-Language),
    # though this browser asks for English: a refusal reads in Norwegian.
    assert page.evaluate("navigator.language").startswith("en")
    assert server_message(page, guide) == (
        "Ingen parprogrammeringsøkt på denne serveren ennå: start en økt, og programmer så i par."
    )
    expect(guide.locator(".jp-pairlab-lesson").first).to_be_visible()
    seen = {"no session": untranslated(page, content)}

    # A lesson open: its steps; the start form.
    guide.locator(".jp-pairlab-lesson-title").first.click()
    expect(guide.locator(".jp-pairlab-step").first).to_be_visible()
    guide.locator(".jp-pairlab-start").click()
    form = guide.locator(".jp-pairlab-start-form")
    expect(form).to_be_visible()
    seen["start form"] = untranslated(page, content)
    names = form.locator(".jp-pairlab-name")
    names.nth(0).fill("Ana")
    names.nth(1).fill("Eli")
    form.locator(".jp-pairlab-submit").click()
    expect(guide.locator(".jp-pairlab-driver")).to_contain_text("Ana")
    seen["session running"] = untranslated(page, content)

    # Facilitator mode: the summary and the notes.
    guide.locator(".jp-pairlab-facilitator-toggle input").check()
    expect(guide.locator(".jp-pairlab-facilitator")).to_be_visible()
    expect(guide.locator(".jp-pairlab-summary-lesson")).to_be_visible()
    seen["facilitator mode"] = untranslated(page, content)
    page.screenshot(path=str(output_dir / "norsk.png"))
    assert seen == {state: [] for state in seen}, seen
    # Every call the guide made to the server named the lab's language.
    asked = {f"{r.method} {r.url}": r.header_value("accept-language") for r in requests}
    assert len(asked) > 3 and set(asked.values()) == {"nb-NO"}, asked
    # The same reading finds an English string put in the guide: the test can fail.
    guide.evaluate("g => g.append(Object.assign(document.createElement('p'), "
                   "{textContent: 'Similar products'}))")  # fmt: skip
    assert untranslated(page, content) == ["Similar products"]
