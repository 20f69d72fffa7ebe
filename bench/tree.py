"""The tree the benchmarks run on: one province, 10 cities, 100 counties and their branches."""
from django.db import transaction

from orgs.choices import Kind, Level
from orgs.models import Organization
from orgs.permissions import SYSTEM
from orgs.services import create_organization


@transaction.atomic
def build_tree(branches):
    """Returns the province; ``branches`` grassroots organisations are spread evenly over the 100 counties."""
    province = create_organization(by=SYSTEM, parent=None, name="省", code="P", level=Level.PROVINCE, kind=Kind.COMMITTEE)
    counties = []
    for c in range(10):
        city = create_organization(by=SYSTEM, parent=province, name=f"市{c}", code=f"C{c}", level=Level.CITY,
                                   kind=Kind.COMMITTEE)
        for k in range(10):
            counties.append(create_organization(by=SYSTEM, parent=city, name=f"县{c}-{k}", code=f"K{c}-{k}",
                                                level=Level.COUNTY, kind=Kind.COMMITTEE))
    per_county = max(branches // len(counties), 1)
    for county in counties:
        for b in range(per_county):
            create_organization(by=SYSTEM, parent=Organization.objects.get(pk=county.pk), name=f"{county.name}支部{b}",
                                code=f"{county.code}-{b}", level=Level.GRASSROOTS, kind=Kind.BRANCH, member_count=20)
    return Organization.objects.get(pk=province.pk)
