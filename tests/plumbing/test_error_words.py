"""The words every message uses for the problems it leaves out."""

from pairlab.errors import and_more, one_line


def test_a_message_names_how_many_problems_it_left_out():
    assert and_more(1) == ""
    assert and_more(2) == " (and 1 more)"
    assert and_more(5, shown=3) == " (and 2 more)"
    assert and_more(3, shown=3) == ""
    assert and_more(0) == ""


def test_a_message_is_one_line_without_a_tracebacks_carets():
    text = "Traceback\n  x = 1 / 0\n      ~~^~~\nZeroDivisionError: division by zero\n"
    assert one_line(text) == "Traceback x = 1 / 0 ZeroDivisionError: division by zero"
