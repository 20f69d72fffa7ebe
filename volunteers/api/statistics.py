"""The volunteer statistics in the API: the stored figures of each organisation's subtree by month, read-only (they
are computed, never written), scoped like every read and filtered by the page's filterset."""
from rest_framework import serializers

from core.api import ScopedReadOnlyViewSet

from ..filtersets import VolunteerStatisticFilterSet
from ..models import VolunteerStatistic


class VolunteerStatisticSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    month = serializers.DateField(format="%Y-%m", read_only=True)
    registered_share = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True, allow_null=True)
    hours_per_volunteer = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    hours_per_member = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = VolunteerStatistic
        fields = ["id", "organization", "organization_name", "month", "registered", "registered_members", "members",
                  "registered_share", "active", "hours", "cumulative_hours", "hours_per_volunteer", "hours_per_member",
                  "stars", "computed_at"]
        read_only_fields = fields


class VolunteerStatisticViewSet(ScopedReadOnlyViewSet):
    """Volunteer figures by organisation (its whole subtree) and month: registered volunteers, registered league
    members and their share of the members, active volunteers (a confirmed record in the last twelve months),
    confirmed hours in the month and to its end, hours per volunteer and per member (cumulative), star levels."""

    queryset = VolunteerStatistic.objects.select_related("organization")
    serializer_class = VolunteerStatisticSerializer
    filterset_class = VolunteerStatisticFilterSet
