from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Work plans")

    def ready(self):
        from volunteers.signals import statistics_refreshed

        from .volunteer_targets import statistics_refreshed as fill_bound_targets

        statistics_refreshed.connect(fill_bound_targets, dispatch_uid="plans.fill_volunteer_targets")
