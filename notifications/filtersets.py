"""One filterset per model of notifications, for the pages and the API alike."""
import django_filters
from django.utils.translation import gettext_lazy as _

from . import channels
from .choices import DeliveryStatus
from .models import Delivery


def channel_choices():
    return [(c.name, c.label) for c in channels.all_channels()]


class DeliveryFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=DeliveryStatus.choices, label=_("Status"))
    channel = django_filters.ChoiceFilter(choices=channel_choices, label=_("Channel"))

    class Meta:
        model = Delivery
        fields = ["status", "channel"]
