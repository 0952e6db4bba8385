"""Build a lesson pack's learner and solution notebooks from one source each, and run them.

The core curriculum is the built-in pack; every function takes a pack folder (default: it).
"""

from pairlab.curriculum._build import SOLUTIONS_FOLDER, SOURCE_FOLDER, BuildResult, build
from pairlab.curriculum._new import NewPack, format_new_pack, new_pack
from pairlab.curriculum._run import LessonRun, run_curriculum, run_lessons, stage

__all__ = [
    "SOLUTIONS_FOLDER",
    "SOURCE_FOLDER",
    "BuildResult",
    "LessonRun",
    "NewPack",
    "build",
    "format_new_pack",
    "new_pack",
    "run_curriculum",
    "run_lessons",
    "stage",
]
