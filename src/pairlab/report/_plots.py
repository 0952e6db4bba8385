"""The report's plots, drawn with matplotlib into inline SVG (no files, no pyplot state)."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from pairlab.report._cohort import Cohort

_METADATA = re.compile(r"<metadata>.*?</metadata>", re.DOTALL)
COLORS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2")


# Names, lessons and checks are people's text: `$...$` is not math, nor is it LaTeX. Text reads
# these settings when it is made, and tick labels are made while the figure is drawn.
@contextmanager
def _plain_text() -> Iterator[None]:
    """Make and draw figures whose text is shown as given, and quietly without a glyph."""
    import matplotlib

    # Text stays text (searchable, small) and ids are stable, so the same input gives one page.
    plain = matplotlib.rc_context(
        {
            "text.parse_math": False,
            "text.usetex": False,
            "svg.fonttype": "none",
            "svg.hashsalt": "pairlab",
        }
    )
    with plain, warnings.catch_warnings():
        # A name in a script the font lacks draws as a box; the tables show it exactly.
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        yield


def _svg(figure: object) -> str:
    """Return a figure as SVG text without its XML prologue, ready to inline."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")  # type: ignore[attr-defined]
    text = buffer.getvalue()
    # Inline, the RDF block only adds bytes (and URIs that look like external references).
    return _METADATA.sub("", text[text.index("<svg") :])


def minutes_per_lesson(cohort: Cohort) -> str:
    """Return grouped bars: minutes each team spent per lesson, lessons by number."""
    with _plain_text():
        return _minutes_per_lesson(cohort)


def _minutes_per_lesson(cohort: Cohort) -> str:
    """Draw minutes_per_lesson's bars."""
    from matplotlib.figure import Figure

    groups = cohort.teams
    lessons = cohort.in_order({lesson for g in groups for lesson in g.seconds_per_lesson})
    figure = Figure(figsize=(7, 3.2))
    axes = figure.add_subplot()
    width = 0.8 / max(len(groups), 1)
    bars = []
    for i, group in enumerate(groups):
        xs = [j + i * width for j in range(len(lessons))]
        ys = [group.seconds_per_lesson[lesson] / 60 for lesson in lessons]
        bars.append(axes.bar(xs, ys, width, color=COLORS[i % len(COLORS)]))
    axes.set_xticks(
        [j + 0.4 - width / 2 for j in range(len(lessons))],
        [cohort.label(x) for x in lessons],
        rotation=30,  # "11 publish-and-measure" beside "12 teach-back" must not overlap
        ha="right",
    )
    axes.set_ylabel("minutes")
    axes.set_title("Time per lesson")
    if groups:  # labels given outright: a name starting with "_" is a name, not "no legend"
        axes.legend(bars, [g.name for g in groups], fontsize="small")
    return _svg(figure)


def failed_checks(counts: Sequence[tuple[str, int]]) -> str:
    """Return horizontal bars of the checks that failed most, the most frequent on top."""
    with _plain_text():
        return _failed_checks(counts)


def _failed_checks(counts: Sequence[tuple[str, int]]) -> str:
    """Draw failed_checks's bars."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(7, 0.5 + 0.35 * max(len(counts), 1)))
    axes = figure.add_subplot()
    names = [name for name, _ in reversed(counts)]
    axes.barh(names, [n for _, n in reversed(counts)], color=COLORS[3])
    axes.set_xlabel("failures")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # a check fails whole times
    axes.set_title("Checks that failed most")
    return _svg(figure)
