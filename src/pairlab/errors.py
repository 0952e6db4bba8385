"""pairlab's error kinds and the one rule that turns them into words.

Every problem a user can fix is a PairlabError (BadInput, NotFound, Forbidden, TooLarge; a
room may name a narrower kind, e.g. promote's PromoteError, and it stays one of these).
Faces say them one way each: the CLI prints `str(exc)` as one line with exit code 2
(cli/_base.py); the server and the hub answer `reply(exc, ...)` as JSON {"error", "fix"}
with the error's 4xx status.
"""

import errno
import re

from pairlab.locale import _

_ART = re.compile(r"^[\s^~]*$")  # a traceback's caret line: ^^^^^ or ~~~^~~~


def one_line(text: str) -> str:
    """Return an error text as one line for people: no traceback carets, no line breaks."""
    kept = [line.strip() for line in text.splitlines() if line.strip() and not _ART.match(line)]
    return " ".join(kept)


def and_more(count: int, shown: int = 1) -> str:
    """Return " (and N more)" for the `count - shown` items a message leaves out, else ""."""
    return f" (and {count - shown} more)" if count > shown else ""


class PairlabError(Exception):
    """A problem the user can fix: says what is wrong and how to fix it."""

    status = 400

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.problem}; {self.fix}" if self.fix else self.problem


class BadInput(PairlabError):
    """The input (a path, an option, a request body) is not usable as given."""


class NotFound(PairlabError):
    """The thing asked for does not exist."""

    status = 404


class Forbidden(PairlabError):
    """The request reaches outside what the user may touch (e.g. outside the server root)."""

    status = 403


class Cancelled(PairlabError):
    """The caller stopped the work before it ended (a pair pressed Cancel on a check)."""

    status = 409


class TooLarge(PairlabError):
    """The request is larger than pairlab reads."""

    status = 413


# What to do about the OSErrors a user causes with a path: each becomes one line, never a trace.
_OS_FIXES = {
    errno.EACCES: _("choose a location you may write to, or fix its permissions"),
    errno.EPERM: _("choose a location you may write to, or fix its permissions"),
    errno.EROFS: _("the file system is read-only: choose a writable location"),
    errno.EISDIR: _("that is a folder: name a file inside it"),
    errno.ENOTDIR: _("a part of the path is a file, not a folder: choose another path"),
    errno.ENAMETOOLONG: _("use a shorter file name"),
    errno.ENOENT: _("check the path: a folder on it does not exist"),
    errno.EEXIST: _("it exists already: choose a new name, or pass --force where offered"),
    errno.ENOSPC: _("the disk is full: free some space"),
    errno.ELOOP: _("a symlink on the path leads nowhere: fix or remove it"),
}


def reply(exc: BaseException | None, status: int, otherwise: str) -> tuple[int, dict[str, str]]:
    """Return the status and {"error", "fix"} a web face answers an exception with.

    The one error-to-words rule of the server and the hub: a PairlabError says its problem
    and fix with its own 4xx; anything else says `otherwise` (an HTTP error's own message, or
    "internal error") with `status`, never a traceback.
    """
    if isinstance(exc, PairlabError):
        return exc.status, {"error": exc.problem, "fix": exc.fix}
    return status, {"error": otherwise, "fix": ""}


def from_os_error(exc: OSError) -> PairlabError:
    """Return the one-line problem and fix for an OSError that names a path the user gave."""
    reason = exc.strerror or str(exc)
    fix = _OS_FIXES.get(exc.errno or 0) or _("check the path and try again")
    if exc.filename:
        return BadInput(_("cannot use {path}: {reason}", path=exc.filename, reason=reason), fix)
    return BadInput(_("cannot use: {reason}", reason=reason), fix)
