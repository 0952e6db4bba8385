"""A notebook explorer: table picker, schema, sample rows, profile, histogram and its users.

`ExplorerModel` holds the state and runs the queries (testable without a browser);
`Explorer` only draws that state with ipywidgets and forwards the picks back to the model.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as widgets
import pandas as pd
from ibis.backends import BaseBackend

from pairlab.catalog.load import cached_catalog
from pairlab.errors import PairlabError
from pairlab.warehouse.connection import connect
from pairlab.warehouse.info import check_table, table_names
from pairlab.warehouse.profile import Histogram, TableProfile, histogram, profile_table

if TYPE_CHECKING:
    from pairlab.catalog.entry import Entry
    from pairlab.catalog.index import Catalog

SAMPLE_ROWS = 10
BINS = 12


class ExplorerModel:
    """What the explorer shows for the picked table, from a few pushed-down queries."""

    def __init__(
        self,
        con: BaseBackend,
        sample_rows: int = SAMPLE_ROWS,
        bins: int = BINS,
        catalog: Catalog | None = None,
    ) -> None:
        self.con = con
        self.catalog = catalog
        self.catalog_error = ""
        self.sample_rows = sample_rows
        self.bins = bins
        self.tables = table_names(con)
        self.table: str | None = None
        self.schema: list[tuple[str, str]] = []
        self.sample: pd.DataFrame = pd.DataFrame()
        self.profile: TableProfile | None = None
        self.column: str | None = None
        self.histogram: Histogram | None = None
        if self.tables:
            self.select(self.tables[0])

    @property
    def numeric_columns(self) -> list[str]:
        """Return the picked table's columns that have a histogram."""
        return self.profile.numeric_columns() if self.profile else []

    @property
    def used_by(self) -> list[Entry]:
        """Return the catalog products that read the picked table (reuse before you build)."""
        if self.table is None:
            return []
        if self.catalog is None and not self.catalog_error:
            try:  # the default catalog: $PAIRLAB_CATALOG, else the sample
                self.catalog = cached_catalog()
            except PairlabError as exc:  # a bad catalog path must not break exploring
                self.catalog_error = str(exc)
        return self.catalog.used_by(self.table) if self.catalog else []

    def select(self, table: str) -> None:
        """Pick a table: load its schema, a sample, its profile and a default histogram."""
        expr = self.con.table(check_table(self.con, table))
        self.table = table
        self.schema = [(name, str(dtype)) for name, dtype in expr.schema().items()]
        self.sample = expr.limit(self.sample_rows).execute()
        self.profile = profile_table(self.con, table)
        self.column = self._default_column()
        self.histogram = self._histogram() if self.column else None

    def select_column(self, column: str) -> None:
        """Pick the numeric column whose histogram is shown."""
        if self.table is None:
            raise PairlabError("no table is picked", "pick a table first")
        self.column = column
        self.histogram = self._histogram()

    def _default_column(self) -> str | None:
        # Identifier columns are numeric but their histogram says nothing; prefer a measure.
        numeric = self.numeric_columns
        measures = [c for c in numeric if not c.endswith("_id")]
        return (measures or numeric or [None])[0]  # type: ignore[list-item]

    def _histogram(self) -> Histogram:
        assert self.table is not None and self.column is not None and self.profile is not None
        stats = {c.name: c for c in self.profile.columns}
        found = stats.get(self.column)
        # The profile already knows the range: reuse it and save the histogram a query.
        bounds = (found.min, found.max) if found and found.min is not None else None
        return histogram(self.con, self.table, self.column, self.bins, bounds)  # type: ignore[arg-type]


def render_profile(profile: TableProfile) -> str:
    """Return the profile as an HTML table: type, nulls, distinct, min, max per column."""
    head = "".join(f"<th>{h}</th>" for h in ("column", "type", "nulls", "distinct", "min", "max"))
    rows = "".join(
        f"<tr><td>{escape(c.name)}</td><td>{escape(c.dtype)}</td>"
        f"<td>{c.nulls:,}</td><td>{c.distinct:,}</td>"
        f"<td>{'' if c.min is None else escape(str(c.min))}</td>"
        f"<td>{'' if c.max is None else escape(str(c.max))}</td></tr>"
        for c in profile.columns
    )
    return (
        f"<b>{escape(profile.table)}</b>: {profile.rows:,} rows<table><tr>{head}</tr>{rows}</table>"
    )


def render_histogram(hist: Histogram | None, width: int = 240) -> str:
    """Return a small HTML bar chart of a histogram; no plotting library needed."""
    if hist is None or not hist.counts:
        return "<i>no numeric column to chart</i>"
    top = max(hist.counts) or 1
    bars = "".join(
        f"<tr><td style='text-align:right'>{lo:,.2f}</td><td>"
        f"<div style='background:#4c78a8;height:10px;width:{round(width * n / top)}px'></div>"
        f"</td><td>{n:,}</td></tr>"
        for lo, n in zip(hist.edges, hist.counts, strict=False)
    )
    return f"<b>{escape(hist.column)}</b><table>{bars}</table>"


def render_used_by(model: ExplorerModel) -> str:
    """Return the products that read the picked table, with owners, or why none are shown."""
    products = model.used_by
    if model.catalog_error:
        return f"<i>catalog not read: {escape(model.catalog_error)}</i>"
    if not products:
        return f"<b>used by</b>: no catalog product reads {escape(model.table or '')} yet"
    items = "".join(
        f"<li>{escape(e.name)} <code>{escape(e.id)}</code> ({escape(e.status)}), "
        f"owner {escape(e.owner)}</li>"
        for e in products
    )
    return f"<b>used by</b> {len(products)} catalog product(s):<ul>{items}</ul>"


def render_sample(sample: pd.DataFrame) -> str:
    """Return the sample rows as an HTML table with values escaped."""
    return str(sample.to_html(index=False, escape=True, max_cols=30, border=0))


class Explorer(widgets.VBox):  # type: ignore[misc]  # ipywidgets ships no type hints
    """The widget: a table picker and a column picker over views of an ExplorerModel."""

    def __init__(self, model: ExplorerModel) -> None:
        self.model = model
        self.table_picker = widgets.Dropdown(
            options=model.tables, value=model.table, description="table"
        )
        self.column_picker = widgets.Dropdown(description="histogram")
        self.error = widgets.HTML()
        self.profile_view = widgets.HTML()
        self.sample_view = widgets.HTML()
        self.histogram_view = widgets.HTML()
        self.used_by_view = widgets.HTML()
        self._syncing = False
        super().__init__(
            [
                self.table_picker,
                self.error,
                self.used_by_view,
                widgets.HBox(
                    [self.profile_view, widgets.VBox([self.column_picker, self.histogram_view])]
                ),
                widgets.HTML("<b>sample rows</b>"),
                self.sample_view,
            ]
        )
        self._refresh()
        self.table_picker.observe(self._on_table, names="value")
        self.column_picker.observe(self._on_column, names="value")

    def _on_table(self, change: dict[str, object]) -> None:
        self._run(self.model.select, str(change["new"]))
        self._refresh()

    def _on_column(self, change: dict[str, object]) -> None:
        if not self._syncing and change["new"] not in (None, self.model.column):
            self._run(self.model.select_column, str(change["new"]))
            self.histogram_view.value = render_histogram(self.model.histogram)

    def _run(self, action: Callable[[str], None], arg: str) -> None:
        """Call a model action; show a bad pick as a message in the widget, not a traceback."""
        try:
            action(arg)
            self.error.value = ""
        except PairlabError as exc:
            self.error.value = f"<span style='color:#b00'>{escape(str(exc))}</span>"

    def _refresh(self) -> None:
        model = self.model
        # New options reset the picker's value; that is not the learner's pick, so ignore it.
        self._syncing = True
        try:
            self.column_picker.options = model.numeric_columns
            self.column_picker.value = model.column
        finally:
            self._syncing = False
        self.profile_view.value = render_profile(model.profile) if model.profile else ""
        self.sample_view.value = render_sample(model.sample)
        self.histogram_view.value = render_histogram(model.histogram)
        self.used_by_view.value = render_used_by(model)


def explore(
    con: BaseBackend | None = None, *, url: str | None = None, catalog: Catalog | None = None
) -> Explorer:
    """Return an explorer over con, or over `connect(url)` (the embedded warehouse by default)."""
    if con is None:
        con = connect(url)
    return Explorer(ExplorerModel(con, catalog=catalog))
