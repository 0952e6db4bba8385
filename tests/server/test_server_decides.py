"""The server decides the turn order, rotation time and lesson number; the guide shows them."""

from pairlab_routes import call_ok as call

TRIO = [
    {"name": "Ana", "role": "analyst"},
    {"name": "Eli", "role": "engineer"},
    {"name": "Kim", "role": "analyst"},
]


async def test_each_session_reply_names_the_next_driver_and_when(jp_fetch, jp_root_dir):
    session = await call(jp_fetch, "sessions", body={"participants": TRIO, "rotation_minutes": 10})
    assert session["next_driver"]["name"] == "Eli"
    assert session["next_rotation_at"] == session["rotated_at"] + 600
    nexts = []
    for _ in range(3):
        session = await call(jp_fetch, "sessions", session["id"], "rotate", body={})
        nexts.append(session["next_driver"]["name"])
    assert nexts == ["Kim", "Ana", "Eli"]  # round the participants, as the drivers turn


async def test_a_rotation_prompt_names_the_servers_next_driver(jp_fetch, jp_root_dir):
    session = await call(jp_fetch, "sessions", body={"participants": TRIO})
    body = {"kind": "rotation-prompted", "data": {"next": "Kim", "participant": None}}
    event = await call(jp_fetch, "sessions", session["id"], "events", body=body)
    assert event["data"]["next"] == session["next_driver"]["name"] == "Eli"


async def test_lessons_carry_the_number_their_notebook_says(jp_fetch, jp_root_dir):
    lessons = (await call(jp_fetch, "lessons"))["lessons"]
    numbers = {x["notebook"]: x["number"] for x in lessons}
    assert numbers["00-welcome.ipynb"] == 0 and numbers["01-explore.ipynb"] == 1
