"""The pairlab command as a user meets it: version, lessons, and the lab's bad input."""

import json
import socket

import pytest

from pairlab import __version__
from pairlab.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run `pairlab ARGS` in-process and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"pairlab, version {__version__}"


def test_lessons_lists_the_welcome_lesson(capsys):
    code, out, _ = run(capsys, "lessons")
    assert code == 0
    assert "welcome" in out and "Welcome: how to pair here" in out


def test_lessons_json(capsys):
    code, out, _ = run(capsys, "lessons", "--json")
    assert code == 0
    assert json.loads(out)[0]["steps"][0]["id"] == "meet"


def test_lab_root_whose_parent_does_not_exist(capsys, tmp_path):
    missing = tmp_path / "nope" / "ws"
    code, out, err = run(capsys, "lab", "--root", str(missing))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert f"its parent folder {missing.parent} does not exist" in err
    assert "Traceback" not in err
    assert not missing.parent.exists()


def test_lab_root_that_is_a_file(capsys, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    code, _, err = run(capsys, "lab", "--root", str(a_file))
    assert code == 2
    assert "is a file, not a folder" in err
    assert a_file.read_text() == "mine"


@pytest.mark.parametrize("port", ["0", "70000", "-5"])
def test_lab_port_out_of_range(capsys, tmp_path, port):
    code, _, err = run(capsys, "lab", "--root", str(tmp_path), "--port", port)
    assert code == 2
    assert "is not a TCP port" in err


def test_lab_port_not_a_number(capsys, tmp_path):
    code, _, err = run(capsys, "lab", "--root", str(tmp_path), "--port", "eighty")
    assert code == 2
    assert "eighty" in err


def test_lab_port_in_use(capsys, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run(capsys, "lab", "--root", str(tmp_path), "--port", str(port))
    assert code == 2
    assert f"port {port} on 127.0.0.1 is in use" in err


def test_unknown_command(capsys):
    code, _, err = run(capsys, "frobnicate")
    assert code == 2
    assert "No such command" in err
