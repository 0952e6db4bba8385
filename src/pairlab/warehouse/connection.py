"""One connection layer: the embedded DuckDB file by default, any ibis URL at work."""

from __future__ import annotations

import os
import re
from importlib.metadata import entry_points
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import ibis
import platformdirs
from ibis.backends import BaseBackend

from pairlab.errors import BadInput, NotFound
from pairlab.warehouse._hooks import watch
from pairlab.warehouse.generator import DEFAULT_SCALE, DEFAULT_SEED, generate

ENV_URL = "PAIRLAB_WAREHOUSE_URL"
ENV_PATH = "PAIRLAB_WAREHOUSE_PATH"
KEYRING_PREFIX = "pairlab:"
IBIS_PIN = "12.0.0"
_SECRET_PARAMS = re.compile(r"pass|secret|token|key|credential|auth", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DRIVER_EXTRA = {"postgresql": "postgres", "motherduck": "duckdb", "md": "duckdb"}


def default_path() -> Path:
    """Return where the embedded warehouse lives: $PAIRLAB_WAREHOUSE_PATH or the user data dir."""
    configured = os.environ.get(ENV_PATH)
    if configured:
        return Path(configured).expanduser().resolve()
    return platformdirs.user_data_path("pairlab") / "warehouse.duckdb"


def _password_span(url: str) -> tuple[int, int] | None:
    """Return where the password stands in url (between "user:" and the last "@"), if any.

    Read from the text itself, not urlsplit: a URL without "scheme://" (`user:pw@host`), a
    password holding "@", "/" or "?", or a malformed port must still keep its password hidden.
    """
    scheme = _SCHEME.match(url)
    start = scheme.end() if scheme else 0
    query = url.find("?", start)
    at = url.rfind("@", start, query if query >= 0 else len(url))
    if at < 0:  # a "?" inside the password: the last "@" anywhere ends it
        at = url.rfind("@", start)
    colon = url.find(":", start, at) if at >= 0 else -1
    return (colon + 1, at) if colon >= 0 else None


def _secret_values(query: str) -> list[str]:
    """Return the values of secret-looking parameters of a query, as written."""
    pairs = [p.split("=", 1) for p in query.split("&")]
    return [p[1] for p in pairs if len(p) == 2 and _SECRET_PARAMS.search(unquote(p[0]))]


def _secrets(url: str) -> list[str]:
    """Return every secret url holds, as written and percent-decoded, longest first."""
    span = _password_span(url)
    found = [url[span[0] : span[1]]] if span else []
    rest = url[span[1] :] if span else url
    if "?" in rest:
        found += _secret_values(rest.split("?", 1)[1].split("#", 1)[0])
    found += [unquote(s) for s in found]
    return sorted({s for s in found if s}, key=len, reverse=True)


def redact(url: str) -> str:
    """Return url with its password and secret-looking query values replaced by ***.

    The one masking function: every message that shows a URL shows it through here.
    """
    span = _password_span(url)
    shown = f"{url[: span[0]]}***{url[span[1] :]}" if span and span[1] > span[0] else url
    head, mark, query = shown.partition("?")
    if mark:
        pairs = [p.split("=", 1) for p in query.split("&")]
        query = "&".join(
            f"{p[0]}=***" if len(p) == 2 and _SECRET_PARAMS.search(unquote(p[0])) else "=".join(p)
            for p in pairs
        )
    return f"{head}{mark}{query}"


def describe_source(url: str | None = None) -> str:
    """Say which warehouse `connect(url)` opens, with credentials redacted."""
    if url is None and os.environ.get(ENV_URL):
        return f"{redact(os.environ[ENV_URL])} (from {ENV_URL})"
    return redact(url) if url is not None else str(default_path())


class SecretUrl:
    """A warehouse URL that shows itself redacted: `%xmode Verbose` prints every frame's locals.

    The connect path holds URLs only in this wrapper, so a traceback through it never prints a
    password; `reveal()` hands the text to the driver and is never stored in a local.
    """

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text.strip()

    def reveal(self) -> str:
        """Return the URL with its secrets, for the driver only."""
        return self._text

    def __repr__(self) -> str:
        return repr(redact(self._text))

    def __str__(self) -> str:
        return redact(self._text)


def _masked(url: str | SecretUrl) -> SecretUrl:
    """Return url wrapped so that no frame shows its password."""
    return url if isinstance(url, SecretUrl) else SecretUrl(url)


def connect(url: str | None = None, *, check: bool = True, record: bool = True) -> BaseBackend:
    """Return an ibis connection: url, else $PAIRLAB_WAREHOUSE_URL, else the embedded warehouse.

    The embedded warehouse is created (scale 0.01) on first use and opened read-only, like a
    trusted warehouse at work; `check` runs one cheap metadata call to prove a server answers.
    With `record`, the SQL of every query is told to the declared query hooks (use measured).
    """
    masked = None if url is None else _masked(url)
    url = None  # keep the text out of this frame's locals: verbose tracebacks print them
    con = _connect(masked, check)
    return watch(con) if record else con


def _connect(url: str | SecretUrl | None, check: bool) -> BaseBackend:
    """Open the connection `connect` describes."""
    source = ENV_URL if url is None and os.environ.get(ENV_URL) else "argument"
    if url is None and source != ENV_URL:
        return open_embedded(default_path())
    target = _masked(os.environ[ENV_URL] if url is None else url)
    url = None  # keep the text out of this frame's locals: verbose tracebacks print them
    check_url(target, source)
    target = _masked(with_keyring_password(target.reveal()))
    con = _open_url(target, source)
    if check:
        _probe(con, target, source)
    return con


def check_url(url: str | SecretUrl, source: str = "argument") -> None:
    """Refuse a URL Python cannot parse (e.g. an unclosed [IPv6] host), password masked."""
    url = _masked(url)
    try:
        urlsplit(url.reveal()).port  # noqa: B018 - parsing the port raises on a malformed one
    except ValueError as exc:
        failure = BadInput(
            f"{_where(source)}{str(url)!r} is not a valid URL ({exc})",
            "check the host (an IPv6 host goes in [brackets]) and the port",
        )
    else:
        return
    raise failure from None


def keyring_service(url: str) -> str:
    """Return the keyring service name under which url's password is looked up."""
    parts = urlsplit(url)
    return f"{KEYRING_PREFIX}{parts.scheme}://{parts.hostname or ''}"


def with_keyring_password(url: str) -> str:
    """Fill in a password that url lacks from the system keyring, when keyring is installed."""
    parts = urlsplit(url)
    if not parts.username or parts.password is not None:
        return url
    try:
        import keyring
    except ImportError:  # keyring is optional: without it, URLs and env vars carry passwords
        return url
    try:
        secret = keyring.get_password(keyring_service(url), unquote(parts.username))
    except Exception:  # a locked or absent OS keyring must not stop a password-less connect
        return url
    if not secret:
        return url
    user_and_secret = f"{parts.username}:{quote(secret, safe='')}@"
    return url.replace(f"{parts.username}@", user_and_secret, 1)


def open_embedded(path: Path) -> BaseBackend:
    """Open the embedded warehouse read-only, generating it first if the file is missing."""
    if not path.exists():
        try:
            generate(path, DEFAULT_SCALE, DEFAULT_SEED)
        except BadInput:
            # Another kernel may have created it in the meantime; only then is that fine.
            if not path.is_file():
                raise
    return _open_duckdb(path, read_only=True)


def _open_url(url: SecretUrl, source: str) -> BaseBackend:
    scheme = urlsplit(url.reveal()).scheme.lower()
    if not scheme:
        if url.reveal().endswith((".duckdb", ".ddb")):
            return _open_duckdb_file(url.reveal(), {})
        raise BadInput(
            f"{_where(source)}{str(url)!r} is not a warehouse URL",
            "use a URL such as duckdb:///path/to/warehouse.duckdb or trino://user@host:8080/catalog",
        )
    if scheme not in _known_schemes():
        raise BadInput(
            f"{_where(source)}unknown warehouse URL scheme {scheme!r} in {url}",
            "use one of " + ", ".join(f"{s}://" for s in sorted(_known_schemes())),
        )
    if scheme == "duckdb":
        return _open_duckdb_url(url.reveal())
    try:
        return ibis.connect(url.reveal(), **_url_overrides(scheme, url.reveal()))
    except ImportError:
        raise _missing_driver(scheme) from None
    except Exception as exc:
        failure = _cannot_connect(exc, url, source)
    raise failure from None  # outside the except: the driver's error (and its repr) is gone


def _url_overrides(scheme: str, url: str) -> dict[str, object]:
    """Return connect() arguments that ibis cannot derive from the URL alone."""
    parts = urlsplit(url)
    if scheme == "trino" and parts.password:
        # ibis 12 passes a URL's password to the trino client as a bare string, which it
        # rejects; Trino only accepts passwords over HTTPS, so that is the default here.
        from trino.auth import BasicAuthentication

        user, password = unquote(parts.username or ""), unquote(parts.password)
        scheme_given = dict(parse_qsl(parts.query)).get("http_scheme", "https")
        return {"auth": BasicAuthentication(user, password), "http_scheme": scheme_given}
    return {}


def _open_duckdb_url(url: str) -> BaseBackend:
    """Open a duckdb:// URL, refusing to silently create an empty file from a mistyped path."""
    parts = urlsplit(url)
    raw = unquote(parts.netloc + parts.path)
    if raw in ("", "/", ":memory:", "/:memory:"):
        return ibis.duckdb.connect(":memory:")
    return _open_duckdb_file(raw, dict(parse_qsl(parts.query)))


def _open_duckdb_file(raw: str, options: dict[str, str]) -> BaseBackend:
    read_only = options.pop("read_only", "false").lower() in ("1", "true", "yes")
    path = Path(raw).expanduser().resolve()
    if not path.exists():
        raise NotFound(
            f"no warehouse file at {path}",
            f"create it with: pairlab warehouse init --path {path}",
        )
    return _open_duckdb(path, read_only=read_only, **options)


def _open_duckdb(path: Path, *, read_only: bool, **config: str) -> BaseBackend:
    try:
        return ibis.duckdb.connect(str(path), read_only=read_only, **config)
    except Exception as exc:
        raise _explain_duckdb(exc, path) from None


def _explain_duckdb(exc: Exception, path: Path) -> BadInput:
    """Turn DuckDB's open errors into one line naming the problem and the fix."""
    text = str(exc)
    rebuild = f"rebuild it with: pairlab warehouse init --force --path {path}"
    if "not a valid DuckDB database file" in text or "database file with version" in text:
        return BadInput(f"{path} is not a readable DuckDB warehouse (corrupt or foreign)", rebuild)
    if "Could not set lock" in text or "Conflicting lock" in text:
        return BadInput(
            f"{path} is open for writing in another process",
            "close that process (e.g. another notebook's kernel) or open it with ?read_only=true",
        )
    if "different configuration" in text:
        return BadInput(
            f"{path} is already open in this process with other settings",
            "reuse that connection, or open every connection with ?read_only=true",
        )
    if "Permission denied" in text or "Operation not permitted" in text or "Read-only" in text:
        return BadInput(
            f"{path} cannot be opened for writing (read-only file or folder)",
            f"open it read-only: duckdb://{path}?read_only=true, or make it writable",
        )
    return BadInput(f"cannot open {path}: {text.splitlines()[0]}", rebuild)


def _probe(con: BaseBackend, url: SecretUrl, source: str) -> None:
    """Make one cheap call so an unreachable server fails here, not in the learner's first query."""
    try:
        con.list_tables()
    except Exception as exc:
        failure = _cannot_connect(exc, url, source)
    else:
        return
    raise failure from None  # outside the except: the driver's error (and its repr) is gone


def _cannot_connect(exc: Exception, url: SecretUrl, source: str) -> BadInput:
    reason = _reason(exc, url.reveal())
    fix = "check the URL (host, port, credentials, options), the network or VPN, and the server"
    if source == ENV_URL:
        fix += f"; or unset {ENV_URL} to use the embedded warehouse"
    problem = f"{_where(source)}cannot connect to the warehouse at {url}: {reason}"
    return BadInput(problem, fix)


def _missing_driver(scheme: str) -> BadInput:
    extra = _DRIVER_EXTRA.get(scheme, scheme)
    return BadInput(
        f"the {scheme} driver is not installed",
        f'install it with: pip install "ibis-framework[{extra}]=={IBIS_PIN}"',
    )


def _known_schemes() -> set[str]:
    return {ep.name for ep in entry_points(group="ibis.backends")} | set(_DRIVER_EXTRA)


def _where(source: str) -> str:
    return f"{source}: " if source == ENV_URL else ""


def _reason(exc: Exception, url: str) -> str:
    """Return the root cause's message on one line, scrubbed of url's secrets, then shortened."""
    # Walk to the root cause: drivers wrap "connection refused" in several layers of retries.
    root: BaseException = exc
    while root.__cause__ is not None:
        root = root.__cause__
    text = scrub(" ".join(str(root).split()) or type(root).__name__, url)
    return text if len(text) <= 300 else text[:297] + "..."


def scrub(text: str, *urls: str) -> str:
    """Remove every secret of each url from text, however a driver or a parser echoed it."""
    for secret in sorted({s for url in urls for s in _secrets(url)}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
