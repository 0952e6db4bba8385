"""Product checks: descriptor valid, contract kept, package builds, CI runs what it should."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pairlab import _process
from pairlab._files import scratch_folder
from pairlab.checks._model import Check, Context, Param, Result, errored, failed, passed
from pairlab.checks._registry import register

DESCRIPTOR = "dataproduct.yaml"
SHOWN = 3
# What CI must run, and the words that show a step does it.
CI_STEPS = {
    "ruff": ("ruff",),
    "pytest": ("pytest",),
    "the contract test": ("pairlab catalog test", "test_contract"),
    "the notebooks through papermill": ("papermill",),
}


def _applies(ctx: Context) -> str | None:
    """Apply to data-product folders only."""
    return None if (ctx.project / DESCRIPTOR).is_file() else f"no {DESCRIPTOR} here"


def check_descriptor(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Pass when dataproduct.yaml and every output's contract keep their rules."""
    from pairlab.catalog.descriptor import validate_product

    product, problems = validate_product(ctx.project)
    if problems:
        shown = "; ".join(str(p) for p in problems[:SHOWN])
        more = f" and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
        details = tuple({"file": p.file, "field": p.field, "rule": p.rule} for p in problems)
        return failed(f"{len(problems)} rule(s) broken: {shown}{more}", details=details)
    assert product is not None
    ports = ", ".join(product.contracts)
    return passed(f"{product.descriptor.id} is valid, with a contract for {ports}")


def check_contract(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Build each output on the warehouse and pass when every contract rule holds."""
    argv = [*_process.python_module("pairlab"), "catalog", "test", str(ctx.project), "--json"]
    argv += ["--url", args["url"]] if args["url"] else []
    done = _process.run(argv, cwd=ctx.project, timeout=args["timeout"], cancel=ctx.watch)
    if ctx.watch is not None:
        ctx.watch.raise_if_cancelled()
    if done.timed_out:
        return failed(f"building the outputs took longer than {args['timeout']} s")
    rules = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if not rules:
        return errored(f"the contract test could not run: {done.tail(2)}")
    broken = [r for r in rules if not r["passed"]]
    details = tuple(rules)
    if broken:
        shown = "; ".join(f"{r['port']}: {r['rule']} ({r['detail']})" for r in broken[:SHOWN])
        return failed(
            f"{len(broken)} of {len(rules)} contract rule(s) fail: {shown}", details=details
        )
    return passed(f"all {len(rules)} contract rules hold on the warehouse", details)


def _backend_present(project: Path) -> bool:
    """Return whether the project's build backend imports here (then no isolated env is needed)."""
    import tomllib

    try:
        meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False
    backend = meta.get("build-system", {}).get("build-backend", "")
    from importlib.util import find_spec

    return bool(backend) and find_spec(backend.split(".")[0].split(":")[0]) is not None


def check_builds(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Pass when `python -m build` makes a wheel of the project."""
    if not (ctx.project / "pyproject.toml").is_file():
        return failed("there is no pyproject.toml; the kit's data-product template has one")
    with scratch_folder("pairlab-build-") as out:
        argv = [*_process.python_module("build"), "--wheel", "--outdir", str(out), str(ctx.project)]
        # Offline machines cannot fill an isolated build env; the installed backend does as well.
        argv += ["--no-isolation"] if _backend_present(ctx.project) else []
        env = {"PYTHONDONTWRITEBYTECODE": "1"}
        done = _process.run(
            argv, cwd=ctx.project, timeout=args["timeout"], env=env, cancel=ctx.watch
        )
        if ctx.watch is not None:
            ctx.watch.raise_if_cancelled()
        wheels = [p.name for p in Path(out).glob("*.whl")]
    if "No module named build" in done.stderr:
        return errored(f"`build` is not installed; run `{sys.executable} -m pip install build`")
    if not done.ok or not wheels:
        return failed(f"the package does not build: {done.tail(2)}; run `python -m build`")
    return passed(f"builds {wheels[0]}")


def _ci_text(project: Path) -> dict[str, str]:
    """Return each CI system's configuration text: GitHub Actions workflows and GitLab CI."""
    import yaml

    found = {}
    workflows = sorted((project / ".github" / "workflows").glob("*.y*ml"))
    sources = {"GitHub Actions": workflows, "GitLab CI": [project / ".gitlab-ci.yml"]}
    for system, files in sources.items():
        texts = []
        for path in (p for p in files if p.is_file()):
            try:
                texts.append(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8"))))
            except yaml.YAMLError as exc:
                texts.append(f"YAML-ERROR {path.name}: {str(exc).splitlines()[0]}")
        if texts:
            found[system] = "\n".join(texts)
    return found


def check_ci(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Pass when a CI configuration runs ruff, pytest, the contract test and the notebooks."""
    systems = _ci_text(ctx.project)
    if not systems:
        return failed(
            "no CI is configured; add .github/workflows/ci.yml or .gitlab-ci.yml "
            "(`pairlab new data-product` writes both)"
        )
    gaps = {}
    for system, text in systems.items():
        if text.startswith("YAML-ERROR") or "\nYAML-ERROR" in text:
            gaps[system] = ["valid YAML"]
            continue
        gaps[system] = [
            step for step, words in CI_STEPS.items() if not any(w in text for w in words)
        ]
    complete = [s for s, missing in gaps.items() if not missing]
    if complete:
        return passed(f"{' and '.join(complete)} run ruff, pytest, the contract and the notebooks")
    system, missing = next(iter(gaps.items()))
    return failed(f"{system} does not run {', '.join(missing)}; add a step for each")


PRODUCT_DESCRIPTOR = register(
    Check(
        id="product-descriptor",
        title="dataproduct.yaml and its contracts are valid",
        func=check_descriptor,
        target="project",
        applies=_applies,
    )
)
CONTRACT_PASS = register(
    Check(
        id="contract-pass",
        title="Each output keeps its contract on the warehouse",
        func=check_contract,
        target="project",
        runs=True,
        applies=_applies,
        params={
            "url": Param("str", "", "an ibis URL [default: the embedded warehouse]"),
            "timeout": Param("int", 300, "seconds building the outputs may take"),
        },
    )
)
PACKAGE_BUILDS = register(
    Check(
        id="package-builds",
        title="The package builds a wheel",
        func=check_builds,
        target="project",
        runs=True,
        applies=_applies,
        params={"timeout": Param("int", 300, "seconds the build may take")},
    )
)
CI_CONFIGURED = register(
    Check(
        id="ci-configured",
        title="CI runs ruff, pytest, the contract and the notebooks",
        func=check_ci,
        target="project",
        applies=_applies,
    )
)
