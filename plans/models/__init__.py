"""Plans → sections → work points → targets → assignments → progress entries and evidence; monthly reports."""
from .plan import Milestone, Plan, PointGroup, Section, WorkPoint
from .progress import Evidence, ProgressEntry
from .reports import MonthlyReport, ReportAttachment, ReportEvent, ReportField, ReportingRule, ReportLine
from .target import Assignment, Target

__all__ = [
    "Assignment",
    "Evidence",
    "Milestone",
    "MonthlyReport",
    "Plan",
    "PointGroup",
    "ProgressEntry",
    "ReportAttachment",
    "ReportEvent",
    "ReportField",
    "ReportingRule",
    "ReportLine",
    "Section",
    "Target",
    "WorkPoint",
]
