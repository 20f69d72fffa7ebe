"""A whole province of generated data for benchmarks and scale tests (``manage.py generate_scale_data``).

One seeded generator builds, on the configured database: the tree of a real province (cities, counties and
districts, townships and streets, schools and enterprises, branches with member counts, 智慧团建-like codes),
a provincial plan of sixteen sections handed down the tree, a year of progress entries, monthly reports,
registered volunteers with their service records, and an assessment scheme with a year of scores.

What is computed from the data is computed by the portal's own functions, never here: the stored roll-ups
(``plans.rollups.rebuild``), volunteers' hours, stars and statistics (``volunteers.services``), and every month's
scores (``assessment.compute.compute``, then ``assessment.services.publish``). Personal data goes through the
same setters the volunteer services use (``volunteers.services._set_id_number`` / ``_set_mobile``), so ID numbers
and mobiles are encrypted, hashed and masked exactly as the registry writes them.

The bulk rows are written by ``Sink``: PostgreSQL COPY in batches of 50,000, or batched inserts (executemany) on
other databases. Keys are allocated here (above the largest key in each table) so rows can point at one another
before they are written; the sequences are moved past them at the end. Everything happens in one transaction,
so a failed run leaves nothing behind.

Reproducible: the same tier, seed, year and as-of date give the same codes, names, figures and statuses (each
phase draws from its own ``random.Random`` seeded with the seed and the phase's name). Only encrypted tokens
differ (Fernet's random IV), and timestamps of the run itself (``rolled_up_at``, ``computed_at``).
"""
import bisect
import datetime
import io
import itertools
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from assessment import compute as assessment_compute
from assessment import services as assessment_services
from assessment.choices import AdjustmentKind, RuleKind
from assessment.models import Adjustment, AssessmentRun, ManualPoints
from core import months as month_tools
from orgs.choices import Kind, Level, Role, Sector
from orgs.models import Department, Organization, RoleAssignment
from orgs.permissions import SYSTEM
from plans import rollups
from plans.choices import Aggregation, Comparator, PlanStatus, PointStatus, ProgressRule
from plans.models import Assignment, Milestone, Plan, ProgressEntry, Section, Target, WorkPoint
from plans.services import split_by_weights
from reports import services as report_services
from reports.choices import ReportStatus
from reports.models import MonthlyReport, ReportingRule
from volunteers import services as volunteer_services
from volunteers.choices import (
    ActivityCategory,
    ActivityStatus,
    Gender,
    IdType,
    Platform,
    PoliticalStatus,
    RecordSource,
    RecordStatus,
    VolunteerStatus,
)
from volunteers.idnumbers import PROVINCES, check_character
from volunteers.models import Activity, ServiceDay, ServiceRecord, Volunteer, VolunteerStatistic

D = Decimal
BATCH = 50_000


# --- tiers ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    """The shape of a generated province: ranges are drawn per parent (inclusive)."""

    cities: int
    counties: tuple  # per city
    townships: tuple  # per county
    branches: tuple  # per township
    general_share: float  # share of townships with an enterprise 团总支 …
    general_branches: tuple  # … and its branches
    schools: tuple  # per county (a school 团委 at grassroots level) …
    classes: tuple  # … and its class branches
    volunteers: int
    records: int


TIERS = {
    # a few seconds on SQLite: the test suite's size
    "XS": Tier(2, (2, 2), (2, 3), (3, 5), 0.5, (2, 3), (1, 1), (2, 3), volunteers=400, records=2_000),
    # about 1,000 organisations
    "S": Tier(4, (3, 5), (3, 5), (8, 12), 0.5, (2, 4), (2, 3), (3, 6), volunteers=8_000, records=60_000),
    # about 12,000 organisations, 120,000 volunteers, a million service records
    "M": Tier(16, (5, 9), (6, 12), (5, 9), 0.5, (2, 4), (2, 4), (3, 6), volunteers=120_000, records=1_000_000),
    # about 60,000 organisations, 600,000 volunteers, five million service records, ~700,000 reports a full year
    "L": Tier(16, (8, 12), (10, 16), (16, 22), 1.0, (3, 6), (4, 8), (4, 8), volunteers=600_000, records=5_000_000),
}


# --- names ----------------------------------------------------------------------------------------------------

PLACE = list("安宁平江川山河湖阳城泉林松云华兴隆昌盛丰和德清明东西南新金玉石龙凤桃柳梅兰竹溪岭峰源水田庄坪桥湾沙洲台岗"
             "永乐长寿福禄吉祥瑞嘉庆太白青黄丹碧汉襄宜荆沅湘潭衡邵岳常益娄资郴怀")
STEMS = ["新华", "人民", "解放", "和平", "建设", "长江", "文昌", "北门", "花园", "光明", "红旗", "东风", "太平",
         "龙泉", "桃源", "白沙", "清水", "石桥", "柳林", "金山", "银湖", "青松", "凤凰", "朝阳", "启明", "望江",
         "枫林", "梅园", "杏花", "兴隆", "永安", "双河", "三元", "五里", "八里", "高桥", "马鞍", "黄土", "莲塘",
         "新塘", "古城", "仁和", "长岭", "大坪", "下湾", "上庄", "中和", "西湖", "东湖", "南山", "北山", "万福"]
INDUSTRIES = ["电力", "机械", "港务", "化工", "纺织", "建设", "物流", "科技", "食品", "医药", "汽车", "电子", "能源",
              "水务", "交通", "烟草", "银行", "保险", "通信", "建材"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建文斌宇浩凯思佳欣雨晨阳子涵一诺梓轩")
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六"]
DEPARTMENTS_MAJOR = ["办公室", "组织部", "宣传部", "学校部", "青年发展部", "社会联络部"]
DEPARTMENTS_COUNTY = ["办公室", "组织部", "宣传部"]

# The provincial plan: 16 sections of work points. A target is (metric, unit, kind, amount, reach, comparator):
# kind "count" sums up the tree (amount: per 100 league members of the whole province, or per organisation with
# "per_org"), "rate" is a percentage every organisation holds (amount: the percent); reach says how far down it
# is handed: city, county, township (the children of a county) or grassroots (every organisation).
C, R = "count", "rate"
PLAN = [
    ("强化青年思想政治引领", "宣传部", [
        ("深化“青年大学习”行动", True, [("青年大学习参学率", "%", R, 80, "grassroots", "gte")]),
        ("开展“青春心向党”主题宣讲", False, [("主题宣讲", "场", C, 2, "township", "gte")]),
        ("推进新时代青年理论学习小组建设", False, []),
    ]),
    ("加强网络新媒体阵地建设", "宣传部", [
        ("壮大网络宣传员队伍", False, [("网络宣传员", "名", C, 5, "county", "gte")]),
        ("打造优质网络文化产品", False, [("原创网络作品", "件", C, 0.5, "city", "gte")]),
        ("健全网络舆情引导机制", False, []),
    ]),
    ("从严抓好团员发展和教育管理", "组织部", [
        ("严格规范团员发展", True, [("发展新团员", "名", C, 3, "grassroots", "gte")]),
        ("开展团员教育评议", False, [("团员教育评议覆盖率", "%", R, 95, "township", "gte")]),
        ("规范团员组织关系转接", False, [("团员组织关系转接及时率", "%", R, 90, "county", "gte")]),
    ]),
    ("全面推行“三会两制一课”", "组织部", [
        ("落实主题团日制度", True, [("主题团日活动", "次", C, 40, "grassroots", "gte")]),
        ("规范团课制度", False, [("团课", "次", C, 40, "grassroots", "gte")]),
        ("开展基层团组织对标定级", False, []),
    ]),
    ("加强团费收缴管理", "组织部", [
        ("按时足额收缴团费", False, [("团费收缴率", "%", R, 95, "grassroots", "gte")]),
        ("控制团员流失", False, [("团员流失率", "%", R, 5, "county", "lte")]),
    ]),
    ("深化基层团组织改革", "组织部", [
        ("推进乡镇团委“1+2+N”改革", True, [("完成改革的乡镇团委", "个", C, 0.3, "county", "gte")]),
        ("扩大新兴领域团的组织覆盖", False, [("新建“两新”组织团组织", "个", C, 0.4, "township", "gte")]),
        ("整顿软弱涣散基层团组织", False, []),
    ]),
    ("服务青少年成长发展", "青年发展部", [
        ("建设青年之家综合服务平台", True, [("新建青年之家", "个", C, 0.2, "county", "gte")]),
        ("开展青年就业见习", False, [("提供就业见习岗位", "个", C, 6, "township", "gte")]),
        ("实施青年人才储备计划", False, [("引进储备青年人才", "名", C, 3, "city", "gte")]),
    ]),
    ("深化青年志愿服务", "社会联络部", [
        ("壮大注册志愿者队伍", True, [("新增注册志愿者", "名", C, 15, "county", "gte")]),
        ("开展志愿服务活动", False, [("志愿服务时长", "小时", C, 500, "grassroots", "gte")]),
        ("培育志愿服务品牌项目", False, [("志愿服务品牌项目", "个", C, 0.2, "city", "gte")]),
    ]),
    ("助力乡村振兴", "青年发展部", [
        ("实施“青耘中国”行动", False, [("返乡创业青年", "名", C, 2, "township", "gte")]),
        ("开展“三下乡”社会实践", False, [("社会实践团队", "支", C, 0.8, "county", "gte")]),
        ("培育农村青年致富带头人", False, []),
    ]),
    ("推进学校共青团改革", "学校部", [
        ("加强中学团组织建设", True, [("中学团员占比达标学校", "所", C, 0.3, "county", "gte")]),
        ("开展少先队辅导员培训", False, [("培训少先队辅导员", "人次", C, 4, "county", "gte")]),
        ("深化团教协作机制", False, []),
    ]),
    ("维护青少年合法权益", "社会联络部", [
        ("开展青少年法治宣传教育", False, [("法治宣传活动", "场", C, 1.5, "township", "gte")]),
        ("建设青少年心理健康服务站", False, [("心理健康服务站", "个", C, 0.1, "city", "gte")]),
        ("做好12355青少年服务台工作", False, [("12355来电办结率", "%", R, 98, "city", "gte")]),
    ]),
    ("加强青年统战和联谊工作", "社会联络部", [
        ("联系新兴青年群体", False, [("联系新兴青年群体代表", "名", C, 2, "county", "gte")]),
        ("开展港澳台青年交流", False, [("交流活动", "场", C, 0.1, "city", "gte")]),
    ]),
    ("服务全省中心大局", "办公室", [
        ("开展“青年文明号”创建", True, [("新创建青年文明号", "个", C, 0.5, "county", "gte")]),
        ("组织青年突击队", False, [("组建青年突击队", "支", C, 0.6, "township", "gte")]),
        ("参与基层社会治理", False, []),
    ]),
    ("加强团干部队伍建设", "组织部", [
        ("开展团干部教育培训", True, [("培训团干部", "人次", C, 8, "county", "gte")]),
        ("落实团干部联系青年制度", False, [("团干部直接联系青年", "名", C, 30, "township", "gte")]),
        ("规范兼职团干部配备", False, []),
    ]),
    ("推进全面从严治团", "办公室", [
        ("落实意识形态工作责任制", False, []),
        ("开展团内督查检查", False, [("督查检查", "次", C, 0.3, "county", "gte")]),
        ("加强团属阵地管理", False, [("团属阵地规范化率", "%", R, 90, "city", "gte")]),
    ]),
    ("提升机关建设水平", "办公室", [
        ("深化“青年之声”互动平台", False, [("“青年之声”问题办结率", "%", R, 95, "city", "gte")]),
        ("推进智慧团建系统应用", True, [("智慧团建数据完整率", "%", R, 98, "grassroots", "gte")]),
        ("加强机关作风建设", False, []),
    ]),
]
PACES = [D("1.3"), D("1.12"), D("1.05"), D("1.0"), D("1.0"), D("0.97"), D("0.93"), D("0.85"), D("0.7"), D("0.5")]
WORK_DONE = ["按时召开支委会，开展主题团日活动。", "组织团员参加青年大学习，完成团费收缴。", "开展志愿服务进社区活动。",
             "召开团员大会，学习团章。", "组织团员开展政治理论学习。", "开展“学雷锋”志愿服务。"]
PROBLEMS = ["团员流动性较大。", "活动经费不足。", "部分团员参学不及时。", "", "青年参与积极性有待提高。"]
NEXT_PLAN = ["组织团员参加志愿服务。", "开展主题团日活动。", "做好团员发展工作。", "召开专题组织生活会。"]
COMMENTS = ["日常工作扎实", "按要求完成各项工作", "工作有创新", "材料报送及时", "工作较被动"]


def _local(day: datetime.date, hour=9, minute=0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# --- writing rows ---------------------------------------------------------------------------------------------


def copy_from(raw_cursor, sql, buffer):
    """COPY … FROM STDIN of a text buffer with either driver: psycopg 3's ``cursor.copy()`` or psycopg2's
    ``copy_expert``."""
    if hasattr(raw_cursor, "copy_expert"):
        raw_cursor.copy_expert(sql, buffer)
        return
    with raw_cursor.copy(sql) as copy:
        while block := buffer.read(1 << 20):
            copy.write(block)


def _copy_text(value) -> str:
    """One value in PostgreSQL COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, dict | list):
        return _copy_text(json.dumps(value, ensure_ascii=False))
    if isinstance(value, datetime.date):  # dates and aware datetimes
        return value.isoformat()
    return str(value)


class Sink:
    """Rows of one model, written in batches: COPY on PostgreSQL, executemany elsewhere.

    ``columns`` are the attnames the caller gives (the key first); every other concrete field takes its default
    (a callable default is called per row), ``now`` for auto_now fields, or NULL. Values are written as given:
    an explicit ``created_at`` is kept, unlike with bulk_create.
    """

    def __init__(self, model, columns, *, now):
        self.model, self.rows, self.count = model, [], 0
        fields = model._meta.concrete_fields
        given = {name: i for i, name in enumerate(columns)}
        unknown = set(columns) - {f.attname for f in fields}
        if unknown:
            raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
        self.fields = fields
        self.plan = []  # per field: ("given", index) | ("call", field) | ("const", value)
        for f in fields:
            if f.attname in given:
                self.plan.append(("given", given[f.attname]))
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.plan.append(("const", now))
            elif f.has_default() and callable(f.default):
                self.plan.append(("call", f))
            else:
                self.plan.append(("const", f.get_default()))

    def add(self, *values):
        row = []
        for how, what in self.plan:
            row.append(values[what] if how == "given" else what.get_default() if how == "call" else what)
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self):
        if not self.rows:
            return
        table = self.model._meta.db_table
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                buffer.writelines("\t".join(_copy_text(v) for v in row) + "\n" for row in self.rows)
                buffer.seek(0)
                copy_from(cursor.cursor, f"COPY {quote(table)} ({columns}) FROM STDIN", buffer)
            else:
                prepared = [[f.get_db_prep_save(v, connection) for f, v in zip(self.fields, row)] for row in self.rows]
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})", prepared)
        self.count += len(self.rows)
        self.rows = []


class Keys:
    """Primary keys handed out before rows are written: above the largest stored key of each table."""

    def __init__(self):
        self.next = {}

    def take(self, model, count=1) -> int:
        """The first of ``count`` fresh keys of ``model``."""
        if model not in self.next:
            self.next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        first = self.next[model]
        self.next[model] += count
        return first

    def reset_sequences(self):
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.next))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --- the tree -------------------------------------------------------------------------------------------------


@dataclass
class Node:
    pk: int
    path: str
    depth: int
    code: str
    name: str
    level: str
    kind: str
    sector: str
    members: int
    youth: int
    parent: "Node | None"
    order: int
    region: str  # the six digits of the county it lies in, for ID numbers
    children: list = field(default_factory=list)
    subtree_members: int = 0
    reports: bool = False  # grassroots: reports monthly, is assessed, keeps volunteers


@dataclass
class Report:
    """What a run produced: per phase its seconds and rows, and the ids the tests and benchmarks need."""

    tier: str
    seed: int
    year: int
    as_of: datetime.date
    phases: list = field(default_factory=list)  # (name, seconds, {what: rows})
    province_id: int | None = None
    plan_id: int | None = None
    scheme_id: int | None = None
    city_id: int | None = None
    branch_id: int | None = None
    users: dict = field(default_factory=dict)

    @property
    def seconds(self):
        return sum(s for _n, s, _r in self.phases)


class Generator:
    """Builds one province; ``run()`` does every phase in one transaction."""

    def __init__(self, tier="S", *, seed=1, year=None, as_of=None, province="43", password=None, out=print):
        if tier not in TIERS:
            raise ValueError(f"unknown tier {tier!r}: one of {', '.join(TIERS)}")
        if province not in PROVINCES or province == "71":
            raise ValueError("the province number must be a GB/T 2260 province (e.g. 43)")
        self.tier_name, self.tier = tier, TIERS[tier]
        self.seed, self.province_number, self.password, self.out = seed, province, password, out
        self.as_of = as_of or timezone.localdate()
        self.year = year or self.as_of.year
        if datetime.date(self.year, 1, 1) > self.as_of:
            raise ValueError("the year has not begun on the as-of date")
        self.as_of = min(self.as_of, datetime.date(self.year, 12, 31))
        # months with data: those begun by the as-of date; reports and scores: those whose report fell due
        self.months = [datetime.date(self.year, m, 1) for m in range(1, self.as_of.month + 1)]
        self.due_months = [m for m in self.months if month_tools.due_date(m) <= self.as_of]
        self.now = timezone.now()
        self.keys = Keys()
        self.report = Report(tier, seed, self.year, self.as_of)

    def rng(self, phase):
        return random.Random(f"{self.seed}:{self.tier_name}:{self.year}:{phase}")

    def sink(self, model, columns):
        return Sink(model, columns, now=self.now)

    # -- timing

    def phase(self, name, func):
        started = time.perf_counter()
        rows = func() or {}
        seconds = time.perf_counter() - started
        self.report.phases.append((name, seconds, rows))
        counts = ", ".join(f"{n:,} {what}" for what, n in rows.items())
        self.out(f"{name}: {seconds:.1f} s" + (f" — {counts}" if counts else ""))

    def run(self) -> Report:
        with transaction.atomic():
            self.phase("tree", self.build_tree)
            self.phase("users", self.build_users)
            self.phase("plan and decomposition", self.build_plan)
            self.phase("progress entries", self.build_progress)
            self.phase("monthly reports", self.build_reports)
            self.phase("volunteers and service records", self.build_volunteers)
            self.phase("sequences and planner statistics", self.reset_sequences)
            self.phase("roll-ups (plans.rollups.rebuild)", self.rebuild_rollups)
            self.phase("volunteer hours, stars and statistics", self.rebuild_volunteers)
            self.phase("assessment (compute and publish each month)", self.build_assessment)
        if connection.vendor == "postgresql":
            self.phase("analyze", self.analyze)
        self.out(f"total: {self.report.seconds:.1f} s")
        return self.report

    # -- phases

    def build_tree(self):
        rng, tier = self.rng("tree"), self.tier
        used_names = set()

        def place(suffix, length=2):
            while True:
                name = "".join(rng.choice(PLACE) for _ in range(length)) + suffix
                if name not in used_names:
                    used_names.add(name)
                    return name

        last_root = Organization.objects.get_last_root_node()
        root_step = (Organization._str2int(last_root.path) + 1) if last_root else 1
        first_pk = self.keys.take(Organization, 0)
        nodes = []

        def add(parent, code, name, level, kind, sector, members, youth=0, region=""):
            order = len(parent.children) + 1 if parent else root_step
            path = Organization._get_path(parent.path if parent else None, (parent.depth + 1) if parent else 1, order)
            node = Node(first_pk + len(nodes), path, parent.depth + 1 if parent else 1, code, name, level, kind, sector,
                        members, youth, parent, order, region or (parent.region if parent else ""))
            if parent:
                parent.children.append(node)
            nodes.append(node)
            return node

        p = self.province_number
        province_name = place("省")
        self.province_short = province_name
        province = add(None, f"{p}000000", f"共青团{province_name}委员会", Level.PROVINCE, Kind.COMMITTEE, Sector.AGENCY, 25)
        for ci in range(1, tier.cities + 1):
            city_name = place("市")
            city = add(province, f"{p}{ci:02d}0000", f"共青团{city_name}委员会", Level.CITY, Kind.COMMITTEE, Sector.AGENCY,
                       rng.randint(12, 20))
            counties = rng.randint(*tier.counties)
            for ki in range(1, counties + 1):
                urban = ki <= max(1, counties // 3)
                zone = ki == counties and counties >= 4  # the last of a bigger city: a development zone
                county_name = place("经济开发区" if zone else "区" if urban else "县")
                county_code = f"{p}{ci:02d}{ki:02d}00"
                county = add(city, county_code, f"共青团{city_name}{county_name}{'工作委员会' if zone else '委员会'}",
                             Level.COUNTY, Kind.WORKING_COMMITTEE if zone else Kind.COMMITTEE, Sector.AGENCY,
                             rng.randint(5, 10), region=county_code[:6])
                for si in range(1, rng.randint(*tier.schools) + 1):
                    school_name = (f"{county_name}第{NUMERALS[si - 1]}中学" if si <= 3
                                   else f"{county_name}{'职业技术学校' if si == 4 else f'第{NUMERALS[si - 1]}中学'}")
                    school = add(county, f"{county_code[:6]}9{si:02d}", f"{school_name}团委", Level.GRASSROOTS,
                                 Kind.GENERAL_BRANCH, Sector.SCHOOL, rng.randint(3, 8))
                    for bi in range(1, rng.randint(*tier.classes) + 1):
                        grade = "高一高二高三"[(bi - 1) % 3 * 2:(bi - 1) % 3 * 2 + 2]
                        members = rng.randint(15, 45)
                        add(school, f"{school.code}{bi:03d}", f"{school_name}{grade}（{(bi - 1) // 3 + 1}）班团支部",
                            Level.GRASSROOTS, Kind.BRANCH, Sector.SCHOOL, members, members + rng.randint(0, 10))
                for ti in range(1, rng.randint(*tier.townships) + 1):
                    stem = rng.choice(STEMS)
                    town = f"{stem}{'街道' if urban or zone else rng.choice(['镇', '镇', '乡'])}"
                    street = town.endswith("街道")
                    township = add(county, f"{county_code[:6]}{ti:02d}", f"共青团{county_name}{town}{'工作委员会' if street else '委员会'}",
                                   Level.TOWNSHIP, Kind.WORKING_COMMITTEE if street else Kind.COMMITTEE,
                                   Sector.COMMUNITY if street else Sector.RURAL, rng.randint(2, 5))
                    for bi in range(1, rng.randint(*tier.branches) + 1):
                        code = f"{township.code}{bi:03d}"
                        roll = rng.random()
                        if bi == 1:
                            name, sector = f"{stem}中心学校团支部", Sector.SCHOOL
                        elif bi == 2:
                            name, sector = f"{town}机关团支部", Sector.AGENCY
                        elif roll < 0.2:
                            company = "".join(rng.choice(PLACE) for _ in range(2)) + rng.choice(INDUSTRIES)
                            name, sector = f"{company}有限公司团支部", Sector.ENTERPRISE
                        elif roll < 0.27:
                            name, sector = f"{stem}{rng.choice(['青年志愿者协会', '青年创业协会', '新就业群体'])}团支部", Sector.SOCIAL
                        else:
                            word = "社区" if street else "村"
                            name, sector = f"{rng.choice(PLACE)}{rng.choice(PLACE)}{word}团支部", (Sector.COMMUNITY if street else Sector.RURAL)
                        members = rng.randint(5, 60)
                        add(township, code, name, Level.GRASSROOTS, Kind.BRANCH, sector, members, members * rng.randint(2, 5))
                    if rng.random() < tier.general_share:
                        company = "".join(rng.choice(PLACE) for _ in range(2)) + rng.choice(INDUSTRIES)
                        general = add(township, f"{township.code}801", f"{company}集团有限公司团总支", Level.GRASSROOTS,
                                      Kind.GENERAL_BRANCH, Sector.ENTERPRISE, rng.randint(2, 6))
                        for bi, part in enumerate(["生产", "技术", "营销", "综合", "后勤", "质检"][:rng.randint(*tier.general_branches)], 1):
                            members = rng.randint(8, 40)
                            add(general, f"{general.code}{bi:02d}", f"{company}{part}部团支部", Level.GRASSROOTS, Kind.BRANCH,
                                Sector.ENTERPRISE, members, members * rng.randint(1, 3))
        for node in reversed(nodes):  # children come after their parent
            node.subtree_members = node.members + sum(c.subtree_members for c in node.children)
            node.reports = node.level == Level.GRASSROOTS
        self.keys.take(Organization, len(nodes))
        created = _local(datetime.date(self.year - 1, 1, 1))
        orgs = self.sink(Organization, ["id", "path", "depth", "numchild", "name", "code", "level", "kind", "sector",
                                        "member_count", "youth_count", "display_order", "created_at"])
        for n in nodes:
            orgs.add(n.pk, n.path, n.depth, len(n.children), n.name, n.code, n.level, n.kind, n.sector, n.members,
                     n.youth, n.order, created)
        orgs.flush()
        departments = self.sink(Department, ["id", "organization_id", "name", "display_order"])
        self.departments = {}
        for n in nodes:
            if n.level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
                names = DEPARTMENTS_COUNTY if n.level == Level.COUNTY else DEPARTMENTS_MAJOR
                for order, name in enumerate(names):
                    pk = self.keys.take(Department)
                    departments.add(pk, n.pk, name, order)
                    if n is province:
                        self.departments[name] = pk
        departments.flush()
        self.nodes, self.province = nodes, province
        self.grassroots = [n for n in nodes if n.reports]
        self.report.province_id = province.pk
        return {"organisations": len(nodes), "grassroots organisations": len(self.grassroots),
                "departments": departments.count}

    def build_users(self):
        """A user per role the benchmarks and tests look through; no password unless one is given."""
        User = get_user_model()
        province = self.province
        city = province.children[0]
        county = city.children[0]
        township = next(c for c in county.children if c.level == Level.TOWNSHIP)
        branch = next(c for c in township.children if c.kind == Kind.BRANCH)
        prefix = f"scale{self.province_number}"
        holders = [("leader", Role.LEADER, province), ("admin", Role.ADMIN, province), ("staff", Role.STAFF, province),
                   ("assessor", Role.ASSESSOR, province), ("city_leader", Role.LEADER, city),
                   ("county_staff", Role.STAFF, county), ("reporter", Role.REPORTER, branch)]
        for key, role, node in holders:
            user = User(username=f"{prefix}_{key}")
            if self.password:
                user.set_password(self.password)
            else:
                user.set_unusable_password()
            user.save()
            RoleAssignment.objects.create(user=user, organization_id=node.pk, role=role)
            self.report.users[key] = user.pk
        self.report.city_id, self.report.branch_id = city.pk, branch.pk
        return {"users": len(holders)}

    def build_plan(self):
        """The provincial plan; every target handed down as far as its reach, split by subtree members."""
        rng = self.rng("plan")
        province, year = self.province, self.year
        plan = Plan.objects.create(organization_id=province.pk, year=year, title=f"{year}年共青团{self.province_short}委工作要点",
                                   status=PlanStatus.PUBLISHED)
        self.report.plan_id = plan.pk
        total_members = province.subtree_members
        assignments = self.sink(Assignment, ["id", "plan_id", "point_id", "target_id", "organization_id", "parent_id",
                                             "assigned_value", "deadline"])
        self.leaves = []  # (assignment pk, node, target spec, assigned value, point pk)
        self.point_parts = []  # (assignment pk, node, point pk) of qualitative points handed to cities
        reach_depth = {"city": 2, "county": 3, "township": 4, "grassroots": 99}
        targets = points = 0
        for s_order, (title, department, point_specs) in enumerate(PLAN):
            section = Section.objects.create(plan=plan, number=NUMERALS[s_order], title=title, order=s_order)
            for p_order, (point_title, key, target_specs) in enumerate(point_specs):
                points += 1
                deadline = datetime.date(year, rng.choice([6, 9, 10, 11, 12, 12, 12]), 30 if rng.random() < 0.3 else 28)
                point = WorkPoint.objects.create(
                    section=section, number=str(points), title=point_title, order=p_order, is_key=key,
                    lead_department_id=self.departments.get(department), responsible_person=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    deadline=datetime.date(year, 12, 31), status=PointStatus.IN_PROGRESS)
                if not target_specs:  # qualitative: milestones, and a part for every city
                    for month, step in ((3, "制定实施方案"), (7, "开展中期督导"), (11, "总结验收")):
                        due = datetime.date(year, month, 28)
                        done = due - datetime.timedelta(days=rng.randint(0, 20)) if due < self.as_of and rng.random() < 0.7 else None
                        Milestone.objects.create(point=point, title=step, due_on=due, done_on=done)
                    root = self.keys.take(Assignment)
                    assignments.add(root, plan.pk, point.pk, None, province.pk, None, None, point.deadline)
                    for city in province.children:
                        pk = self.keys.take(Assignment)
                        assignments.add(pk, plan.pk, point.pk, None, city.pk, root, None, point.deadline)
                        self.point_parts.append((pk, city, point.pk))
                    continue
                for t_order, (metric, unit, kind, amount, reach, comparator) in enumerate(target_specs):
                    targets += 1
                    count = kind == C
                    value = D(max(round(total_members * amount / 100), 1)) if count else D(amount)
                    target_deadline = deadline if rng.random() < 0.25 else None
                    target = Target.objects.create(
                        point=point, metric=metric, value=value, unit=unit, comparator=comparator, order=t_order,
                        deadline=target_deadline, aggregation=Aggregation.SUM if count else Aggregation.AVERAGE,
                        progress_rule=ProgressRule.CUMULATIVE if count else ProgressRule.LEVEL)
                    spec = SimpleNamespace(count=count, comparator=comparator, rule=target.progress_rule,
                                           start=datetime.date(year, 1, 1), end=target_deadline or datetime.date(year, 12, 31))
                    task = SimpleNamespace(plan=plan.pk, point=point.pk, target=target.pk, deadline=target_deadline,
                                           depth=reach_depth[reach], spec=spec)
                    self._hand_down(assignments, task, province, None, value)
        assignments.flush()
        return {"sections": len(PLAN), "work points": points, "targets": targets, "assignments": assignments.count}

    def _hand_down(self, sink, task, node, parent_pk, value):
        """The assignment of ``node`` and, below it down to the target's reach, its children's parts: summed
        targets split by subtree members (the decomposition page's 按团员数 split), levels copied."""
        pk = self.keys.take(Assignment)
        sink.add(pk, task.plan, task.point, task.target, node.pk, parent_pk, value, task.deadline)
        below = [c for c in node.children if c.depth <= task.depth]
        if not below:
            self.leaves.append((pk, node, task.spec, value, task.point))
            return
        parts = split_by_weights(value, [c.subtree_members for c in below]) if task.spec.count else [value] * len(below)
        for child, part in zip(below, parts):
            self._hand_down(sink, task, child, pk, part)

    def build_progress(self):
        """Cumulative figures at the end of each month (or the as-of day) where a target ends in the tree; an
        organisation keeps its pace through the year, some skip months, a few never report."""
        rng = self.rng("progress")
        pace = {n.pk: rng.choice(PACES) if rng.random() > 0.06 else None for n in self.nodes}
        days = [min(month_tools.month_end(m), self.as_of) for m in self.months]
        entries = self.sink(ProgressEntry, ["id", "assignment_id", "point_id", "reported_on", "value", "status", "note",
                                            "entered_at"])
        first = self.keys.take(ProgressEntry, 0)
        pk = first
        for assignment, node, spec, assigned, point in self.leaves:
            speed = pace[node.pk]
            if speed is None or assigned is None:
                continue
            last = D(0)
            for day in days:
                if rng.random() < 0.15:  # a month without an entry
                    continue
                if spec.count:
                    share = rollups.elapsed_share(spec.start, spec.end, day)
                    figure = max((assigned * speed * share * D(rng.uniform(0.92, 1.08))).quantize(D(1)), last)
                    last = figure
                elif spec.comparator == Comparator.AT_MOST:
                    figure = (assigned * D(rng.uniform(0.5, 1.3)) / speed).quantize(D("0.1"))
                else:
                    figure = min(assigned * speed * D(rng.uniform(0.95, 1.05)), D(100)).quantize(D("0.1"))
                entries.add(pk, assignment, point, day, figure, "", "月度进度", _local(day, 18))
                pk += 1
        for assignment, city, point in self.point_parts:
            for day in days[2::3]:  # a status every quarter
                status = PointStatus.DONE if day.month >= 10 and rng.random() < 0.4 else PointStatus.IN_PROGRESS
                entries.add(pk, assignment, point, day, None, status, "季度进展", _local(day, 18))
                pk += 1
        entries.flush()
        self.keys.take(ProgressEntry, pk - first)
        return {"progress entries": entries.count}

    def build_reports(self):
        """The province's rule (every grassroots organisation by the 5th) and default fields; a report per grassroots
        organisation and month: mostly approved, some late, returned or waiting, some missing; drafts this month."""
        rng = self.rng("reports")
        province = Organization.objects.get(pk=self.province.pk)
        report_services.save_rule(ReportingRule(organization=province, levels=[Level.GRASSROOTS], due_day=5,
                                                since=datetime.date(self.year, 1, 1)), by=SYSTEM)
        report_services.install_default_fields(province, by=SYSTEM)
        reviewer = self.report.users["staff"]
        reports = self.sink(MonthlyReport, ["id", "organization_id", "month", "status", "values", "work_done", "problems",
                                            "next_plan", "due_on", "submitted_at", "days_late", "reviewed_by_id",
                                            "reviewed_at", "return_reason", "created_at", "updated_at"])
        habit = {n.pk: rng.choices(["good", "fair", "poor"], [70, 22, 8])[0] for n in self.grassroots}
        missing = {"good": 0.01, "fair": 0.05, "poor": 0.25}
        late = {"good": 0.03, "fair": 0.15, "poor": 0.4}
        newest_due = self.due_months[-1] if self.due_months else None
        counts = defaultdict(int)
        for month in self.months:
            due_on = month_tools.due_date(month)
            is_due = due_on <= self.as_of
            for node in self.grassroots:
                kind = habit[node.pk]
                roll = rng.random()
                if not is_due:  # under way: some drafts
                    if roll < 0.3:
                        status = ReportStatus.DRAFT
                    else:
                        continue
                elif roll < missing[kind]:
                    counts["missing"] += 1
                    continue
                elif month == newest_due:
                    status = rng.choices([ReportStatus.APPROVED, ReportStatus.SUBMITTED, ReportStatus.RETURNED,
                                          ReportStatus.DRAFT], [55, 38, 5, 2])[0]
                else:
                    status = rng.choices([ReportStatus.APPROVED, ReportStatus.SUBMITTED, ReportStatus.RETURNED], [93, 5, 2])[0]
                members = max(node.members, 1)
                values = {
                    "general_meetings": int(month.month % 3 == 0 or rng.random() < 0.2), "committee_meetings": int(rng.random() < 0.9),
                    "group_meetings": rng.randint(0, 4), "league_lessons": rng.choice([0, 1, 1, 2, 2, 3]),
                    "theme_days": rng.choice([0, 1, 1, 1, 2]), "new_members": rng.choice([0, 0, 0, 1, 2]),
                    "dues_collected": f"{members * D('0.2') * rng.choice([1, 1, 1, 0]):.1f}",
                    "study_rate": f"{rng.uniform(55, 110):.1f}", "volunteer_activities": rng.randint(0, 3),
                    "volunteer_hours": f"{rng.randint(0, members * 3)}", "activities": rng.randint(0, 3),
                }
                submitted_at = reviewed_at = reviewed_by = None
                days_late = 0
                if status != ReportStatus.DRAFT:
                    if rng.random() < late[kind]:
                        days_late = min(rng.randint(1, 12), (self.as_of - due_on).days)
                    day = due_on + datetime.timedelta(days=days_late if days_late else -rng.randint(0, 6))
                    submitted_at = _local(day, rng.randint(8, 21), rng.randint(0, 59))
                    if status in (ReportStatus.APPROVED, ReportStatus.RETURNED):
                        reviewed_at = min(submitted_at + datetime.timedelta(days=rng.randint(1, 4)), _local(self.as_of, 8))
                        reviewed_at = max(reviewed_at, submitted_at)
                        reviewed_by = reviewer
                    if days_late:
                        counts["late"] += 1
                counts[status] += 1
                created = _local(due_on - datetime.timedelta(days=10))
                reports.add(self.keys.take(MonthlyReport), node.pk, month, status, values, rng.choice(WORK_DONE),
                            rng.choice(PROBLEMS), rng.choice(NEXT_PLAN), due_on, submitted_at, days_late, reviewed_by,
                            reviewed_at, "请补充活动照片。" if status == ReportStatus.RETURNED else "", created,
                            reviewed_at or submitted_at or created)
        reports.flush()
        return {"monthly reports": reports.count, **{f"{k}": v for k, v in sorted(counts.items())}}

    def build_volunteers(self):
        """Volunteers spread over grassroots organisations by members, with valid GB 11643 numbers; activities of
        the branches and counties; service records through the year (mostly confirmed) and their service days."""
        rng, tier, year = self.rng("volunteers"), self.tier, self.year
        start, end = datetime.date(year, 1, 1), self.as_of
        span = (end - start).days
        grassroots = self.grassroots
        cumulative = list(itertools.accumulate(n.members + 1 for n in grassroots))

        # activities: two to four per grassroots organisation, five per county, over parts of the year
        activities = self.sink(Activity, ["id", "organization_id", "title", "category", "place", "starts_at", "ends_at",
                                          "planned_hours", "status"])
        categories = list(ActivityCategory.values)
        own, of_county = defaultdict(list), defaultdict(list)

        def activity(node, title, bucket):
            first = start + datetime.timedelta(days=rng.randint(0, max(span - 1, 0)))
            last = min(first + datetime.timedelta(days=rng.choice([0, 0, 30, 60, 120, 200])), end)
            pk = self.keys.take(Activity)
            activities.add(pk, node.pk, title, rng.choice(categories), node.name.removeprefix("共青团")[:20], _local(first, 8),
                           _local(last, 18), D(rng.choice([2, 3, 4, 8])), ActivityStatus.OPEN if last >= end else ActivityStatus.CLOSED)
            bucket.append((pk, first, last))

        for node in grassroots:
            for i in range(rng.randint(2, 4)):
                activity(node, f"{rng.choice(['关爱留守儿童', '社区环境整治', '敬老助残', '文明交通劝导', '义务支教', '垃圾分类宣传'])}志愿服务（{i + 1}）",
                         own[node.pk])
        for node in self.nodes:
            if node.level == Level.COUNTY:
                for i in range(5):
                    activity(node, f"{node.name.removeprefix('共青团').removesuffix('委员会')}{rng.choice(['青春助力乡村振兴', '大型赛会服务', '应急救援演练', '无偿献血'])}（{i + 1}）",
                             of_county[node.region])
        activities.flush()

        volunteers = self.sink(Volunteer, [
            "id", "organization_id", "name", "gender", "birth_date", "id_type", "id_number_encrypted", "id_number_hash",
            "id_number_masked", "mobile_encrypted", "mobile_hash", "mobile_masked", "political_status", "registered_on",
            "platform", "platform_number", "status", "left_on", "guardian_consent"])
        records = self.sink(ServiceRecord, ["id", "volunteer_id", "activity_id", "organization_id", "date", "hours", "status",
                                            "reject_reason", "source", "confirmed_at"])
        days = self.sink(ServiceDay, ["id", "volunteer_id", "date", "hours"])
        statuses = [PoliticalStatus.LEAGUE_MEMBER] * 12 + [PoliticalStatus.YOUTH] * 5 + [PoliticalStatus.PARTY_MEMBER] * 2 + [
            PoliticalStatus.PROBATIONARY]
        platforms = [Platform.ZHIYUANHUI] * 5 + [Platform.IZHIYUAN] * 3 + [Platform.NATIONAL] * 2
        mean = tier.records / tier.volunteers
        taken = set()
        for _ in range(tier.volunteers):
            node = grassroots[bisect.bisect_left(cumulative, rng.random() * cumulative[-1])]
            female = rng.random() < 0.55
            birth = datetime.date(rng.randint(1986, year - 19), rng.randint(1, 12), rng.randint(1, 28))
            while True:
                serial = f"{rng.randint(0, 99):02d}{rng.choice('02468' if female else '13579')}"
                first17 = f"{node.region}{birth:%Y%m%d}{serial}"
                if first17 not in taken:
                    taken.add(first17)
                    break
                birth += datetime.timedelta(days=1)
            number = first17 + check_character(first17)
            mobile = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
            person = SimpleNamespace()
            volunteer_services._set_id_number(person, number)
            volunteer_services._set_mobile(person, mobile)
            registered = birth.replace(year=birth.year + 18) + datetime.timedelta(days=rng.randint(0, 3000))
            registered = min(registered, end)
            roll = rng.random()
            status = VolunteerStatus.LEFT if roll < 0.05 else VolunteerStatus.INACTIVE if roll < 0.08 else VolunteerStatus.ACTIVE
            left_on = max(registered, end - datetime.timedelta(days=rng.randint(0, 200))) if status == VolunteerStatus.LEFT else None
            platform = rng.choice(platforms)
            pk = self.keys.take(Volunteer)
            volunteers.add(pk, node.pk, rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2]))),
                           Gender.FEMALE if female else Gender.MALE, birth, IdType.RESIDENT, person.id_number_encrypted,
                           person.id_number_hash, person.id_number_masked, person.mobile_encrypted, person.mobile_hash,
                           person.mobile_masked, rng.choice(statuses), registered, platform, f"{rng.randint(10**9, 10**10 - 1)}",
                           status, left_on, False)
            # service records: a skewed number per volunteer (most a few, some many), within the activity's days
            wanted = min(int(rng.expovariate(1 / mean) + 0.5), 60)
            first_day, last_day = max(start, registered), left_on or end
            pool = own[node.pk] * 3 + of_county[node.region]
            seen, day_hours = set(), defaultdict(D)
            for _ in range(wanted * 3):
                if len(seen) >= wanted:
                    break
                act, a_first, a_last = rng.choice(pool)
                lo, hi = max(a_first, first_day), min(a_last, last_day)
                if lo > hi:
                    continue
                date = lo + datetime.timedelta(days=rng.randint(0, (hi - lo).days))
                if (act, date) in seen:
                    continue
                hours = D(rng.choice([1, 2, 2, 3, 3, 4, 4, 4, 6, 8])) / (2 if rng.random() < 0.1 else 1)
                roll = rng.random()
                state = RecordStatus.CONFIRMED if roll < 0.88 else RecordStatus.PENDING if roll < 0.96 else RecordStatus.REJECTED
                if state != RecordStatus.REJECTED:
                    if day_hours[date] + hours > 24:
                        continue
                    day_hours[date] += hours
                seen.add((act, date))
                records.add(self.keys.take(ServiceRecord), pk, act, node.pk, date, hours, state,
                            "时长与签到记录不符" if state == RecordStatus.REJECTED else "", RecordSource.MANUAL,
                            _local(min(date + datetime.timedelta(days=2), end), 20) if state != RecordStatus.PENDING else None)
            for date, hours in sorted(day_hours.items()):
                days.add(self.keys.take(ServiceDay), pk, date, hours)
        for sink in (volunteers, records, days):
            sink.flush()
        return {"volunteers": volunteers.count, "activities": activities.count, "service records": records.count,
                "service days": days.count}

    def reset_sequences(self):
        """Sequences past the keys handed out; on PostgreSQL fresh statistics of the loaded tables, without which
        the planner takes them for empty and the roll-ups and scores below run nested loops over them."""
        self.keys.reset_sequences()
        if connection.vendor == "postgresql":
            self.analyze()

    def rebuild_rollups(self):
        changed = rollups.rebuild(on=self.as_of)
        return {"assignments rolled up": changed}

    def rebuild_volunteers(self):
        volunteer_services.refresh_volunteer_hours()
        province = Organization.objects.get(pk=self.province.pk)
        volunteer_services.rebuild_statistics(province, self.months)
        return {"statistics rows": VolunteerStatistic.objects.filter(organization__path__startswith=province.path).count()}

    def build_assessment(self):
        """The ready 100-point scheme for the grassroots; the assessor's points (日常工作评价) and a few bonuses and
        deductions; each month whose reports fell due computed by assessment.compute and published, the last one
        left provisional."""
        rng = self.rng("assessment")
        province = Organization.objects.get(pk=self.province.pk)
        scheme = assessment_services.install_default_scheme(province, self.year, by=SYSTEM)
        self.report.scheme_id = scheme.pk
        assessor = self.report.users["assessor"]
        manual = [i for i in scheme.indicators.all() if i.rule == RuleKind.MANUAL]
        points = self.sink(ManualPoints, ["id", "organization_id", "month", "points", "entered_by_id", "indicator_id", "comment"])
        adjustments = self.sink(Adjustment, ["id", "organization_id", "month", "points", "entered_by_id", "scheme_id", "kind",
                                             "reason"])
        for month in self.due_months:
            for node in self.grassroots:
                for indicator in manual:
                    if rng.random() < 0.9:
                        points.add(self.keys.take(ManualPoints), node.pk, month, D(rng.randint(12, 20)) / 2, assessor,
                                   indicator.pk, rng.choice(COMMENTS))
                if rng.random() < 0.02:
                    bonus = rng.random() < 0.6
                    adjustments.add(self.keys.take(Adjustment), node.pk, month, D(rng.randint(1, 5)), assessor, scheme.pk,
                                    AdjustmentKind.BONUS if bonus else AdjustmentKind.DEDUCTION,
                                    "获评市级优秀团支部" if bonus else "未按要求完成专项工作")
        points.flush()
        adjustments.flush()
        self.keys.reset_sequences()
        scores = 0
        for month in self.due_months:
            run = AssessmentRun.objects.create(scheme=scheme, month=month, requested_by_id=assessor)
            scores += assessment_compute.compute(run.pk)
            if month != self.due_months[-1]:
                assessment_services.publish(run, by=SYSTEM)
        return {"manual points": points.count, "adjustments": adjustments.count, "runs": len(self.due_months),
                "scores": scores}

    def analyze(self):
        """Fresh planner statistics, as autovacuum keeps them in production: of the portal's own tables only. A bare
        ANALYZE would also take the server's shared catalogues (pg_database, pg_authid …) and, inside a transaction
        left open as tests/test_scale.py does, hold them until it ends, stalling every other database's ANALYZE."""
        tables = sorted({model._meta.db_table for model in apps.get_models()} & set(connection.introspection.table_names()))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables))


def wipe():
    """Empty every table of the database (``--wipe``): the portal's data, users and sessions alike."""
    call_command("flush", interactive=False, verbosity=0)


def generate(tier="S", **options) -> Report:
    """Build a province on the configured database; see ``Generator``."""
    return Generator(tier, **options).run()
