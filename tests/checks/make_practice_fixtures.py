"""Write the fixtures of the practice checks: names-changed, uses-functions names, pure-functions.

Run `python tests/checks/make_practice_fixtures.py` after changing it; the files under
tests/checks/fixtures/practice/ are committed so a reader can open each mistake in JupyterLab.
Cells carry the ids and step tags of the lessons they come from (00-welcome, 04-functions).
"""

from __future__ import annotations

from make_fixtures import code, md, notebook, stream, write


def cell(source: str, count: int | None, step: str = "", outputs=(), cell_id: str = "") -> dict:
    """Return a code cell with a step tag (and an id, else the notebook numbers it)."""
    made = code(source, count, (f"step:{step}",) if step else (), outputs)
    if cell_id:
        made["id"] = cell_id
    return made


def welcome(driver: str, navigator: str, shown: str | None, shown_navigator: str = "") -> dict:
    """Return lesson 0 with the meet cell holding `driver` and `navigator`, run showing `shown`."""
    source = (
        f'pair = {{\n    "driver": "{driver}",\n    "navigator": "{navigator}",\n}}\n'
        'rotation_minutes = 15\nassert all(pair.values()), "write both names"\n'
        "print(f\"{pair['driver']} drives first, {pair['navigator']} navigates; \"\n"
        '      f"swap every {rotation_minutes} minutes.")'
    )
    text = f"{shown} drives first, {shown_navigator or navigator} navigates; swap every 15 minutes."
    outputs = [stream(text + "\n")] if shown else []
    if shown is None:  # the assert stopped the cell
        error = {"output_type": "error", "ename": "AssertionError", "evalue": "write both names"}
        outputs = [error | {"traceback": []}]
    return notebook(
        [
            md("# Welcome: how to pair here"),
            md("## Meet\nReplace the example names with yours, then run the cell and save."),
            cell(source, 1, "meet", outputs, cell_id="1c4ff254"),
            cell('steps_today = ["meet", "run-in-order"]', 2, "run-in-order", cell_id="4a7e2d10"),
        ]
    )


def names_changed() -> None:
    """Write lesson 0 as the pair leaves it: renamed, left as shipped, run too early, half done."""
    renamed = welcome("Maya (analyst)", "Tom (engineer)", "Maya (analyst)")
    write("practice/welcome_pass.ipynb", renamed)
    # The pair read the cell, ran it and moved on without writing their names.
    shipped = welcome("Ana (analyst)", "Eli (engineer)", "Ana (analyst)")
    write("practice/welcome_example.ipynb", shipped)
    # They ran the shipped cell first, then typed their names and saved without running it again.
    write("practice/welcome_stale.ipynb", welcome("Maya", "Tom", "Ana (analyst)"))
    # They ran the cell with their names, then changed one and saved without running it again.
    edited = welcome("Maya (analyst)", "Tomás (engineer)", "Maya (analyst)", "Tom (engineer)")
    write("practice/welcome_edited.ipynb", edited)
    # Only the driver wrote a name; the navigator's was deleted, not replaced.
    write("practice/welcome_blank.ipynb", welcome("Maya", "", None))


CONNECT = "from pairlab.warehouse import connect\n\ncon = connect()"
CLAIMS_BY_LINE = '''def claims_by_line(con, year):
    """Count the year's claims, net of declined ones, by product line and loss month."""
    claims = con.table("claims")
    policies = con.table("policies").select("policy_id", "product_line")
    recent = claims.filter(claims.loss_date.year() == YEAR)
    recent = recent.filter(recent.status != "declined")
    joined = recent.join(policies, "policy_id")
    joined = joined.mutate(month=joined.loss_date.truncate("M"))
    counts = joined.group_by("product_line", "month").agg(claims=joined.count())
    return counts.order_by("product_line", "month").execute()'''
EXPLORATION = "\n".join(
    line.removeprefix("    ") for line in CLAIMS_BY_LINE.replace("YEAR", "2024").split("\n")[2:]
).replace("return counts", "counts")
WAREHOUSE_TOTAL = '''def warehouse_total(con, year):
    """Count the year's claims, net of declined ones, straight from the table."""
    claims = con.table("claims")
    kept = claims.filter((claims.loss_date.year() == year) & (claims.status != "declined"))
    return kept.count().execute()'''
BY_YEAR = (
    'by_year = {year: claims_by_line(con, year)["claims"].sum() for year in (2023, 2024)}\n'
    "assert all(total == warehouse_total(con, year) for year, total in by_year.items())\n"
    'print("claims by year:", by_year)'
)
CLEAN_CLAIMS = '''CLAIM_KEY = ["policy_id", "loss_date", "peril", "incurred"]


def clean_claims(claims):
    """Keep the first claim_id of every claim keyed twice."""
    first = claims.group_by(CLAIM_KEY).agg(claim_id=claims.claim_id.min())
    return claims.semi_join(first, "claim_id")


def with_region(policies):
    """Label policies without a region Unknown."""
    return policies.mutate(region=policies.region.fill_null("Unknown"))'''
# The learner did not trust the argument and fetched the table again from the global connection.
CLEAN_CLAIMS_GLOBAL = CLEAN_CLAIMS.replace(
    "    first = claims.group_by", '    claims = con.table("claims")\n    first = claims.group_by'
)
USE_CLEAN = (
    'claims = con.table("claims")\npolicies = con.table("policies")\n'
    "removed = claims.count().execute() - clean_claims(claims).count().execute()\n"
    'unknown = with_region(policies).filter(lambda t: t.region == "Unknown").count().execute()\n'
    'print(f"clean_claims drops {removed} duplicates; {unknown} policies get region Unknown")'
)
# The learner kept the exploration's DataFrame and wrote a function around it.
TOP_PERILS = '''df = con.table("claims").execute()


def top_perils(n):
    """Return the n perils with the most claims."""
    return df.groupby("peril").size().nlargest(n)


top_perils(3)'''


def lesson4(functions: str, *, by_year: bool = True, extra: tuple[dict, ...] = ()) -> dict:
    """Return lesson 4 with `functions` in its step:functions cell, as a pair would save it."""
    cells = [
        md("# Lesson 4: From cells to functions"),
        cell(CONNECT, 1),
        md("## Wrap the exploration in a function"),
        cell(functions, 2, "functions"),
        md("## Parameters, not copies"),
        cell(f"{WAREHOUSE_TOTAL}\n\n\n{BY_YEAR}" if by_year else WAREHOUSE_TOTAL, 3),
        md("## Pure functions for the planted defects"),
        cell(CLEAN_CLAIMS, 4, "pure-functions"),
        cell(USE_CLEAN, 5, "pure-functions"),
        *extra,
    ]
    cells[5]["metadata"]["tags"] = ["step:parameters"]
    for number, made in enumerate(cells, start=1):
        made["id"] = f"04-{number:02d}"  # the lesson's own ids: lesson, then position
    return notebook(cells)


def functions() -> None:
    """Write lesson 4 solved, and with the mistakes learners make turning cells into functions."""
    solved = f"{CLAIMS_BY_LINE}\n\n\nclaims_by_line(con, 2024)"
    write("practice/functions_pass.ipynb", lesson4(solved.replace("YEAR", "year")))
    # The exploration is still top-level code: no function yet.
    write("practice/functions_undefined.ipynb", lesson4(EXPLORATION, by_year=False))
    # The cell was wrapped in a def, but the call line below it was forgotten.
    write(
        "practice/functions_uncalled.ipynb",
        lesson4(CLAIMS_BY_LINE.replace("YEAR", "year"), by_year=False),
    )
    # The function takes `year` but still filters on the exploration's 2024.
    write("practice/pure_ignores_year.ipynb", lesson4(solved.replace("YEAR", "2024")))
    solved = solved.replace("YEAR", "year")
    global_con = lesson4(solved)
    global_con["cells"][7]["source"] = CLEAN_CLAIMS_GLOBAL
    write("practice/pure_reads_con.ipynb", global_con)
    extra = (cell(TOP_PERILS, 6, "pure-functions"),)
    write("practice/pure_reads_df.ipynb", lesson4(solved, extra=extra))


if __name__ == "__main__":
    names_changed()
    functions()
