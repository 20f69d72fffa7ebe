"""What the tree tells the apps above it. orgs imports none of them (the layers in .importlinter); they
listen instead."""
from django.dispatch import Signal

#: An organisation import that ran in the background has finished (done, invalid or failed), inside its
#: transaction; keyword ``job``: the ImportJob.
import_job_finished = Signal()
