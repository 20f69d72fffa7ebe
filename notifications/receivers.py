"""The bell listens to events of the apps below it (which cannot import notifications)."""
from django.dispatch import receiver

from orgs.signals import import_job_finished

from .services import Text, notify


@receiver(import_job_finished)
def tell_who_started_the_import(sender, job, **kwargs):
    notify([job.created_by], title=Text(*job.outcome_message()), url=job.get_absolute_url(),
           key=f"org-import-{job.pk}-{job.status}-{job.apply}")
