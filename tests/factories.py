"""factory_boy factories for the tests."""
import datetime

import factory
from django.contrib.auth import get_user_model

from orgs import services
from orgs.choices import Kind, Level, Role, Sector
from orgs.models import Organization, RoleAssignment
from orgs.permissions import SYSTEM

PASSWORD = "a-Long-test-passw0rd"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    """Builds tree nodes through the service, so paths are right: pass ``parent=`` for a child."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"共青团测试组织{n}")
    code = factory.Sequence(lambda n: f"T{n:06d}")
    level = Level.GRASSROOTS
    kind = Kind.BRANCH
    sector = Sector.COMMUNITY
    member_count = 10
    youth_count = 30
    # The tests' organisations have been reporting since the tests' year began (as an administrator would set for a
    # tree taken over from elsewhere); pass reporting_from=None for one that owes reports from the month after it was
    # created (reports.selectors.owing_reports).
    reporting_from = datetime.date(2026, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        return services.create_organization(by=SYSTEM, parent=parent, **kwargs)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.STAFF
