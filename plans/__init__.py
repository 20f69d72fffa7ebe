"""Plans, sections, work points, targets, assignments, progress and (until it moves out) assessment.

The models arrive with the plans issue; the app is installed already so that its place in the
layout is fixed.
"""
