"""The demo organisation tree, departments and users (``manage.py load_demo``).

The tree goes in through the same importer that users' spreadsheets do, so running the demo
twice changes nothing. Names are made up; figures come from a seeded random generator.
"""
import random

from django.conf import settings
from django.contrib.auth import get_user_model

from core.spreadsheets import Table

from . import importers, services
from .choices import Kind, Level, Role, Sector
from .models import Organization
from .permissions import SYSTEM

User = get_user_model()

PROVINCE = ("36000000", "共青团江淮省委员会", "团省委")
CITIES = [
    ("青川市", ["城东区", "城西区", "高新区", "临河县"]),
    ("临江市", ["江南区", "江北区", "滨湖区", "云台县"]),
    ("东岭市", ["东城区", "岭南区", "开发区", "松山县"]),
]
STEMS = [
    "新华", "人民", "解放", "和平", "建设", "长江", "文昌", "北门", "花园", "光明", "红旗", "东风",
    "太平", "龙泉", "桃源", "白沙", "清水", "石桥", "柳林", "金山", "银湖", "青松", "凤凰", "朝阳",
    "启明", "望江", "枫林", "梅园", "杏花", "兴隆", "永安", "双河", "三元", "五里", "八里", "高桥",
]
COMPANIES = ["江淮电力", "青川机械", "临江港务", "东岭化工", "华兴纺织", "天成建设", "恒通物流", "新材科技"]
DEPARTMENTS_MAJOR = ["办公室", "组织部", "宣传部", "学校部", "青年发展部", "社会联络部"]
DEPARTMENTS_COUNTY = ["办公室", "组织部", "宣传部"]
BRANCHES_PER_TOWNSHIP = 8

DEMO_USERS = [
    ("demo_admin", "王建国", Role.ADMIN, "province"),
    ("demo_staff", "李晓燕", Role.STAFF, "city"),
    ("demo_reporter", "陈思远", Role.REPORTER, "branch"),
    ("demo_leader", "张卫东", Role.LEADER, "province"),
    ("demo_assessor", "刘佳", Role.ASSESSOR, "city"),
]


def tree_rows():
    """The demo tree in the import format (values rather than labels; both are accepted)."""
    rng = random.Random(2024)
    stems = iter(STEMS * 4)
    rows = [(PROVINCE[0], PROVINCE[1], "", Level.PROVINCE, Kind.COMMITTEE, Sector.AGENCY, 12, 0)]
    for ci, (city, districts) in enumerate(CITIES, start=1):
        city_code = f"36{ci:02d}0000"
        rows.append((city_code, f"共青团{city}委员会", PROVINCE[0], Level.CITY, Kind.COMMITTEE, Sector.AGENCY, 9, 0))
        for di, district in enumerate(districts, start=1):
            district_code = f"36{ci:02d}{di:02d}00"
            kind = Kind.WORKING_COMMITTEE if district.endswith("开发区") or district.startswith("高新") else Kind.COMMITTEE
            rows.append((district_code, f"共青团{city}{district}委员会", city_code, Level.COUNTY, kind, Sector.AGENCY, 6, 0))
            school = f"{district_code}90"
            members = rng.randint(300, 900)
            rows.append((school, f"{city}{district}第一中学团委", district_code, Level.GRASSROOTS, Kind.GENERAL_BRANCH,
                         Sector.SCHOOL, members, members + rng.randint(50, 200)))
            rural = district.endswith("县")
            for ti in range(1, 4):
                stem = next(stems)
                township = f"{stem}{'镇' if rural else '街道'}"
                township_code = f"{district_code}{ti:02d}"
                rows.append((township_code, f"共青团{district}{township}{'委员会' if rural else '工作委员会'}",
                             district_code, Level.TOWNSHIP, Kind.COMMITTEE if rural else Kind.WORKING_COMMITTEE,
                             Sector.RURAL if rural else Sector.COMMUNITY, 3, 0))
                for bi in range(1, BRANCHES_PER_TOWNSHIP + 1):
                    code = f"{township_code}{bi:03d}"
                    if bi == 1:
                        name, sector = f"{stem}中心学校团支部", Sector.SCHOOL
                    elif bi == 2:
                        name, sector = f"{COMPANIES[(ci + di + ti) % len(COMPANIES)]}{stem}分公司团支部", Sector.ENTERPRISE
                    elif bi == 3:
                        name, sector = f"{township}机关团支部", Sector.AGENCY
                    elif rural:
                        name, sector = f"{stem}{'东西南北中上下前'[bi - 4]}村团支部", Sector.RURAL
                    else:
                        name, sector = f"{stem}{'东西南北中上下前'[bi - 4]}社区团支部", Sector.COMMUNITY
                    members = rng.randint(6, 60)
                    rows.append((code, name, township_code, Level.GRASSROOTS, Kind.BRANCH, sector, members,
                                 members * rng.randint(2, 5)))
    return rows


def load_tree():
    headers = [header for _field, header in importers.COLUMNS]
    table = Table(headers=headers, rows=[(i, dict(zip(headers, row))) for i, row in enumerate(tree_rows(), start=2)])
    plan = importers.plan_import(table, by=SYSTEM)
    if not plan.is_valid:  # the demo rows are ours: an error here is a bug
        raise RuntimeError(f"demo tree is invalid: {plan.errors[:5]}")
    return importers.apply_import(plan, by=SYSTEM)


def load_departments():
    created = 0
    for org in Organization.objects.filter(level__in=[Level.PROVINCE, Level.CITY, Level.COUNTY]).prefetch_related("departments"):
        names = DEPARTMENTS_COUNTY if org.level == Level.COUNTY else DEPARTMENTS_MAJOR
        existing = {d.name for d in org.departments.all()}
        for order, name in enumerate(names):
            if name not in existing:
                services.add_department(org, by=SYSTEM, name=name, display_order=order)
                created += 1
    return created


def demo_organization(where):
    province = Organization.objects.get(code=PROVINCE[0])
    if where == "province":
        return province
    city = Organization.objects.get(code="36010000")
    if where == "city":
        return city
    return Organization.objects.get(code="3601010001001")  # a school branch in 青川市城东区


def load_users(password=None):
    password = password or settings.DEMO_PASSWORD
    users = []
    for username, full_name, role, where in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
        user.first_name = full_name
        user.set_password(password)
        user.save()
        services.assign_role(user, demo_organization(where), role, by=SYSTEM)
        users.append(user)
    return users


def load_demo(password=None):
    summary = load_tree()
    departments = load_departments()
    users = load_users(password)
    return {"tree": summary, "departments": departments, "users": [u.username for u in users]}
