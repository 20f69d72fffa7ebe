"""What the assessment tells the organisations it assesses, under the kinds it registers (assessment/kinds.py)."""
from assessment import kinds, services
from notifications.models import Notification
from tests.assessment.scoring import compute_may


def test_the_assessment_tells_the_assessed_with_its_own_kinds(people, month_data, django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    services.open_appeals(run, by=people.assessor)
    services.publish(run, by=people.assessor)
    told = Notification.objects.filter(user=people.reporter, url="/assessment/scores/mine/").order_by("pk")
    assert list(told.values_list("kind", flat=True)) == [kinds.SCORES_PROVISIONAL, kinds.SCORES_PUBLISHED]
