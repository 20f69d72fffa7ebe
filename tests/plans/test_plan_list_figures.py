"""The plan list says whose figures each row shows (issue 14: a city's own plan at 100 % 已完成 beside the province's
plan at 54 % 严重滞后 "at the same organisation"): the plan's owner, and the whole plan or the current organisation's
share of it (本单位承担部分); and a plan with open work is never called done."""
from decimal import Decimal

from django.test import TestCase

from orgs.permissions import SYSTEM
from plans import services
from plans.choices import Light, PlanStatus
from plans.models import Assignment


def _rows(client, user):
    client.force_login(user)
    response = client.get("/plans/")
    assert response.status_code == 200
    return {row["plan"].title: row for row in response.context["rows"]}, response.content.decode()


def test_each_row_names_the_owner_and_whether_it_is_the_whole_plan_or_our_share(client, tree, people, plan):
    with TestCase.captureOnCommitCallbacks(execute=True):
        province = services.create_plan(by=SYSTEM, organization=tree.province, year=2026, title="全省工作要点",
                                        status=PlanStatus.PUBLISHED)
        point = services.add_point(services.add_section(province, by=SYSTEM, title="一"), by=SYSTEM, title="宣讲")
        target = services.add_target(point, by=SYSTEM, metric="宣讲", value=Decimal(100))
        root = Assignment.objects.get(target=target, parent=None)
        services.decompose(root, [(tree.city_a, Decimal(60), None), (tree.city_b, Decimal(40), None)], by=SYSTEM)
    Assignment.objects.filter(target=target, organization=tree.province).update(completion=Decimal("0.54"),
                                                                                 light=Light.RED)
    Assignment.objects.filter(target=target, organization=tree.city_a).update(completion=Decimal("0.90"),
                                                                              light=Light.GREEN)
    rows, html = _rows(client, people.staff)  # city A's staff: the province's plan is seen through city A's share
    own, theirs = rows["2026年共青团甲市委工作要点"], rows["全省工作要点"]
    assert (own["owner"], own["scope"], own["at"]) == (tree.city_a, "whole", tree.city_a)
    assert (theirs["owner"], theirs["scope"], theirs["at"]) == (tree.province, "share", tree.city_a)
    assert (theirs["completion"], theirs["light"]) == (Decimal("0.90"), Light.GREEN)  # not the province's 54 %
    assert "全计划" in html and "本单位承担部分" in html and tree.province.display_name in html


def test_a_plan_with_open_work_is_never_called_done(client, tree, people, plan):
    plan.root.__class__.objects.filter(pk=plan.root.pk).update(completion=Decimal("1.2"), light=Light.DONE)
    rows, html = _rows(client, people.staff)
    assert rows[plan.plan.title]["light"] == Light.DONE and rows[plan.plan.title]["open"] == 0  # all its work done
    services.add_point(plan.section, by=SYSTEM, title="开展调研")  # a point nobody holds yet: open work
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.add_target(plan.point, by=SYSTEM, metric="培训", value=Decimal(3))  # a new target, not started
    rows, html = _rows(client, people.staff)
    row = rows[plan.plan.title]
    assert row["light"] != Light.DONE and row["open"] == 2
    assert "已完成" not in html.split('id="plan-table"')[1] and "2 项未完成" in html
