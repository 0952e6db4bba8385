"""The lessons route and the JSON error contract of every pairlab route."""

import json

import pytest
from tornado.httpclient import HTTPClientError

from pairlab.lessons import load_lessons


async def test_lessons_lists_the_curriculum(jp_fetch):
    response = await jp_fetch("pairlab", "lessons")
    assert response.code == 200
    body = json.loads(response.body)
    assert [lesson["id"] for lesson in body["lessons"]] == [x.id for x in load_lessons()]
    welcome = body["lessons"][0]
    assert welcome["notebook"] == "00-welcome.ipynb"
    assert welcome["steps"][0]["id"] == "meet"


async def test_lessons_refuses_a_request_without_token(jp_fetch):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("pairlab", "lessons", headers={"Authorization": ""})
    assert info.value.code == 403


async def test_lessons_refuses_a_wrong_token(jp_fetch):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("pairlab", "lessons", headers={"Authorization": "token not-the-token"})
    assert info.value.code == 403


@pytest.mark.parametrize("path", ["nope", "lessons/extra", "lessons.json", "a/b/c"])
async def test_unknown_route_is_json_404(jp_fetch, path):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("pairlab", *path.split("/"))
    assert info.value.code == 404
    body = json.loads(info.value.response.body)
    assert path in body["error"]
    assert body["fix"]


async def test_unknown_route_still_needs_a_token(jp_fetch):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("pairlab", "nope", headers={"Authorization": ""})
    assert info.value.code == 403
