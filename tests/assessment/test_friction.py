"""Friction on the assessment pages (issue 14): an indicator that published scores rest on offers no delete button
(the service refuses it), and the score sheet's version line reads without nested brackets."""
import io

from openpyxl import load_workbook

from assessment import services
from tests.assessment.scoring import compute_may


def test_no_delete_button_for_an_indicator_in_published_scores(client, people, month_data,
                                                               django_capture_on_commit_callbacks):
    scheme = month_data.scheme
    leaves = [i for i in scheme.indicators.all() if i.parent_id is not None]
    client.force_login(people.assessor)
    url = f"/assessment/schemes/{scheme.pk}/"
    html = client.get(url).content.decode()
    assert all(f"/assessment/indicators/{leaf.pk}/delete/" in html for leaf in leaves)  # nothing published yet
    run = compute_may(scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    services.publish(run, by=people.assessor)
    html = client.get(url).content.decode()
    scored = {item.indicator_id for item in run.scores.first().items.all() if item.indicator_id}
    for leaf in leaves:
        offered = f"/assessment/indicators/{leaf.pk}/delete/" in html
        assert offered == (leaf.pk not in scored), leaf.name
    assert html.count('class="small text-muted ms-1 indicator-kept"') == len(scored & {leaf.pk for leaf in leaves})
    # and what is not offered is refused still
    kept = next(leaf for leaf in leaves if leaf.pk in scored)
    client.post(f"/assessment/indicators/{kept.pk}/delete/")
    assert scheme.indicators.filter(pk=kept.pk).exists()


def test_the_sheet_says_provisional_without_nested_brackets(client, people, month_data,
                                                            django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    client.force_login(people.assessor)
    sheet = load_workbook(io.BytesIO(client.get(f"/assessment/runs/{run.pk}/sheet.xlsx").content)).worksheets[0]
    info = sheet["A2"].value
    assert "v1（暂定，未公布）" in info and "（未公布（暂定））" not in info
