"""Everything promote writes is ruff- and format-clean for any product name it accepts.

Cheap path, no kernel: the generators are called directly for each name (the kit's Python
templates rendered with Jinja, the package modules, the notebook and its twin, the
characterization tests), laid out by promote's own tidy step, then one `ruff check` and one
`ruff format --check` judge the whole batch, with the product's own ruff settings.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from promote_helpers import FIXTURES

from pairlab import _process
from pairlab.checks.lint import ruff_binary
from pairlab.errors import BadInput
from pairlab.promote import _clean, analyse, characterization
from pairlab.promote._nbfile import notebook_json, percent_script
from pairlab.promote._promote import MAX_NAME, _answers, names_for
from pairlab.promote.extraction import notebook_cells, pipeline_module, transform_module

KIT = Path(__file__).resolve().parents[2] / "kits/data-product/template"
TEMPLATES = {
    "pyproject.toml": "pyproject.toml.jinja",
    "src/{package}/__init__.py": "src/{{package_name}}/__init__.py.jinja",
    "tests/test_contract.py": "tests/test_contract.py.jinja",
}
# Analysts write paragraphs on one line: the paired script carries them as comments.
LONG_MARKDOWN = {"cell_type": "markdown", "id": "long", "metadata": {}, "source": "word " * 40}
ANALYSIS = analyse(FIXTURES / "loss_ratio.ipynb")  # static: no kernel, well under a second


def write_product(root: Path, name: str) -> tuple[Path, Path, str] | None:
    """Write stage 2's files for `name` into root/name: (product, notebook, test module).

    None if promote refuses the name.
    """
    try:
        names = names_for(name, ANALYSIS)
    except BadInput:
        return None  # e.g. a name that is an installed module: refused with a message
    product = root / name
    # Python and TOML, not HTML: nothing to escape (copier renders them unescaped too).
    env = jinja2.Environment(  # noqa: S701
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined
    )
    answers = _answers(ANALYSIS, names)
    for rel, template in TEMPLATES.items():
        text = env.from_string((KIT / template).read_text()).render(**answers)
        put(product / rel.format(package=names.package), text)
    pkg = product / "src" / names.package
    put(pkg / "transform.py", transform_module(ANALYSIS, names))
    put(pkg / "pipeline.py", pipeline_module(ANALYSIS, names))
    cells = [*notebook_cells(ANALYSIS, names), LONG_MARKDOWN]
    notebook = product / f"notebooks/{names.notebook}.ipynb"
    put(notebook, notebook_json(cells, None))
    put(notebook.with_suffix(".py"), percent_script(cells, None))
    return product, notebook, characterization.test_module(names)


def put(path: Path, text: str) -> None:
    """Write one generated file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def unclean(root: Path) -> str:
    """Return what ruff check and ruff format --check find under root (empty: clean)."""
    ruff = ruff_binary()
    lint = _process.run([ruff, "check", "--no-cache", "--output-format", "concise", "."], cwd=root)
    fmt = _process.run([ruff, "format", "--check", "--no-cache", "."], cwd=root)
    found = [] if lint.ok else [lint.stdout]
    found += [] if fmt.ok else [fmt.stdout]
    return "\n".join(found)


def check_names(root: Path, names: list[str]) -> None:
    """Generate a product per name and assert the whole batch is clean."""
    written = [w for w in (write_product(root, n) for n in names) if w]
    assert written
    _clean.tidy_many([(product, notebook) for product, notebook, _ in written])
    for product, _, test_module in written:
        # Written after the tidy step, as stage 3 does: it must be clean as generated.
        put(product / "tests/test_characterization.py", test_module)
    assert unclean(root) == ""


ALNUM = string.ascii_lowercase + string.digits
pytestmark = pytest.mark.slow  # seconds: a few hundred generated products, judged by ruff


@st.composite
def product_names(draw: st.DrawFn) -> str:
    """Return a valid product name of any allowed length: words joined by '-' or '_'."""
    length = draw(st.integers(1, MAX_NAME))
    name = draw(st.sampled_from(string.ascii_lowercase))
    while len(name) < length:
        room = length - len(name)
        if room >= 2 and draw(st.booleans()):
            name += draw(st.sampled_from("-_")) + draw(st.sampled_from(ALNUM))
        else:
            name += draw(st.sampled_from(ALNUM))
    return name


def test_names_of_every_allowed_length_generate_clean_code(tmp_path: Path):
    letters = "claimsfrequencybyregion" * 4
    names = ["claims-frequency-by-region"]
    names += [f"{letters[: n - 2]}-x" if n > 3 else letters[:n] for n in range(1, MAX_NAME + 1)]
    check_names(tmp_path, sorted(set(names)))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(product_names(), min_size=1, max_size=8, unique_by=str))
def test_any_valid_name_generates_clean_code(
    tmp_path_factory: pytest.TempPathFactory, names: list[str]
):
    check_names(tmp_path_factory.mktemp("names"), names)


def test_a_name_longer_than_allowed_is_refused_naming_the_limit():
    with pytest.raises(BadInput) as caught:
        names_for("a" * (MAX_NAME + 1), ANALYSIS)
    assert f"at most {MAX_NAME} characters" in str(caught.value)
    assert re.fullmatch(r"[^\n]+", str(caught.value))
