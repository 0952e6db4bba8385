"""The registry's one shape: register(), an entry-point group, and argument validation."""

from __future__ import annotations

import pytest

from pairlab.checks import (
    ENTRY_POINT_GROUP,
    Check,
    Param,
    Selected,
    passed,
    registry,
    run_checks,
)
from pairlab.checks._registry import Registry
from pairlab.errors import BadInput, NotFound

BUILT_IN = [
    "in-order",
    "runs-top-to-bottom",
    "lint-clean",
    "has-parameters",
    "paired",
    "uses-functions",
    "tests-pass",
    "no-secrets",
    "no-absolute-paths",
    "nbdime-configured",
]


def test_every_issue_check_is_registered_in_a_stable_order():
    assert [c.id for c in registry][: len(BUILT_IN)] == BUILT_IN
    for check in registry:
        assert check.title and check.func.__doc__, check.id
        assert check.needs in ("a notebook", "a project folder", "a kernel run", "a test run")


def test_registering_an_id_twice_is_refused():
    fresh = Registry()
    fresh.register(Check("mine", "Mine", lambda ctx, args: passed("ok")))
    with pytest.raises(ValueError, match="already registered"):
        fresh.register(Check("mine", "Other", lambda ctx, args: passed("ok")))


def test_unknown_id_lists_the_known_ones():
    with pytest.raises(NotFound, match="no check 'nope'") as info:
        registry.get("nope")
    assert "in-order" in info.value.fix


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ({"colour": "red"}, "no argument 'colour'"),
        ({"consecutive": "yes"}, "must be true or false"),
    ],
)
def test_bad_arguments_are_named(args, words):
    with pytest.raises(BadInput, match=words):
        registry.get("in-order").validate_args(args)


def test_int_arguments_refuse_booleans():
    with pytest.raises(BadInput, match="whole number"):
        registry.get("runs-top-to-bottom").validate_args({"timeout": True})


def test_defaults_fill_missing_arguments():
    assert registry.get("lint-clean").validate_args({}) == {"select": [], "ignore": []}


def _third_party(tmp_path, monkeypatch, body: str, module: str) -> Registry:
    """Install a real distribution with a pairlab.checks entry point on sys.path."""
    (tmp_path / f"{module}.py").write_text(body)
    info = tmp_path / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nacme = {module}:CHECK\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return Registry()


PLUGIN = """
from pairlab.checks import Check, Param, failed, passed

def has_readme(ctx, args):
    '''Pass when the project has a README.'''
    if (ctx.project / args["name"]).exists():
        return passed("there is a README")
    return failed("write a README.md saying what the product answers")

CHECK = Check("has-readme", "The project has a README", has_readme, target="project",
              params={"name": Param("str", "README.md", "file name")})
"""


def test_third_party_checks_load_from_the_entry_point_group(tmp_path, monkeypatch):
    fresh = _third_party(tmp_path, monkeypatch, PLUGIN, "acme_checks")
    check = fresh.get("has-readme")
    project = tmp_path / "product"
    project.mkdir()
    args = check.validate_args({})
    assert run_checks(project, [Selected(check, args, True)]).results[0].status == "fail"
    (project / "README.md").write_text("# Product")
    assert run_checks(project, [Selected(check, args, True)]).results[0].status == "pass"


def test_a_broken_plugin_is_skipped_not_fatal(tmp_path, monkeypatch, caplog):
    body = "raise ImportError('acme needs numpy 9')\n"
    fresh = _third_party(tmp_path, monkeypatch, body, "acme_broken")
    assert "in-order" not in fresh  # a fresh registry holds only plugins; none loaded
    assert "cannot load check 'acme'" in caplog.text


def test_a_crashing_check_becomes_an_error_result(tmp_path):
    def broken(ctx, args):
        """Fail the way a buggy plugin does."""
        raise ZeroDivisionError("oops")

    check = Check("broken", "Broken", broken, target="project", params={"n": Param("int", 1, "")})
    report = run_checks(tmp_path, [Selected(check, check.validate_args({}), True)])
    assert report.results[0].status == "error"
    assert "ZeroDivisionError" in report.results[0].message
