"""The enablement program: teams, who trained whom, and when a team is capable."""

from pairlab.program._capable import Criterion, PublishedProduct, owns
from pairlab.program._model import (
    PROGRAM_FILE,
    Member,
    Program,
    Team,
    load_program,
    parse_program,
    parse_program_text,
)
from pairlab.program._scaffold import SCAFFOLD, new_program
from pairlab.program._sessions import SessionFacts, read_sessions
from pairlab.program._spread import Person, Spread
from pairlab.program._status import (
    STATES,
    ProgramStatus,
    TeamStatus,
    catalog_products,
    lesson_numbers,
    program_status,
)
from pairlab.program._text import format_status

__all__ = [
    "PROGRAM_FILE",
    "SCAFFOLD",
    "STATES",
    "Criterion",
    "Member",
    "Person",
    "Program",
    "ProgramStatus",
    "PublishedProduct",
    "SessionFacts",
    "Spread",
    "Team",
    "TeamStatus",
    "catalog_products",
    "format_status",
    "lesson_numbers",
    "load_program",
    "new_program",
    "owns",
    "parse_program",
    "parse_program_text",
    "program_status",
    "read_sessions",
]
