"""Volunteers, activities, service hours and star levels (arrives with the volunteer issue)."""
