"""Build the curriculum's learner and solution notebooks from one source each, and run them."""

from pairlab.course._build import SOLUTIONS_FOLDER, SOURCE_FOLDER, BuildResult, build
from pairlab.course._run import LessonRun, run_curriculum, run_lessons, stage

__all__ = [
    "SOLUTIONS_FOLDER",
    "SOURCE_FOLDER",
    "BuildResult",
    "LessonRun",
    "build",
    "run_curriculum",
    "run_lessons",
    "stage",
]
