"""`cells-ran` passes a step whose cells ran cleanly and fails one a learner left undone."""

from __future__ import annotations

STEP = "step:count"


def test_cells_ran_passes_cells_that_ran_and_show_the_answer(check, fixtures):
    result = check(fixtures / "cells/pass.ipynb", "cells-ran", tag=STEP, expect=["5 duplicate"])
    assert result.status == "pass", result.message


def test_cells_ran_fails_a_cell_stopped_by_the_lessons_assert(check, fixtures):
    result = check(fixtures / "cells/fail.ipynb", "cells-ran", tag=STEP)
    assert result.status == "fail" and result.cells == ("c1",)
    assert "AssertionError: 304 != 5" in result.message


def test_cells_ran_fails_an_unrun_cell_and_says_run_it(check, fixtures):
    result = check(fixtures / "cells/unrun.ipynb", "cells-ran", tag=STEP)
    assert result.status == "fail" and result.cells == ("c2",)
    assert "never ran" in result.message and "Shift+Enter" in result.message


def test_cells_ran_fails_when_the_output_lacks_the_expected_text(check, fixtures):
    result = check(fixtures / "cells/pass.ipynb", "cells-ran", tag=STEP, expect=["9 orphan"])
    assert result.status == "fail" and "'9 orphan'" in result.message


def test_cells_ran_fails_when_no_cell_carries_the_tag(check, fixtures):
    result = check(fixtures / "cells/pass.ipynb", "cells-ran", tag="step:gone")
    assert result.status == "fail" and "step:gone" in result.message


def test_cells_ran_without_a_tag_looks_at_every_code_cell(check, fixtures):
    assert check(fixtures / "cells/unrun.ipynb", "cells-ran").status == "fail"
    assert check(fixtures / "cells/pass.ipynb", "cells-ran").status == "pass"
