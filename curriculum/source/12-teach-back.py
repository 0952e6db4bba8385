# %% [markdown]
# # Lesson 12: Teach it back
#
# **Objectives**: the analyst plans and runs lesson 1 with a teammate, as the driver's navigator
# this time; the pair agrees what to watch for as an ambassador.
# **Time box**: 20 minutes to plan here; the teach-back itself is a separate 60-minute session.
#
# The ambassador kit (`pairlab new ambassador` or `kits/ambassador/` with copier) has the
# condensed run-sheet, the common mistakes per lesson, and a cohort sheet.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: the engineer now navigates the analyst's planning and says as little as
# possible. Good plans name one teammate, one date, the steps of lesson 1 and *two* mistakes to
# watch for, taken from the common-mistakes sheet. Offer to sit in silently on the first
# teach-back; the second one the ambassador runs alone.

# %% [markdown]
# ## Plan the teach-back (driver: the analyst)
# Fill in the plan: who you will pair with, when, which lesson, and two mistakes you will watch
# for, copied from lesson 1's section of the ambassador kit's `common-mistakes.md` (the words
# before the colon are enough).

# %% tags=["step:plan"]
import datetime as dt
from pathlib import Path

### BEGIN SOLUTION
plan = {
    "ambassador": "Priya",
    "teammate": "Jonas",
    "date": "2026-02-12",
    "lesson": "01-explore.ipynb",
    "rotation_minutes": 15,
    "watch_for": ["Forgetting .execute()", "Not saving after running"],
}
### END SOLUTION
#> plan = {
#>     "ambassador": "",  # you, e.g. "Ana"
#>     "teammate": "",  # who you will pair with, e.g. "Sam"
#>     "date": "",  # YYYY-MM-DD, e.g. "2026-01-15"
#>     "lesson": "01-explore.ipynb",
#>     "rotation_minutes": 15,
#>     "watch_for": [],  # two mistakes, copied from common-mistakes.md
#> }
assert plan["ambassador"] and plan["teammate"], "name the ambassador and the teammate"
dt.date.fromisoformat(plan["date"])  # a real date, YYYY-MM-DD
assert len(plan["watch_for"]) >= 2, "pick two mistakes to watch for"
lines = [f"# Teach-back: {plan['lesson']}", ""]
lines += [f"- {key}: {value}" for key, value in plan.items() if key != "watch_for"]
lines += ["", "## Watch for", *[f"- {m}" for m in plan["watch_for"]]]
Path("teach-back-plan.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
print("plan written to teach-back-plan.md")

# %% [markdown]
# ## As an ambassador
# - Navigate, do not drive: your teammate's hands on the keyboard, your questions in the air.
# - Let a check fail before you explain it; read its message together.
# - Rotate on time, even mid-thought.
# - After the session, add a row to the cohort sheet: lesson, date, what was hard.
