"""Monthly reports of grassroots organisations: who reports, the fields, the workflow, the reviewers' grid,
the offline sheets and the reminders."""
