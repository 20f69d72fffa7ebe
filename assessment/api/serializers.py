"""Serializers of the assessment API; they validate input and hand writes to the services."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import StoredFileSerializer
from core.dates import MonthSerializerField
from orgs.api.serializers import OrganizationCodeField

from .. import compute, services
from ..models import (
    Adjustment,
    Appeal,
    AppealEvidence,
    AssessmentRun,
    AssessmentScheme,
    Indicator,
    ManualPoints,
    Score,
    ScoreItem,
)
from ..selectors import score_url


def acting(serializer):
    return serializer.context["request"].user


class IndicatorSerializer(serializers.ModelSerializer):
    scheme = serializers.PrimaryKeyRelatedField(queryset=AssessmentScheme.objects.all())

    class Meta:
        model = Indicator
        fields = ["id", "scheme", "parent", "name", "max_points", "rule", "params", "standard", "order"]

    def validate_scheme(self, scheme):
        if not AssessmentScheme.objects.restrict(acting(self)).filter(pk=scheme.pk).exists():
            raise serializers.ValidationError(_("No such scheme."))
        return scheme

    def save(self, **kwargs):
        indicator = self.instance or Indicator()
        for name, value in self.validated_data.items():
            setattr(indicator, name, value)
        self.instance = services.save_indicator(indicator, by=acting(self))
        return self.instance


class SchemeSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    max_total = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentScheme
        fields = ["id", "organization", "year", "title", "levels", "kinds", "grade_mode", "thresholds", "shares",
                  "bonus_cap", "deduction_cap", "appeal_days", "compute_day", "is_active", "max_total", "indicators"]

    def save(self, **kwargs):
        scheme = self.instance or AssessmentScheme()
        for name, value in self.validated_data.items():
            setattr(scheme, name, value)
        self.instance = services.save_scheme(scheme, by=acting(self))
        return self.instance


class RunSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentRun
        fields = ["id", "scheme", "month", "version", "status", "reason", "requested_by", "computed_at", "error",
                  "appeal_until", "published_at", "published_by", "progress"]
        read_only_fields = fields

    def get_progress(self, run) -> int:
        return compute.progress_of(run)


class ScoreItemSerializer(serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True, default=None)

    class Meta:
        model = ScoreItem
        fields = ["kind", "indicator", "indicator_name", "raw", "points", "explanation"]


class ScoreSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    month = serializers.DateField(source="run.month", read_only=True)
    version = serializers.IntegerField(source="run.version", read_only=True)
    scheme = serializers.IntegerField(source="run.scheme_id", read_only=True)
    url = serializers.SerializerMethodField(help_text=_("The score's page at its stable address (scheme, month, "
                                                        "organisation code), valid across recomputations."))

    class Meta:
        model = Score
        fields = ["id", "url", "run", "scheme", "month", "version", "organization", "organization_name", "total", "bonus",
                  "deduction", "rank", "grade", "change", "ytd_total", "ytd_average"]
        read_only_fields = fields

    def get_url(self, score) -> str:
        url = score_url(score.run.scheme_id, score.run.month, score.organization.code, score.run.version)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ScoreDetailSerializer(ScoreSerializer):
    items = ScoreItemSerializer(many=True, read_only=True)

    class Meta(ScoreSerializer.Meta):
        fields = [*ScoreSerializer.Meta.fields, "items"]
        read_only_fields = fields


class PreviewLineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    indicator = serializers.IntegerField(source="indicator.pk", default=None)
    indicator_name = serializers.CharField(source="indicator.name", default=None)
    raw = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    points = serializers.DecimalField(max_digits=8, decimal_places=2)
    explanation = serializers.CharField()


class PreviewScoreSerializer(serializers.Serializer):
    organization = serializers.CharField(source="organization.code")
    organization_name = serializers.CharField(source="organization.name")
    total = serializers.DecimalField(max_digits=8, decimal_places=2)
    rank = serializers.IntegerField()
    grade = serializers.CharField()
    items = PreviewLineSerializer(many=True)


class PreviewSerializer(serializers.Serializer):
    """A month's scores as they stand, never stored: no run, no publication, no rank or year to date kept."""

    preview = serializers.BooleanField()
    counts = serializers.BooleanField(help_text=_("Always false: a preview counts nowhere."))
    month = serializers.DateField()
    reporting_closes = serializers.DateField(help_text=_("The last due date of the month's reports."))
    month_open = serializers.BooleanField(help_text=_("True while the month's reports are not all due: it cannot be "
                                                      "computed for real yet."))
    scores = PreviewScoreSerializer(many=True)


class ComputeSerializer(serializers.Serializer):
    month = MonthSerializerField()
    reason = serializers.CharField(required=False, allow_blank=True, help_text=_("Needed once the month is published."))


class ManualPointsSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    month = MonthSerializerField()

    class Meta:
        model = ManualPoints
        fields = ["id", "indicator", "organization", "month", "points", "comment", "entered_by", "entered_at"]
        read_only_fields = ["entered_by", "entered_at"]
        validators = []

    def create(self, data):
        return services.set_manual_points(data["indicator"], data["organization"], data["month"], by=acting(self),
                                            points_given=data["points"], comment=data["comment"])


class AdjustmentSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    month = MonthSerializerField()

    class Meta:
        model = Adjustment
        fields = ["id", "scheme", "organization", "month", "kind", "points", "reason", "entered_by", "entered_at"]
        read_only_fields = ["entered_by", "entered_at"]

    def create(self, data):
        return services.add_adjustment(data["scheme"], data["organization"], data["month"], by=acting(self),
                                         kind=data["kind"], points_given=data["points"], reason=data["reason"])


class AppealEvidenceSerializer(StoredFileSerializer):
    download_url_name = "assessment:appeal_evidence"

    class Meta(StoredFileSerializer.Meta):
        model = AppealEvidence


class AppealSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    files = serializers.ListField(child=serializers.FileField(), write_only=True, required=False)
    evidence = AppealEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Appeal
        fields = ["id", "run", "organization", "reason", "files", "evidence", "status", "adjustment", "decision",
                  "filed_by", "filed_at", "decided_by", "decided_at"]
        read_only_fields = ["status", "adjustment", "decision", "filed_by", "filed_at", "decided_by", "decided_at"]

    def validate_run(self, run):
        if not AssessmentRun.objects.restrict(acting(self)).filter(pk=run.pk).exists():
            raise serializers.ValidationError(_("No such run."))
        return run

    def create(self, data):
        return services.file_appeal(data["run"], data["organization"], by=acting(self), reason=data["reason"],
                                      files=data.get("files", []))


class DecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    decision = serializers.CharField()
    adjustment = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, default=0)
