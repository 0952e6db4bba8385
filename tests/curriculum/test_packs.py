"""Lesson packs: made from a product, built and run like the core, taught from the lab.

The fast tests make packs from a product the data-product kit renders (copier, no kernel);
the slow one promotes a real notebook, makes a pack from the product in two commands and runs
both versions: every step red on the learner's, green on the solution's.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from pack_ruff import ruff_findings, ruff_linted

from pairlab.checks import validate_lessons
from pairlab.cli import main
from pairlab.curriculum import build, new_pack
from pairlab.errors import BadInput
from pairlab.kits import data_product_answers, new_project
from pairlab.lab import plan_lab, seed_workspace
from pairlab.lessons import (
    CORE,
    PACKS_ENV,
    core_pack,
    installed_packs,
    known_packs,
    load_lessons,
    read_lessons,
    read_pack,
)
from pairlab.resources import curriculum_dir

FIXTURES = Path(__file__).resolve().parents[1] / "promote" / "fixtures"


@pytest.fixture(autouse=True)
def no_packs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start each test knowing only the core pack; what a test makes known is forgotten."""
    monkeypatch.setenv(PACKS_ENV, "")  # recorded, so undone even when a test sets it


@pytest.fixture(scope="session")
def kit_product(private_env: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a product rendered by the data-product kit (its example pipeline)."""
    dest = tmp_path_factory.mktemp("kit-product") / "loss-ratio"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAIRLAB_KITS_HOME", str(private_env / "kits"))
        new_project("data-product", dest, data_product_answers(dest, None, "ana"), force=False)
    return dest


@pytest.fixture(scope="session")
def kit_pack(kit_product: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a pack made from the kit's product, shared by the tests that only read it."""
    root = tmp_path_factory.mktemp("kit-pack") / "loss-lessons"
    new_pack(root, kit_product, owner="maya")  # the ambassador, not the product's owner (ana)
    return root


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `pairlab ARGS` in-process; return exit code, stdout and stderr."""
    with pytest.raises(SystemExit) as done:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_the_core_is_the_built_in_pack():
    core = core_pack()
    assert core.name == CORE and core.is_core and core.folder == ""
    assert [p.name for p in known_packs()] == [CORE]
    as_read = read_lessons(curriculum_dir())
    assert [(x.id, x.notebook, x.pack) for x in core.lessons()] == [
        (x.id, x.notebook, CORE) for x in as_read
    ]


def test_lesson_new_writes_a_pack_in_the_core_format(kit_pack: Path, kit_product: Path):
    pack = read_pack(kit_pack)
    assert (pack.name, pack.owner, pack.domain) == ("loss-lessons", "maya", "claims")
    lessons = read_lessons(kit_pack)
    assert [x.id for x in lessons] == [
        f"loss-lessons-{s}" for s in ("explore", "rebuild", "test", "parameterize")
    ]
    validate_lessons(lessons)  # the steps name registered checks with arguments they accept
    checks = {c.id for x in lessons for s in x.steps for c in s.checks}
    assert {"answers-match", "tests-catch-mutants", "has-parameters"} <= checks
    source = (kit_pack / "source" / "02-loss-lessons-rebuild.py").read_text()
    assert "### BEGIN SOLUTION" in source and "#> " in source
    for lesson in lessons:
        assert (kit_pack / lesson.notebook).is_file()
        assert (kit_pack / "solutions" / lesson.notebook).is_file()
    assert (kit_pack / "workspace" / "loss_ratio" / "pipeline.py").is_file()
    assert "Facilitator notes" in (kit_pack / "facilitator-notes.md").read_text()
    assert build(kit_pack, check=True).changed == []


def test_a_generated_pack_is_ruff_clean_with_the_settings_it_carries(kit_pack, tmp_path):
    assert ruff_findings(kit_pack) == []
    linted = ruff_linted(kit_pack)
    # Both versions of every lesson and the product's package are read; the sources are linted
    # as the notebooks built from them, as the core curriculum's are.
    for lesson in read_lessons(kit_pack):
        assert {lesson.notebook, f"solutions/{lesson.notebook}"} <= linted
    assert "workspace/loss_ratio/pipeline.py" in linted
    assert not [path for path in linted if path.startswith("source/")]
    # The learner writes the body: the stub raises, naming the exercise; nothing is imported
    # for a body not yet written (F401), and the solution imports what its body uses.
    learner = json.loads((kit_pack / "02-loss-lessons-rebuild.ipynb").read_text())
    step = next(c for c in learner["cells"] if "step:rebuild" in c["metadata"].get("tags", []))
    assert 'raise NotImplementedError("write the body from the docstring")' in "".join(
        step["source"]
    )
    # Without the package named first-party, ruff sorts the lessons' imports otherwise.
    copy = Path(shutil.copytree(kit_pack, tmp_path / "copy"))
    settings = copy / "workspace" / "pyproject.toml"
    settings.write_text(settings.read_text().replace('known-first-party = ["loss_ratio"]', ""))
    assert any("I001" in finding for finding in ruff_findings(copy))


def test_the_pack_is_owned_by_who_makes_it_unless_named(
    kit_product: Path, tmp_path: Path, capsys, monkeypatch
):
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Maya Ambassador\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    code, _, err = cli(capsys, "lesson", "new", str(tmp_path / "mine"), "--from", str(kit_product))
    assert code == 0, err
    assert read_pack(tmp_path / "mine").owner == "Maya Ambassador"  # who will commit the pack
    assert read_pack(tmp_path / "mine").owner != "ana"  # never the product's owner
    config.write_text("")  # git knows no name here: the login name of who runs it
    code, _, err = cli(capsys, "lesson", "new", str(tmp_path / "other"), "--from", str(kit_product))
    assert code == 0, err
    assert read_pack(tmp_path / "other").owner == getpass.getuser()


def test_lesson_new_never_overwrites_an_edited_file(kit_product: Path, tmp_path: Path, capsys):
    root = tmp_path / "pack"
    code, out, _ = cli(capsys, "lesson", "new", root, "--from", kit_product, "--name", "mine")
    assert code == 0 and "wrote   source/01-mine-explore.py" in out
    edited, untouched = root / "source" / "01-mine-explore.py", root / "facilitator-notes.md"
    edited.write_text(edited.read_text() + "\n# %%\nprint('the ambassador added this')\n")
    manifest = json.loads((root / ".pairlab" / "pack.json").read_text())
    untouched.write_text("old\n")  # as an older pairlab wrote it: pairlab's to update
    manifest["files"]["facilitator-notes.md"] = hashlib.sha256(b"old\n").hexdigest()
    (root / ".pairlab" / "pack.json").write_text(json.dumps(manifest))

    code, out, _ = cli(capsys, "lesson", "new", root, "--from", kit_product, "--name", "mine")
    assert code == 0
    assert "kept    source/01-mine-explore.py (edited since pairlab wrote it)" in out
    assert "updated facilitator-notes.md" in out
    assert "the ambassador added this" in edited.read_text()
    assert "the ambassador added this" in (root / "solutions" / "01-mine-explore.ipynb").read_text()


def test_lesson_new_refuses_a_folder_holding_another_pack(kit_pack: Path, kit_product, capsys):
    before = sorted(p.relative_to(kit_pack) for p in kit_pack.rglob("*"))
    code, _, err = cli(capsys, "lesson", "new", kit_pack, "--from", kit_product, "--name", "other")
    assert code == 2 and f"{kit_pack} holds the pack 'loss-lessons', not 'other'" in err
    assert "pass --name loss-lessons to update it" in err
    assert sorted(p.relative_to(kit_pack) for p in kit_pack.rglob("*")) == before  # no merge


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["lesson", "new", "{tmp}/p", "--from", "{tmp}"], "holds no dataproduct.yaml"),
        (["lesson", "new", "{tmp}/p", "--from", "{tmp}/none"], "is not a folder"),
        (["lesson", "new", "{tmp}/p", "--from", "{product}", "--name", "Bad Name"], "lower-case"),
        (["lesson", "new", "{tmp}/p", "--from", "{product}", "--name", "pairlab"], "core"),
        (["lesson", "new", "{tmp}/p", "--from", "{product}", "--owner", " "], "--owner is blank"),
        (["curriculum", "build", "--pack", "{tmp}"], "holds no pack.toml"),
        (["curriculum", "run", "--pack", "{tmp}", "--out", "{tmp}/out"], "holds no pack.toml"),
        (["lab", "--pack", "{tmp}", "--root", "{tmp}"], "holds no pack.toml"),
    ],
    ids=[
        "no-descriptor",
        "no-folder",
        "bad-name",
        "core-name",
        "blank-owner",
        "build",
        "run",
        "lab",
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, kit_product, args, words):
    argv = [a.format(tmp=tmp_path, product=kit_product) for a in args]
    code, _, err = cli(capsys, *argv)
    assert code == 2 and err.count("\n") == 1 and words in err, err
    assert not (tmp_path / "p").exists() and not (tmp_path / "out").exists()


def test_the_pack_workspace_carries_the_products_data_and_local_files(kit_product, tmp_path):
    product = Path(shutil.copytree(kit_product, tmp_path / "product"))
    extract = bytes(range(256)) * 4  # a binary file, as a parquet extract is
    (product / "src" / "loss_ratio" / "premiums_2024.parquet").write_bytes(extract)
    (product / "notebooks" / "data").mkdir(parents=True)
    (product / "notebooks" / "data" / "targets.csv").write_text("region,target\nEast,0.5\n")
    root = tmp_path / "pack"
    new_pack(root, product)
    workspace = root / "workspace"
    assert (workspace / "loss_ratio" / "premiums_2024.parquet").read_bytes() == extract
    assert (workspace / "data" / "targets.csv").read_text() == "region,target\nEast,0.5\n"
    assert not list(workspace.rglob("*.ipynb")) and not list(workspace.rglob("__pycache__"))
    # The lab seeds them beside the pack's lessons, where the package reads them.
    lab = tmp_path / "ws"
    lab.mkdir()
    plan_lab(lab, None, packs=(root,))
    assert (lab / "pack" / "loss_ratio" / "premiums_2024.parquet").read_bytes() == extract
    assert (lab / "pack" / "data" / "targets.csv").is_file()
    # A second run finds the binary file as pairlab wrote it.
    assert "workspace/loss_ratio/premiums_2024.parquet" in new_pack(root, product).unchanged


def test_lesson_new_refuses_a_product_that_reads_no_table_and_no_file(
    kit_product, tmp_path, capsys
):
    product = Path(shutil.copytree(kit_product, tmp_path / "product"))
    descriptor = product / "dataproduct.yaml"
    data = yaml.safe_load(descriptor.read_text())
    data["inputPorts"] = []  # builds its frames inline: lesson 1 would count nothing
    descriptor.write_text(yaml.safe_dump(data))
    code, out, err = cli(capsys, "lesson", "new", tmp_path / "pack", "--from", product)
    assert code == 2 and err.count("\n") == 1 and out == ""
    assert "names no warehouse table it reads and src/loss_ratio/ holds no CSV or parquet" in err
    assert "so lesson 1's reference would be empty" in err
    assert "add the warehouse table it reads as an inputPorts entry, or save the frame" in err
    assert not (tmp_path / "pack").exists()
    # The fix applied: a data file the package reads gives lesson 1 something to count.
    (product / "src" / "loss_ratio" / "data").mkdir()
    (product / "src" / "loss_ratio" / "data" / "targets.csv").write_text("region,t\nEast,1\n")
    code, _, err = cli(capsys, "lesson", "new", tmp_path / "pack", "--from", product)
    assert code == 0, err
    explore = (tmp_path / "pack" / "source" / "01-pack-explore.py").read_text()
    assert 'FILES = ["loss_ratio/data/targets.csv"]' in explore and "TABLES = []" in explore


def test_a_pack_lesson_named_like_a_core_lesson_is_refused(kit_pack: Path, tmp_path: Path):
    copy = shutil.copytree(kit_pack, tmp_path / "copy")
    steps = copy / "steps" / "01-loss-lessons-explore.toml"
    steps.write_text(steps.read_text().replace("01-loss-lessons-explore.ipynb", "01-explore.ipynb"))
    with pytest.raises(BadInput, match="has a core lesson's name"):
        build(copy)


def test_the_lab_seeds_the_pack_beside_the_core_and_lists_its_lessons(kit_pack, tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    plan_lab(root, None, packs=(kit_pack,))
    assert (root / "loss-lessons" / "01-loss-lessons-explore.ipynb").is_file()
    assert (root / "loss-lessons" / "loss_ratio" / "pipeline.py").is_file()  # starter files
    assert (root / "loss-lessons" / "pyproject.toml").is_file()
    assert not (root / "loss-lessons" / "solutions").exists()
    assert not (root / "loss-lessons" / "source").exists()
    listed = {x.id: x.notebook for x in load_lessons()}
    assert listed["welcome"] == "00-welcome.ipynb"
    assert listed["loss-lessons-test"] == "loss-lessons/03-loss-lessons-test.ipynb"
    # A seeded workspace holds the core at its top, as before, and every known pack.
    fresh = tmp_path / "fresh"
    seed_workspace(fresh)
    assert (fresh / "00-welcome.ipynb").is_file() and (fresh / "loss-lessons").is_dir()


def test_a_step_of_a_pack_is_checked_by_id(kit_pack, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(PACKS_ENV, str(kit_pack))
    notebook = kit_pack / "04-loss-lessons-parameterize.ipynb"
    step = "loss-lessons-parameterize/parameters"
    code, out, _ = cli(capsys, "check", notebook, "--step", step)
    assert code == 1 and "no code cell is tagged `parameters`" in out
    solution = kit_pack / "solutions" / notebook.name
    assert cli(capsys, "check", solution, "--step", step)[0] == 0


def test_installed_packs_come_from_the_entry_point_group(kit_pack, tmp_path, monkeypatch):
    site = tmp_path / "site"
    shutil.copytree(kit_pack, site / "loss_lessons_pack")
    (site / "loss_lessons_pack" / "__init__.py").write_text("")
    info = site / "loss_lessons_pack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: loss-lessons-pack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[pairlab.curricula]\nloss-lessons = loss_lessons_pack\n"
    )
    monkeypatch.syspath_prepend(str(site))
    assert [p.name for p in installed_packs()] == ["loss-lessons"]
    assert "loss-lessons-rebuild" in {x.id for x in load_lessons()}


def test_the_ambassador_kit_names_the_packs_lessons(kit_pack, tmp_path, capsys, private_env):
    dest = tmp_path / "kit"
    args = ["--name", "Ana", "--team", "pricing", "--teammate", "Sam", "--pack", kit_pack]
    code, _, err = cli(capsys, "new", "ambassador", dest, *args)
    assert code == 0, err
    plan = (dest / "teach-back-plan.md").read_text()
    assert "`loss-lessons/01-loss-lessons-explore.ipynb`" in plan
    assert "| Sam | | `loss-lessons/01-loss-lessons-explore.ipynb` |" in plan
    assert "pairlab lesson new" in (dest / "README.md").read_text()
    assert (dest / "run-sheet.md").read_text().count("pairlab lesson new") == 1


@pytest.fixture(scope="session")
def promoted_pack(private_env: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Promote a real notebook, then make a pack from the product: the two commands."""
    from pairlab.promote import promote

    base = tmp_path_factory.mktemp("promoted")
    work = base / "work"
    work.mkdir()
    shutil.copy(FIXTURES / "loss_ratio.ipynb", work)
    outcome = promote(work / "loss_ratio.ipynb", "loss-ratio", base / "loss-ratio", checks=False)
    assert outcome.ok
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(PACKS_ENV, "")
        with pytest.raises(SystemExit) as done:
            main(["lesson", "new", str(base / "pack"), "--from", str(base / "loss-ratio")])
    assert done.value.code in (0, None)
    return base / "pack"


@pytest.mark.slow
def test_a_pack_from_a_promoted_product_is_ruff_clean(promoted_pack):
    assert ruff_findings(promoted_pack) == []


@pytest.mark.slow
@pytest.mark.parametrize("solutions", [True, False], ids=["solution", "learner"])
def test_a_pack_from_a_promoted_product_runs_green_and_red(promoted_pack, tmp_path, solutions):
    from pairlab.curriculum import run_curriculum

    with pytest.MonkeyPatch.context() as mp:  # the run points kernels at its own warehouse
        mp.setenv("PAIRLAB_WAREHOUSE_PATH", "")
        runs = run_curriculum(tmp_path / "run", solutions, 2, None, True, promoted_pack)
    assert len(runs) == 4 and all(run.ok or not solutions for run in runs)
    verdicts = {s.step: (s.verdict, s.message) for run in runs for s in run.steps}
    assert len(verdicts) == 5
    if solutions:
        assert all(v == "pass" for v, _ in verdicts.values()), verdicts
    else:
        assert all(v != "pass" for v, _ in verdicts.values()), verdicts
        assert (
            "planted mutant" in verdicts["pack-test/test"][1]
            or "can fail" in (verdicts["pack-test/test"][1])
        )


@pytest.mark.slow
def test_curriculum_run_again_says_each_lesson_is_remembered_and_gives_the_same_verdicts(
    promoted_pack, tmp_path, capsys
):
    said = []
    for name in ("first", "again"):
        with pytest.MonkeyPatch.context() as mp:  # each run generates its own warehouse
            mp.setenv("PAIRLAB_WAREHOUSE_PATH", "")
            argv = ["curriculum", "run", "--pack", str(promoted_pack), "--solutions"]
            code, out, _ = cli(capsys, *argv, "--out", str(tmp_path / name))
        assert code == 0, out
        said.append(out.splitlines())
    lessons = [line for line in said[1] if line.startswith("ok")]
    assert len(lessons) == 4 and all("(remembered: not run again)" in x for x in lessons), said
    verdicts = [[line for line in out if not line.startswith(("ok", "FAIL"))] for out in said]
    assert verdicts[0] == verdicts[1] and len(verdicts[0]) == 5
