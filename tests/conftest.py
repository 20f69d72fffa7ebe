"""Shared fixtures: a small tree with a user in every role inside it, and an outsider."""
import datetime
import os
from types import SimpleNamespace

import pytest

# DRF's throttles keep ``timer = time.time`` as a class attribute: imported for the first time inside a
# freeze_time() block it would keep freezegun's fake for the rest of the run (and call it as a method).
import rest_framework.throttling  # noqa: F401

from orgs.choices import Kind, Level, Role, Sector

from .factories import OrganizationFactory, RoleAssignmentFactory, UserFactory

# The shared scaffolding of the permission matrices asserts too: let pytest explain its failures.
pytest.register_assert_rewrite("tests.matrix")


@pytest.fixture(autouse=True)
def clear_cache():
    """Each test starts with an empty cache (roll-up coalescing keys live there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def build_tree():
    """省 → 市A → 区A1 → 支部A1a; 省 → 市B → 支部Bb. Returns the nodes by short name."""
    province = OrganizationFactory(name="共青团测试省委员会", code="P", level=Level.PROVINCE, kind=Kind.COMMITTEE,
                                   sector=Sector.AGENCY, member_count=5)
    city_a = OrganizationFactory(parent=province, name="共青团甲市委员会", code="A", level=Level.CITY,
                                 kind=Kind.COMMITTEE, sector=Sector.AGENCY, member_count=4)
    district = OrganizationFactory(parent=city_a, name="共青团甲市一区委员会", code="A1", level=Level.COUNTY,
                                   kind=Kind.COMMITTEE, sector=Sector.AGENCY, member_count=3)
    branch = OrganizationFactory(parent=district, name="一区幸福社区团支部", code="A1a", member_count=20)
    city_b = OrganizationFactory(parent=province, name="共青团乙市委员会", code="B", level=Level.CITY,
                                 kind=Kind.COMMITTEE, sector=Sector.AGENCY, member_count=6)
    other_branch = OrganizationFactory(parent=city_b, name="乙市机关团支部", code="Bb", member_count=7)
    return SimpleNamespace(province=province, city_a=city_a, district=district, branch=branch,
                           city_b=city_b, other_branch=other_branch)


@pytest.fixture
def tree(db):
    return build_tree()


def build_people(tree):
    """One user per role in city A (the reporter at its branch), an admin of city B, a superuser."""
    def holder(username, role, organization):
        return RoleAssignmentFactory(user=UserFactory(username=username), organization=organization, role=role).user

    return SimpleNamespace(
        admin=holder("admin_a", Role.ADMIN, tree.city_a),
        staff=holder("staff_a", Role.STAFF, tree.city_a),
        reporter=holder("reporter_a1a", Role.REPORTER, tree.branch),
        leader=holder("leader_a", Role.LEADER, tree.city_a),
        assessor=holder("assessor_a", Role.ASSESSOR, tree.city_a),
        outsider=holder("admin_b", Role.ADMIN, tree.city_b),
        nobody=UserFactory(username="no_role"),
        root=UserFactory(username="root", is_superuser=True, is_staff=True),
    )


@pytest.fixture
def people(tree):
    return build_people(tree)


@pytest.fixture
def api(client):
    """A test client that logs in a user and speaks JSON."""
    class Api:
        def __init__(self, c):
            self.c = c

        def login(self, user):
            self.c.force_login(user)
            return self

        def __getattr__(self, method):
            def call(path, data=None, **kwargs):
                if method in ("post", "patch", "put") and "format" not in kwargs and not kwargs.get("multipart"):
                    kwargs.setdefault("content_type", "application/json")
                kwargs.pop("multipart", None)
                return getattr(self.c, method)(path, data, **kwargs)
            return call

    return Api(client)


def build_report_setup(tree):
    """City A receives monthly reports from its grassroots organisations by the 5th; two fields (the reports'
    setup, shared: the plans, assessment and upload tests read reports too)."""
    from reports.models import ReportField, ReportingRule

    rule = ReportingRule.objects.create(organization=tree.city_a, levels=["grassroots"], due_day=5,
                                       since=datetime.date(2026, 1, 1))
    meetings = ReportField.objects.create(organization=tree.city_a, key="meetings", label="支部委员会（次）",
                                          required=True, minimum=0, maximum=31, order=1)
    rate = ReportField.objects.create(organization=tree.city_a, key="study_rate", label="青年大学习参学率（%）",
                                      field_type="percent", minimum=0, order=2)
    return SimpleNamespace(rule=rule, meetings=meetings, rate=rate)


@pytest.fixture
def report_setup(tree):
    return build_report_setup(tree)


def pytest_collection_modifyitems(config, items):
    # Playwright's sync API runs an event loop in the test thread; Django's ORM must be told it is safe.
    if any("browser" in item.keywords for item in items):
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
