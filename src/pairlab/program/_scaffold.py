"""`pairlab new program DEST`: a program.toml to fill in, valid as written."""

from __future__ import annotations

from pathlib import Path

from pairlab._files import write_text_atomic
from pairlab.errors import BadInput
from pairlab.program._model import PROGRAM_FILE, parse_program_text

SCAFFOLD = """\
# The enablement program: the organization's teams, their members, the central team, and
# when a team is capable on its own. `pairlab program status --program program.toml EXPORTS`
# reads it with the session exports; on the hub, facilitators upload it to the cohort page.
# Every name must be unique: sessions name people by it (or by their hub user).

name = "Data products enablement"
central = "enablement"           # the id of the central team below (generation 0)

[capable]
# A team is capable when every criterion holds (see docs/program.md):
#   published-product  the team owns an active product in the catalog, published (a location)
#   teach-back         an ambassador led a teach-back in which a teammate, while driving,
#                      completed every step of lessons teach_back_lessons (from, through)
#   analysts-reached   at least this share of the team's listed analysts were reached
criteria = ["published-product", "teach-back", "analysts-reached"]
teach_back_lessons = [1, 5]
analysts_reached = 0.5

[[teams]]
id = "enablement"
name = "Central enablement team"
domain = "engineering"
members = [
  { name = "Eli Novak", role = "engineer", user = "eli" },
  { name = "Sam Ortiz", role = "engineer", user = "sam" },
]

[[teams]]
id = "claims"
name = "Claims analytics"
domain = "claims"
members = [
  { name = "Ana Lima", role = "analyst", user = "ana" },
  { name = "Ben Okafor", role = "analyst", user = "ben" },
  { name = "Cleo Park", role = "analyst" },
]

[[teams]]
id = "pricing"
name = "Pricing"
domain = "pricing"
members = [
  { name = "Dara Fox", role = "analyst" },
  { name = "Emil Berg", role = "analyst" },
]
"""


def new_program(dest: Path, *, force: bool = False) -> Path:
    """Write DEST/program.toml from the scaffold; never over an existing one without force."""
    if dest.exists() and not dest.is_dir():
        raise BadInput(f"{dest} is a file", "choose a folder for program.toml")
    out = dest / PROGRAM_FILE
    if out.exists() and not force:
        raise BadInput(f"{out} exists", "choose a new folder, or pass --force to replace it")
    parse_program_text(SCAFFOLD, str(out))  # the scaffold is always a valid program
    return write_text_atomic(out, SCAFFOLD)
