"""A pack made from every green product of the promotion corpus teaches: green and red.

Each green corpus notebook is promoted once (no kernel: the pack needs the product's code,
not its characterization), `pairlab lesson new` makes a pack from it, and both versions of
every pack run in one pool of kernels: every step passes on the solutions, and every step
fails on the untouched learner notebooks. Every pack passes `ruff check` and `ruff format
--check` with the settings it carries. The corpus list is test_corpus.py's own.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from pack_ruff import ruff_findings

from pairlab.cli import main
from pairlab.curriculum._run import LessonRun, _execute_and_check, stage
from pairlab.lessons import PACKS_ENV, Lesson, read_lessons, read_pack

pytestmark = [pytest.mark.slow, pytest.mark.kernel]

CORPUS_TEST = Path(__file__).resolve().parents[1] / "promote" / "test_corpus.py"
JOBS = 2


def _corpus() -> tuple[Path, dict[str, str]]:
    """Return the corpus folder and {name: notebook} of its green entries (test_corpus.py's)."""
    spec = importlib.util.spec_from_file_location("promote_corpus_list", CORPUS_TEST)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module.CORPUS, {name: module.EXPECTED[name].notebook for name in module.GREEN}


CORPUS, GREEN = _corpus()


@dataclass(frozen=True)
class PackRun:
    """One pack made from a corpus product, and its lessons' runs in each version."""

    pack: Path
    solutions: list[LessonRun]
    learners: list[LessonRun]


def _make_pack(name: str, base: Path) -> Path:
    """Promote one corpus notebook (code only, no kernel), then `pairlab lesson new` on it."""
    from pairlab.promote import promote

    work = Path(shutil.copytree(CORPUS / name, base / name / "work"))
    product = base / name / "product"
    outcome = promote(
        work / GREEN[name], name.replace("_", "-"), product, run=False, checks=False, ci=False,
        echo=lambda _: None,
    )  # fmt: skip
    assert outcome.written, name
    pack = base / name / "pack"
    argv = ["lesson", "new", str(pack), "--from", str(product), "--owner", "maya"]
    with pytest.raises(SystemExit) as done:  # the packs are known at once: each its own name
        main([*argv, "--name", f"{name.replace('_', '-')}-lessons"])
    assert done.value.code in (0, None), name
    return pack


@pytest.fixture(scope="session")
def corpus_packs(private_env: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, PackRun]:
    """Make every pack, stage both versions, run them all in one pool; name -> PackRun."""
    base = tmp_path_factory.mktemp("corpus-packs")
    packs = {name: _make_pack(name, base) for name in GREEN}
    jobs: list[tuple[str, bool, Path, list[Lesson]]] = []
    for name, pack in packs.items():
        lessons = read_lessons(pack)
        for solutions in (True, False):
            out = base / name / ("solutions" if solutions else "learners")
            jobs += [(name, solutions, nb, lessons) for nb in stage(out, solutions, pack)]
    with pytest.MonkeyPatch.context() as mp:  # every pack known, as `curriculum run` makes it
        mp.setenv(PACKS_ENV, os.pathsep.join(str(p) for p in packs.values()))
        with ThreadPoolExecutor(max_workers=JOBS) as pool:
            runs = list(pool.map(lambda j: _execute_and_check(j[2], not j[1], j[3]), jobs))
    found = {name: PackRun(pack, [], []) for name, pack in packs.items()}
    for (name, solutions, _, _), run in zip(jobs, runs, strict=True):
        (found[name].solutions if solutions else found[name].learners).append(run)
    return found


@pytest.mark.parametrize("name", sorted(GREEN))
def test_a_pack_from_a_corpus_product_is_green_on_its_solutions(name, corpus_packs):
    done = corpus_packs[name]
    assert read_pack(done.pack).owner == "maya"
    assert len(done.solutions) == len(read_lessons(done.pack)) >= 3
    failed = [(r.notebook.name, r.error) for r in done.solutions if not r.ok]
    assert not failed, failed
    verdicts = {s.step: (s.verdict, s.message) for r in done.solutions for s in r.steps}
    assert verdicts and all(v == "pass" for v, _ in verdicts.values()), verdicts


@pytest.mark.parametrize("name", sorted(GREEN))
def test_a_pack_from_a_corpus_product_is_red_on_untouched_learner_notebooks(name, corpus_packs):
    done = corpus_packs[name]
    verdicts = {s.step: (s.verdict, s.message) for r in done.learners for s in r.steps}
    steps = {f"{x.id}/{s.id}" for x in read_lessons(done.pack) for s in x.steps}
    assert set(verdicts) == steps
    assert all(v != "pass" for v, _ in verdicts.values()), verdicts


@pytest.mark.parametrize("name", sorted(GREEN))
def test_a_pack_from_a_corpus_product_is_ruff_clean(name, corpus_packs):
    assert ruff_findings(corpus_packs[name].pack) == []
