"""Demo volunteers: a few hundred in 青川市 with a year of activities and confirmed hours, and one volunteer with a
portal account (demo_volunteer) to try the volunteer's own page and the sign-in. Idempotent: a city that has
volunteers already is left as it is.

Registration goes through the service (document checks, encryption); the year of records is written in bulk,
with the per-day hours kept as the services keep them, and totals and stars recomputed at the end."""
import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from orgs.choices import Level
from orgs.models import Organization
from orgs.permissions import SYSTEM

from . import services
from .choices import ActivityCategory, ActivityStatus, Platform, PoliticalStatus, RecordSource, RecordStatus
from .idnumbers import check_character
from .models import ServiceDay, ServiceRecord, Volunteer

CITY = "36010000"
VOLUNTEERS = 300
BACKBONE = 30  # regulars with enough hours for star levels
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉宇浩凯健俊帆然雪琳晨欣怡婷佳琪子涵梓轩"
ACTIVITIES = [
    ("社区环境清洁行动", ActivityCategory.COMMUNITY), ("关爱空巢老人上门探访", ActivityCategory.ELDERLY),
    ("“七彩假期”留守儿童课业辅导", ActivityCategory.EDUCATION), ("赣江护河巡河行动", ActivityCategory.ENVIRONMENT),
    ("城市马拉松赛会服务", ActivityCategory.CULTURE), ("文明交通劝导", ActivityCategory.CIVILISATION),
    ("乡村振兴助农直播", ActivityCategory.RURAL), ("防汛应急物资搬运", ActivityCategory.EMERGENCY),
    ("图书馆阅读推广", ActivityCategory.EDUCATION), ("献血屋志愿服务", ActivityCategory.COMMUNITY),
]
PASSWORD_USER = "demo_volunteer"


def id_number(rng, birth):
    first17 = f"3601{rng.randint(2, 30):02d}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + check_character(first17)


def load(today=None, password=None):
    """The demo volunteers, activities and hours of 青川市; returns how many volunteers were made."""
    today = today or timezone.localdate()
    city = Organization.objects.get(code=CITY)
    if Volunteer.objects.filter(organization__path__startswith=city.path).exists():
        return {"volunteers": 0}
    rng = random.Random(2026)
    branches = list(Organization.objects.filter(path__startswith=city.path, level=Level.GRASSROOTS).order_by("path"))
    volunteers = []
    while len(volunteers) < VOLUNTEERS:
        birth = datetime.date(rng.randint(1975, 2007), rng.randint(1, 12), rng.randint(1, 28))
        number = id_number(rng, birth)
        if services.id_number_taken(number):
            continue
        registered = today - datetime.timedelta(days=rng.randint(30, 3 * 365) if len(volunteers) >= BACKBONE else 4 * 365)
        volunteers.append(services.register_volunteer(
            by=SYSTEM, organization=rng.choice(branches), name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2))),
            id_type="resident", id_number=number, mobile=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
            registered_on=registered, guardian_consent=True, guardian_name="（监护人）",
            political_status=rng.choices(list(PoliticalStatus), weights=[60, 10, 3, 25, 2])[0],
            platform=rng.choice([Platform.ZHIYUANHUI, Platform.NATIONAL]), platform_number=f"ZYH{rng.randint(10**7, 10**8)}"))
    _load_activities(rng, city, volunteers, today)
    _link_account(volunteers[0], password)
    return {"volunteers": len(volunteers)}


def _load_activities(rng, city, volunteers, today):
    organisers = [city, *Organization.objects.filter(path__startswith=city.path, level=Level.COUNTY).order_by("path")[:4]]
    records, days = [], defaultdict(Decimal)
    regular_ids = {v.pk for v in volunteers[:BACKBONE]}
    for month_back in range(12, -1, -1):
        for k in range(2):
            title, category = ACTIVITIES[(month_back * 2 + k) % len(ACTIVITIES)]
            first = today.replace(day=1) - datetime.timedelta(days=30 * month_back) + datetime.timedelta(days=rng.randint(0, 20))
            if first > today:
                continue
            start = timezone.make_aware(datetime.datetime.combine(first, datetime.time(8, 30)))
            activity = services.create_activity(
                by=SYSTEM, organization=rng.choice(organisers), title=title, category=category, place="青川市",
                starts_at=start, ends_at=start + datetime.timedelta(days=1, hours=9), planned_hours=Decimal(4),
                places=60, status=ActivityStatus.CLOSED if first < today - datetime.timedelta(days=7) else ActivityStatus.OPEN)
            # a backbone of regulars serves both days of most activities; others come now and then
            regulars = [(v, day) for v in volunteers[:BACKBONE] if rng.random() < 0.85 for day in (0, 1)]
            others = [(v, rng.randint(0, 1)) for v in rng.sample(volunteers[BACKBONE:], rng.randint(15, 45))]
            for volunteer, day in regulars + others:
                date = first + datetime.timedelta(days=day)
                if volunteer.registered_on > date or date > today:
                    continue
                hours = Decimal(8 if volunteer.pk in regular_ids else rng.choice([2, 3, 4, 4, 5, 6, 8]))
                if days[(volunteer.pk, date)] + hours > 24:
                    continue
                days[(volunteer.pk, date)] += hours
                pending = month_back == 0 and rng.random() < 0.4
                records.append(ServiceRecord(
                    volunteer=volunteer, activity=activity, organization_id=volunteer.organization_id, date=date,
                    hours=hours, source=RecordSource.MANUAL,
                    status=RecordStatus.PENDING if pending else RecordStatus.CONFIRMED,
                    confirmed_at=None if pending else start + datetime.timedelta(days=2)))
    ServiceRecord.objects.bulk_create(records, batch_size=1000)
    ServiceDay.objects.bulk_create([ServiceDay(volunteer_id=v, date=d, hours=h) for (v, d), h in days.items()],
                                   batch_size=1000)
    services.refresh_volunteer_hours([v.pk for v in volunteers])


def _link_account(volunteer, password=None):
    user, _created = get_user_model().objects.get_or_create(username=PASSWORD_USER, defaults={"first_name": volunteer.name})
    user.set_password(password or settings.DEMO_PASSWORD)
    user.save()
    Volunteer.objects.filter(pk=volunteer.pk).update(user=user)
