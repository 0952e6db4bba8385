"""Read hooks: who wants to hear of each product read (usage records them), without an import.

products sits below usage, so it cannot call usage; instead `read` calls `notify_read`, which
calls every hook registered with `on_read` and those installed packages declare under the
entry-point group `pairlab.read_hooks` (papermill's registry shape). A hook that fails is
logged and skipped: a read never fails because of who listens to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib.metadata import entry_points

log = logging.getLogger(__name__)
GROUP = "pairlab.read_hooks"
ReadHook = Callable[[str, str], None]  # (product id, port name)
_hooks: list[ReadHook] = []
_loaded = False


def on_read(hook: ReadHook) -> ReadHook:
    """Register `hook(product, port)` to be called on every read; return it (a decorator)."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def remove_hook(hook: ReadHook) -> None:
    """Stop calling `hook`."""
    if hook in _hooks:
        _hooks.remove(hook)


def _load_entry_points() -> None:
    """Register the hooks installed packages declare, once per process."""
    global _loaded
    _loaded = True
    for point in entry_points(group=GROUP):
        try:
            on_read(point.load())
        except Exception:
            log.warning("pairlab: read hook %s could not load", point.value, exc_info=True)


def notify_read(product: str, port: str) -> None:
    """Tell every read hook that `product`'s `port` was read; never raise."""
    if not _loaded:
        _load_entry_points()
    for hook in list(_hooks):
        try:
            hook(product, port)
        except Exception:
            log.warning("pairlab: read hook %r failed", hook, exc_info=True)
