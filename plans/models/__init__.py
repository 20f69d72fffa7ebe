"""Plans → sections → work points → targets → assignments → progress entries and evidence; monthly reports."""
from .plan import Milestone, Plan, PointGroup, Section, WorkPoint
from .progress import Evidence, ProgressEntry
from .target import Assignment, Target

__all__ = [
    "Assignment",
    "Evidence",
    "Milestone",
    "Plan",
    "PointGroup",
    "ProgressEntry",
    "Section",
    "Target",
    "WorkPoint",
]
