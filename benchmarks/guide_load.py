"""Benchmark: what the pairing guide adds to JupyterLab's time to ready, and its JS size.

Two real JupyterLab servers on one machine, one with the pairlab front end disabled through
page_config.json; Debian's Chromium loads each alternately (fresh context, fresh workspace)
and records the time from navigation start until the launcher is on screen.

    .venv/bin/python benchmarks/guide_load.py [--loads 10]
"""

from __future__ import annotations

import argparse
import gzip
import json
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from pairlab.lab import free_port, seed_workspace

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
STATIC = Path(__file__).resolve().parents[1] / "src" / "pairlab" / "labextension" / "static"


def start(base: Path, name: str, disable: bool) -> tuple[subprocess.Popen[bytes], str]:
    """Start a lab under base/name; return the process and its URL prefix with token."""
    root, config = base / name, base / f"{name}-config"
    seed_workspace(root)
    (config / "labconfig").mkdir(parents=True)
    page_config = {"disabledExtensions": {"pairlab": True}} if disable else {}
    (config / "labconfig" / "page_config.json").write_text(json.dumps(page_config))
    settings = base / f"{name}-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    news = {"fetchNews": "false", "checkForUpdates": False}
    (settings / "notification.jupyterlab-settings").write_text(json.dumps(news))
    port, token = free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
            f"--LabApp.user_settings_dir={settings.parent.parent}",
            f"--LabApp.workspaces_dir={base / f'{name}-ws'}", "--allow-root"]  # fmt: skip
    env = {"JUPYTER_CONFIG_PATH": str(config), "PATH": str(Path(sys.executable).parent)}
    with (base / f"{name}.log").open("wb") as log:  # the child keeps its own copy of the fd
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2).close()
            return proc, f"{url}lab/workspaces/{{ws}}?token={token}"
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"{name} lab did not start; see {base / name}.log")


def load_ms(browser, url: str, expect_guide: bool) -> float:
    """Load the lab once in a fresh context; return ms from navigation start to launcher."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(".jp-LauncherCard", state="visible", timeout=120_000)
    elapsed = page.evaluate("performance.now()")
    has_guide = page.locator("#pairlab-guide").count() == 1
    context.close()
    if has_guide != expect_guide:
        raise RuntimeError(f"guide present={has_guide}, expected {expect_guide}: setup is wrong")
    return float(elapsed)


def js_size() -> tuple[int, int]:
    """Return the labextension's JavaScript size, raw and gzipped, in bytes."""
    files = list(STATIC.glob("*.js"))
    raw = sum(f.stat().st_size for f in files)
    zipped = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    return raw, zipped


def main() -> None:
    """Run the benchmark and print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=10)
    loads = parser.parse_args().loads
    base = Path(tempfile.mkdtemp(prefix="pairlab-bench-"))
    with_proc, with_url = start(base, "with", disable=False)
    without_proc, without_url = start(base, "without", disable=True)
    times: dict[str, list[float]] = {"with": [], "without": []}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            load_ms(browser, with_url.format(ws="warm"), True)  # warm both servers' caches
            load_ms(browser, without_url.format(ws="warm"), False)
            for i in range(loads):  # alternate, so machine load hits both alike
                times["with"].append(load_ms(browser, with_url.format(ws=f"w{i}"), True))
                times["without"].append(load_ms(browser, without_url.format(ws=f"o{i}"), False))
            browser.close()
    finally:
        for proc in (with_proc, without_proc):
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)
    raw, zipped = js_size()
    med = {k: statistics.median(v) for k, v in times.items()}
    print(json.dumps({
        "loads": loads,
        "median_ms": {k: round(v) for k, v in med.items()},
        "added_ms": round(med["with"] - med["without"]),
        "ratio": round(med["with"] / med["without"], 3),
        "all_ms": {k: [round(x) for x in v] for k, v in times.items()},
        "js_bytes": raw,
        "js_gzip_bytes": zipped,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
