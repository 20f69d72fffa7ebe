"""Demo plans: a published provincial plan and a city plan, handed down to branches, with some
months of progress so that the lights show every colour. Loaded once; a second run skips it.
"""
import datetime
import random
from decimal import Decimal

from django.utils import timezone

from core import months
from orgs.choices import Level
from orgs.models import Organization
from orgs.permissions import SYSTEM

from . import rollups, services
from .choices import Aggregation, PlanStatus, PointStatus, ProgressRule
from .models import Assignment, Milestone, Plan

D = Decimal

PROVINCIAL = [
    ("一", "旗帜鲜明讲政治，强化青年思想政治引领", "宣传部", [
        ("1", "深化“青年大学习”行动", "把“青年大学习”作为团员青年经常性学习的主要载体，全省团员参学率达到80%以上。",
         [("青年大学习参学率", D(80), "%", Aggregation.AVERAGE, ProgressRule.LEVEL)]),
        ("2", "开展“青春心向党”主题宣讲", "组织青年讲师团深入基层开展宣讲，全年不少于600场。",
         [("主题宣讲", D(600), "场", Aggregation.SUM, ProgressRule.CUMULATIVE)]),
    ]),
    ("二", "坚持全面从严治团，夯实基层组织基础", "组织部", [
        ("3", "严格规范团员发展", "按照“控制总量、提高质量”的要求，全年发展新团员3000名。",
         [("发展新团员", D(3000), "名", Aggregation.SUM, ProgressRule.CUMULATIVE)]),
        ("4", "全面推行“三会两制一课”", "指导基层团支部规范落实“三会两制一课”制度，年底前完成对标定级。", []),
        ("5", "开展年度团员教育评议", "年底前组织各级团组织开展团员教育评议。", []),
    ]),
    ("三", "聚焦青年急难愁盼，服务青年成长发展", "青年发展部", [
        ("6", "建设青年之家综合服务平台", "年内新建青年之家30个，实现县级全覆盖。",
         [("新建青年之家", D(30), "个", Aggregation.SUM, ProgressRule.CUMULATIVE)]),
        ("7", "深化青年志愿服务", "组织开展志愿服务，全年服务时长突破20万小时。",
         [("志愿服务时长", D(200000), "小时", Aggregation.SUM, ProgressRule.CUMULATIVE)]),
    ]),
]

# How far each organisation is along, relative to where it should be: ahead, on track, behind,
# far behind, or silent. Seeded, so the demo looks the same every time.
PACE = [D("1.3"), D("1.08"), D("1.02"), D("1.0"), D("0.97"), D("0.92"), D("0.85"), D("0.6"), None]


def _month_ends(today, count=4):
    ends, month = [], months.last_month(today)
    while len(ends) < count and month.year == today.year:
        ends.append(months.month_end(month))
        month = months.previous_month(month)
    return sorted(ends) + [today]


def _add_progress(assignment, rng, today):
    pace = rng.choice(PACE)
    if pace is None or assignment.assigned_value is None:
        return
    target = assignment.target
    start = assignment.plan.period_start
    end = target.deadline or assignment.plan.period_end
    for day in _month_ends(today):
        if target.progress_rule == ProgressRule.LEVEL:
            value = (assignment.assigned_value * pace).quantize(D("0.1"))
        else:
            value = (assignment.assigned_value * pace * rollups.elapsed_share(start, end, day)).quantize(D("1"))
        services.record_progress(assignment, by=SYSTEM, reported_on=day, value=max(value, D(0)),
                                 note="月度进度" if day != today else "本月最新进度")


def _hand_down(assignment, organizations):
    organizations = list(Organization.objects.filter(pk__in=[o.pk for o in organizations]).with_subtree_totals())
    if not organizations:
        return []
    if assignment.target and assignment.target.aggregation == Aggregation.SUM:
        values = services.split_by_weights(assignment.assigned_value, [o.subtree_members for o in organizations])
    else:
        values = [assignment.assigned_value] * len(organizations)
    services.decompose(assignment, list(zip(organizations, values, [None] * len(organizations))), by=SYSTEM,
                       confirm_mismatch=True)
    return list(Assignment.objects.filter(parent=assignment, organization__in=organizations).select_related("target", "plan"))


def load(year=None):
    today = timezone.localdate()
    year = year or today.year
    province = Organization.objects.get(code="36000000")
    title = f"{year}年共青团江淮省委工作要点"
    if Plan.objects.filter(organization=province, year=year, title=title).exists():
        return {"plans": 0}
    rng = random.Random(year)
    plan = services.create_plan(by=SYSTEM, organization=province, year=year, title=title, status=PlanStatus.PUBLISHED)
    departments = {d.name: d for d in province.departments.all()}
    cities = list(Organization.objects.filter(level=Level.CITY).order_by("path"))
    for section_no, section_title, department, points in PROVINCIAL:
        section = services.add_section(plan, by=SYSTEM, number=section_no, title=section_title)
        for number, point_title, text, targets in points:
            point = services.add_point(section, by=SYSTEM, number=number, title=point_title, text=text,
                                       lead_department=departments.get(department), is_key=number in ("1", "3"),
                                       deadline=datetime.date(year, 12, 31),
                                       status=PointStatus.IN_PROGRESS if number != "5" else PointStatus.NOT_STARTED)
            if not targets:
                # 4 has a milestone overdue (a yellow light); 5 has its only step at the year's end
                steps = ((3, "制定实施方案"), (6, "完成半年督导"), (11, "完成对标定级")) if number == "4" else ((12, "完成评议"),)
                for month, step in steps:
                    Milestone.objects.create(point=point, title=step, due_on=datetime.date(year, month, 28),
                                             done_on=datetime.date(year, month, 20) if month == 3 else None)
                root = services.root_assignment(point)
                _hand_down(root, cities)
                continue
            for metric, value, unit, aggregation, rule in targets:
                target = services.add_target(point, by=SYSTEM, metric=metric, value=value, unit=unit,
                                             aggregation=aggregation, progress_rule=rule)
                root = Assignment.objects.get(target=target, parent=None)
                for city_part in _hand_down(root, cities):
                    districts = Organization.objects.filter(path__startswith=city_part.organization.path, level=Level.COUNTY)
                    for district_part in _hand_down(city_part, districts):
                        if district_part.organization.code == "36010100" and number == "2":
                            # 城东区 hands its talks to every grassroots organisation below it
                            branches = Organization.objects.filter(path__startswith=district_part.organization.path,
                                                                   level=Level.GRASSROOTS)
                            for branch_part in _hand_down(district_part, branches):
                                _add_progress(branch_part, rng, today)
                        else:
                            _add_progress(district_part, rng, today)
    for city in cities:
        name = city.name.removeprefix("共青团").removesuffix("委员会")
        city_plan = services.create_plan(by=SYSTEM, organization=city, year=year, title=f"{year}年共青团{name}委工作要点",
                                         status=PlanStatus.PUBLISHED)
        section = services.add_section(city_plan, by=SYSTEM, number="一", title="服务全市中心大局")
        point = services.add_point(section, by=SYSTEM, number="1", title="开展“青年文明号”创建",
                                   text="全市新创建青年文明号不少于20个。", deadline=datetime.date(year, 10, 31))
        target = services.add_target(point, by=SYSTEM, metric="新创建青年文明号", value=D(20), unit="个",
                                     deadline=datetime.date(year, 10, 31))
        root = Assignment.objects.get(target=target, parent=None)
        districts = Organization.objects.filter(path__startswith=city.path, level=Level.COUNTY)
        for part in _hand_down(root, districts):
            _add_progress(part, rng, today)
    rollups.rebuild()
    return {"plans": 1 + len(cities)}


def load_assessment(today=None):
    """青川市 scores its grassroots organisations with the ready scheme; last month computed and published (after
    the reports' demo, whose reports it scores)."""

