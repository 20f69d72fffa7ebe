"""The report pages' addresses before the reports app had its own (/plans/reports/…) answer permanent redirects:
notifications stored in the database and bookmarks link there."""
import datetime

import pytest
from django.test import Client
from django.urls import resolve

from notifications.models import Notification
from notifications.services import notify
from reports import services
from reports.urls import urlpatterns

# (method, old address, new address): every page of the reports app, with a query string where one is read
OLD = [
    ("get", "/plans/reports/", "/reports/"),
    ("post", "/plans/reports/start/", "/reports/start/"),
    ("get", "/plans/reports/grid/?within=A&month=2026-05&state=missing", "/reports/grid/?within=A&month=2026-05&state=missing"),
    ("get", "/plans/reports/export.xlsx?month=2026-05", "/reports/export.xlsx?month=2026-05"),
    ("get", "/plans/reports/template.xlsx?month=2026-05", "/reports/template.xlsx?month=2026-05"),
    ("get", "/plans/reports/upload/", "/reports/upload/"),
    ("get", "/plans/reports/settings/?org=A", "/reports/settings/?org=A"),
    ("get", "/plans/reports/settings/rules/new/?org=A", "/reports/settings/rules/new/?org=A"),
    ("get", "/plans/reports/settings/rules/7/", "/reports/settings/rules/7/"),
    ("get", "/plans/reports/settings/fields/new/?org=A", "/reports/settings/fields/new/?org=A"),
    ("get", "/plans/reports/settings/fields/7/", "/reports/settings/fields/7/"),
    ("post", "/plans/reports/settings/rule/7/delete/", "/reports/settings/rule/7/delete/"),
    ("post", "/plans/reports/settings/defaults/", "/reports/settings/defaults/"),
    ("get", "/plans/reports/7/", "/reports/7/"),
    ("post", "/plans/reports/7/review/", "/reports/7/review/"),
    ("post", "/plans/reports/7/autosave/", "/reports/7/autosave/"),
    ("post", "/plans/reports/7/copy/", "/reports/7/copy/"),
    ("post", "/plans/reports/7/attachments/", "/reports/7/attachments/"),
    ("get", "/plans/reports/attachments/7/", "/reports/attachments/7/"),
    ("post", "/plans/reports/attachments/7/remove/", "/reports/attachments/7/remove/"),
]


@pytest.mark.parametrize("method, old, new", OLD)
def test_an_old_address_redirects_permanently_to_the_new_one(client, method, old, new):
    response = getattr(client, method)(old)
    # 301 for a page; 308 for a form sent there, so that the browser sends it again, to the new address
    assert response.status_code == (301 if method == "get" else 308)
    assert response["Location"] == new


def test_every_page_has_its_old_address_tested():
    tested = {resolve(new.partition("?")[0]).url_name for _method, _old, new in OLD}
    # pages born in the reports app never had an address under /plans/
    born_here = {"report_list", "report_bulk_approve"}
    assert tested == {p.name for p in urlpatterns} - born_here


def test_a_head_request_is_redirected_like_a_get(client):
    response = client.head("/plans/reports/grid/?year=2026")
    assert response.status_code == 301 and response["Location"] == "/reports/grid/?year=2026"


def test_an_address_that_never_was_a_page_is_not_found(client, people):
    client.force_login(people.staff)
    assert client.get("/plans/reports/nothing/").status_code == 404


def test_a_link_in_a_stored_notification_still_opens_the_report(client, people, report_setup, tree):
    report = services.start_report(tree.branch, datetime.date(2026, 5, 1), by=people.reporter)
    notify([people.reporter], title="甲支部的月报已退回", url=f"/plans/reports/{report.pk}/")  # stored before the move
    client.force_login(people.reporter)
    opened = client.get(f"/notifications/{Notification.objects.get().pk}/", follow=True)
    assert opened.redirect_chain == [(f"/plans/reports/{report.pk}/", 302), (f"/reports/{report.pk}/", 301)]
    assert opened.status_code == 200 and opened.templates[0].name == "reports/report_detail.html"


def test_a_form_sent_to_an_old_address_is_sent_again_with_its_token(people, report_setup, tree):
    """The redirect itself needs no token (it writes nothing); the page it leads to checks the one sent again."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.reporter)
    report = services.start_report(tree.branch, datetime.date(2026, 5, 1), by=people.reporter)
    response = client.post(f"/plans/reports/{report.pk}/copy/", {"version": report.version})
    assert response.status_code == 308 and response["Location"] == f"/reports/{report.pk}/copy/"
    assert client.post(response["Location"], {"version": report.version}).status_code == 403  # no token
