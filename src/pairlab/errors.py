"""The one place pairlab's errors are defined; faces turn them into exit codes or HTTP statuses."""

import errno
import re

_ART = re.compile(r"^[\s^~]*$")  # a traceback's caret line: ^^^^^ or ~~~^~~~


def one_line(text: str) -> str:
    """Return an error text as one line for people: no traceback carets, no line breaks."""
    kept = [line.strip() for line in text.splitlines() if line.strip() and not _ART.match(line)]
    return " ".join(kept)


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


class TooLarge(PairlabError):
    """The request is larger than pairlab reads."""

    status = 413


# What to do about the OSErrors a user causes with a path: each becomes one line, never a trace.
_OS_FIXES = {
    errno.EACCES: "choose a location you may write to, or fix its permissions",
    errno.EPERM: "choose a location you may write to, or fix its permissions",
    errno.EROFS: "the file system is read-only: choose a writable location",
    errno.EISDIR: "that is a folder: name a file inside it",
    errno.ENOTDIR: "a part of the path is a file, not a folder: choose another path",
    errno.ENAMETOOLONG: "use a shorter file name",
    errno.ENOENT: "check the path: a folder on it does not exist",
    errno.EEXIST: "it exists already: choose a new name, or pass --force where offered",
    errno.ENOSPC: "the disk is full: free some space",
    errno.ELOOP: "a symlink on the path leads nowhere: fix or remove it",
}


def from_os_error(exc: OSError) -> PairlabError:
    """Return the one-line problem and fix for an OSError that names a path the user gave."""
    where = f" {exc.filename}" if exc.filename else ""
    reason = exc.strerror or str(exc)
    fix = _OS_FIXES.get(exc.errno or 0, "check the path and try again")
    return BadInput(f"cannot use{where}: {reason}", fix)
