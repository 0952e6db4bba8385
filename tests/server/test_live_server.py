"""Against a real JupyterLab process: token, XSRF and base URL behave as a browser meets them."""

import http.cookiejar
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest


def _opener() -> urllib.request.OpenerDirector:
    """Return an opener that keeps cookies, like a browser tab."""
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _json(body: bytes) -> dict:
    """Return the JSON body, or the raw text when the body is not JSON (an HTML page)."""
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return {"raw": body.decode(errors="replace")}


def _status(opener, request) -> tuple[int, dict]:
    """Open `request` and return (status, body), error statuses included."""
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, _json(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _json(error.read())


@pytest.mark.slow
def test_lessons_need_the_token(live_lab):
    assert _status(_opener(), live_lab.url("pairlab/lessons", token=False))[0] == 403
    code, body = _status(_opener(), live_lab.url("pairlab/lessons"))
    assert code == 200
    assert body["lessons"][0]["id"] == "welcome"


POST_ROUTES = [
    "sessions",
    "sessions/0123456789ab/rotate",
    "sessions/0123456789ab/end",
    "sessions/0123456789ab/events",
    "check",
    "no-such-route",
]


@pytest.mark.slow
@pytest.mark.parametrize("route", POST_ROUTES)
def test_every_post_route_needs_xsrf_with_a_cookie(live_lab, route):
    opener = _opener()
    assert _status(opener, live_lab.url("lab"))[0] == 200  # the token login leaves cookies
    jar = next(h.cookiejar for h in opener.handlers if hasattr(h, "cookiejar"))
    xsrf = next(c.value for c in jar if c.name == "_xsrf")
    target = live_lab.url(f"pairlab/{route}", token=False)

    forged = urllib.request.Request(target, data=b"{}", method="POST")
    assert _status(opener, forged)[0] == 403

    signed = urllib.request.Request(
        target, data=b"{}", method="POST", headers={"X-XSRFToken": xsrf}
    )
    code, body = _status(opener, signed)
    assert code in (400, 404), body  # reached pairlab's handler, which judged the body
    assert body["error"]


@pytest.mark.slow
def test_cookie_session_needs_xsrf_for_writes(live_lab):
    opener = _opener()
    # Logging in through the token URL leaves the session cookie and the _xsrf cookie.
    assert _status(opener, live_lab.url("lab"))[0] == 200
    jar = next(h.cookiejar for h in opener.handlers if hasattr(h, "cookiejar"))
    xsrf = next(c.value for c in jar if c.name == "_xsrf")
    target = live_lab.url("pairlab/no-such-route", token=False)

    forged = urllib.request.Request(target, data=b"{}", method="POST")
    assert _status(opener, forged)[0] == 403  # cookie alone: XSRF check refuses

    with_xsrf = urllib.request.Request(
        target, data=b"{}", method="POST", headers={"X-XSRFToken": xsrf}
    )
    code, body = _status(opener, with_xsrf)
    assert code == 404  # reached pairlab's handler, which answers JSON
    assert "no-such-route" in body["error"]


@pytest.mark.slow
def test_concurrent_clients_lose_no_events(live_lab):
    opener = _opener()
    people = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]
    start = urllib.request.Request(
        live_lab.url("pairlab/sessions"),
        data=json.dumps({"participants": people}).encode(),
        method="POST",
    )
    code, session = _status(opener, start)
    assert code == 201
    events_url = live_lab.url(f"pairlab/sessions/{session['id']}/events")

    def client(n: int) -> list[int]:
        own = _opener()
        codes = []
        for i in range(250):
            body = {"kind": "cell-executed", "data": {"cell": f"{n}-{i}", "success": True}}
            request = urllib.request.Request(
                events_url, data=json.dumps(body).encode(), method="POST"
            )
            codes.append(_status(own, request)[0])
        return codes

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = [c for result in pool.map(client, range(4)) for c in result]

    assert codes == [201] * 1000
    _, listed = _status(opener, events_url)
    cells = [e["data"]["cell"] for e in listed["events"] if e["kind"] == "cell-executed"]
    assert sorted(cells) == sorted(f"{n}-{i}" for n in range(4) for i in range(250))
