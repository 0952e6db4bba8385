"""One request type: the CLI's options and the route's JSON body become the same request."""

from __future__ import annotations

import pytest

from pairlab.checks import CheckRequest
from pairlab.errors import BadInput


@pytest.mark.parametrize(
    ("cli", "body"),
    [
        ({"step": "welcome/run-in-order"}, {"step": "welcome/run-in-order"}),
        ({"only": "in-order,paired"}, {"only": ["in-order", "paired"]}),
        ({"check_set": "practice"}, {"set": "practice"}),
        (
            {"step": "welcome/run-in-order", "only": "in-order"},
            {"step": "welcome/run-in-order", "only": ["in-order"]},
        ),
    ],
)
def test_cli_options_and_a_json_body_make_the_same_request(cli, body):
    assert CheckRequest.parse("nb.ipynb", **cli) == CheckRequest.from_body(
        {"path": "nb.ipynb", **body}
    )


@pytest.mark.parametrize(
    ("cli", "body", "words"),
    [
        ({"only": ""}, {"only": []}, "names no check"),
        ({"only": "a,,b"}, {"only": ["a", " "]}, "empty check id"),
        (
            {"check_set": "practice", "step": "welcome/run-in-order"},
            {"set": "practice", "step": "welcome/run-in-order"},
            "goes alone",
        ),
        ({"check_set": "nope"}, {"set": "nope"}, "no check set 'nope'"),
        ({"step": " "}, {"step": ""}, "the step is empty"),
    ],
)
def test_both_faces_refuse_the_same_request_with_the_same_words(cli, body, words):
    with pytest.raises(BadInput, match=words):
        CheckRequest.parse("nb.ipynb", **cli)
    with pytest.raises(BadInput, match=words):
        CheckRequest.from_body({"path": "nb.ipynb", **body})


def test_a_body_names_its_extra_fields_or_is_refused():
    body = {"path": "nb.ipynb", "session": "s1"}
    assert CheckRequest.from_body(body, extra=("session",)).path == "nb.ipynb"
    with pytest.raises(BadInput, match="unknown field 'session'"):
        CheckRequest.from_body(body)
