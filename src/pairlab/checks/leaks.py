"""`no-secrets`: no password, token, key or credential-bearing URL in any cell or output."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pairlab.checks._model import Check, Context, Result, failed, passed
from pairlab.checks._registry import register
from pairlab.notebook import Cell

# Bounded repeats keep every pattern linear, so a 5 MB output scans in milliseconds.
_NAME = r"[A-Za-z_]{0,30}(?:password|passwd|pwd|secret|token|api_?key|access_?key|private_?key|credential)[A-Za-z_]{0,30}"  # noqa: E501
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "a password or key assigned in code",
        re.compile(
            rf"(?i)\b(?P<name>{_NAME})['\"]?\s*[:=]\s*[rbuf]?(['\"])(?!https?://)(?P<value>[^'\"\n]{{4,200}})\2"
        ),
    ),
    (
        "a URL with a password in it",
        re.compile(
            r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^/\s:@'\"]{1,100}:([^/\s@'\"{}$<*]{1,100})@"
        ),
    ),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----")),
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_\w{22,255})")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,255}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("an API secret key", re.compile(r"\b(?:sk|rk)[-_](?:live_|proj-)?[A-Za-z0-9_-]{20,255}")),
    (
        "a JSON web token",
        re.compile(
            r"\beyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,5000}\.[A-Za-z0-9_-]{10,2000}"
        ),
    ),
    ("a bearer token", re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/-]{20,2000}")),
)
# Values people write on purpose as stand-ins; flagging them would teach learners to ignore us.
_PLACEHOLDER = re.compile(
    r"^(?:\*+|x+|\.+|<.*>|\{.*\}|\$\{?.*|your[_ -].*|changeme|example.*)$", re.I
)
_NOT_SECRET_NAMES = ("_name", "_env", "_var", "_type", "_url", "_uri", "_path", "_file", "_id")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")  # DB_PASSWORD: a variable's name
_TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "application/json", "text/latex")
ADVICE = (
    'read secrets from the environment (`os.environ["DB_PASSWORD"]`) or a credentials file '
    "outside the repository, clear outputs that show them (Edit > Clear Outputs of All Cells), "
    "and rotate any secret that was ever committed"
)


def _texts(cell: Cell) -> Iterator[tuple[str, str]]:
    """Yield ('source' | 'output', text) for everything a reader of the notebook can see."""
    yield "source", cell.source
    for output in cell.outputs:
        chunks: list[Any] = [output.get("text"), output.get("evalue"), output.get("traceback")]
        data = output.get("data")
        if isinstance(data, dict):
            chunks += [data.get(mime) for mime in _TEXT_MIMES]
        for chunk in chunks:
            if isinstance(chunk, list):
                yield "output", "".join(str(c) for c in chunk)
            elif isinstance(chunk, str):
                yield "output", chunk
            elif chunk is not None:
                yield "output", str(chunk)


def _is_real(match: re.Match[str]) -> bool:
    """Return whether a match holds a real-looking value rather than a placeholder."""
    named = match.groupdict()
    if named.get("name", "").lower().endswith(_NOT_SECRET_NAMES):
        return False  # password_env = "DB_PASSWORD" names where the secret is: good practice
    value = named.get("value") or (match.group(match.lastindex) if match.lastindex else "")
    value = value or match.group(0)
    return not (_PLACEHOLDER.match(value.strip()) or _ENV_NAME.match(value.strip()))


# Every secret the patterns find contains one of these marks (in lower case), so a long output
# (a 25 MB table) is searched once for the marks, and by every pattern only around them.
_MARKS = (
    "pass", "pwd", "secret", "token", "key", "credential", "://", "-----begin", "akia", "asia",
    "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat", "xox", "aiza", "sk-", "sk_", "rk-",
    "rk_", "eyj", "bearer",
)  # fmt: skip
_REACH = 10_000  # longer than any pattern's longest match (a JSON web token: 9,000)
_LONG = 4 * _REACH


def _spans(low: str) -> list[tuple[int, int]]:
    """Return stretches covering _REACH around every mark in `low`, merged and in order."""
    spans = []
    for mark in _MARKS:
        at = low.find(mark)
        while at != -1:
            # Marks within _REACH after this one are skipped: this wider span covers theirs.
            spans.append((max(at - _REACH, 0), at + 2 * _REACH))
            at = low.find(mark, at + _REACH)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _windows(text: str) -> Iterator[str]:
    """Yield the text itself when short (or not ASCII), else the stretches around its marks."""
    if len(text) <= _LONG or not text.isascii():  # lower() keeps offsets for ASCII only
        yield text
        return
    for start, end in _spans(text.lower()):
        yield text[start:end]


def find_secrets(cell: Cell) -> Iterator[tuple[str, str]]:
    """Yield (where, what) for each secret in the cell, never the secret itself."""
    for where, text in _texts(cell):
        for window in _windows(text):
            for what, pattern in PATTERNS:
                if any(_is_real(m) for m in pattern.finditer(window)):
                    yield where, what


def check_no_secrets(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Scan every cell's source and text outputs; report cells, not the secrets."""
    found: list[tuple[str, str, str]] = []
    for cell in ctx.notebook.cells:
        found += [(cell.id, where, what) for where, what in find_secrets(cell)]
    if not found:
        return passed("no passwords, tokens, keys or credential URLs in cells or outputs")
    cell_id, where, what = found[0]
    cells = tuple(dict.fromkeys(c for c, _, _ in found))
    return failed(
        f"{ctx.notebook.label(cell_id)} shows {what} in its {where}"
        + (f" (and {len(found) - 1} more finding(s))" if len(found) > 1 else "")
        + f"; {ADVICE}",
        cells,
        tuple({"cell": c, "where": w, "what": x} for c, w, x in found),
    )


NO_SECRETS = register(
    Check(
        id="no-secrets",
        title="No passwords, tokens or keys in cells or outputs",
        func=check_no_secrets,
    )
)
