"""Plans, sections, work points, targets, assignments, progress and monthly reports.

The models arrive with the plans issue; the app is installed already so that its place in the
layout is fixed.
"""
