"""The intake queue: teams ask for a pairing; reuse first, capacity, and a fair, visible order."""

from pairlab.intake._model import Hypothesis, Request, parse_request
from pairlab.intake._program import (
    CONFIG_FILE,
    ProgramFacts,
    program_facts,
    read_facts,
    read_settings,
)
from pairlab.intake._queue import Intake, check_own_team
from pairlab.intake._reuse import ReuseAnswer, reuse_answer
from pairlab.intake._store import IntakeStore

__all__ = [
    "CONFIG_FILE",
    "Hypothesis",
    "Intake",
    "IntakeStore",
    "ProgramFacts",
    "Request",
    "ReuseAnswer",
    "check_own_team",
    "parse_request",
    "program_facts",
    "read_facts",
    "read_settings",
    "reuse_answer",
]
