"""Lesson notebooks carry this machine's kernel metadata, so opening one changes nothing."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

# JupyterLab writes the kernel's spec and language_info into a notebook as its kernel starts;
# any difference from what the file holds marks the notebook changed before anyone typed.
KERNEL = "python3"
# jupyter_client runs a kernelspec's bare "python" as the server's own interpreter.
_OWN_PYTHON = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info)}


@cache
def local_kernel_metadata() -> dict[str, Any] | None:
    """Return the `kernelspec` and `language_info` a started python3 kernel will report."""
    try:
        from ipykernel.ipkernel import IPythonKernel
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

        spec = KernelSpecManager().get_kernel_spec(KERNEL)
    except (ImportError, NoSuchKernel, OSError, ValueError):
        return None
    if not spec.argv or spec.argv[0] not in _OWN_PYTHON | {sys.executable}:
        return None  # another interpreter: its language_info is not ours to know
    kernelspec = {"display_name": spec.display_name, "language": spec.language, "name": KERNEL}
    return {"kernelspec": kernelspec, "language_info": dict(IPythonKernel.language_info)}


def stamp_local_kernel(path: Path) -> None:
    """Give the python3 notebook at `path` the metadata its kernel will report; else leave it."""
    local = local_kernel_metadata()
    if local is None:
        return
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        meta = notebook["metadata"]
        if meta.get("kernelspec", {}).get("name") != KERNEL:
            return
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return  # not a notebook this can read: copied as it was
    meta.update(local)
    # JupyterLab's own layout (one-space indent, sorted keys), so a save changes no bytes.
    text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
