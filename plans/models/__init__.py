"""Plans → sections → work points → targets → assignments → progress entries and evidence."""
from .assessment import (
                         Adjustment,
                         Appeal,
                         AppealEvidence,
                         AssessmentRun,
                         AssessmentScheme,
                         Indicator,
                         ManualPoints,
                         Score,
                         ScoreItem,
)
from .plan import Milestone, Plan, PointGroup, Section, WorkPoint
from .progress import Evidence, ProgressEntry
from .target import Assignment, Target

__all__ = [
    "Adjustment",
    "Appeal",
    "AppealEvidence",
    "AssessmentRun",
    "AssessmentScheme",
    "Indicator",
    "ManualPoints",
    "Score",
    "ScoreItem",
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
