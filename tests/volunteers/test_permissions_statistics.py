"""Who reads the volunteer statistics: the page, its charts' JSON and the API, generated over every role (and a user
with none) × an organisation inside city A, outside it (city B) and above it (the province), from tests/matrix.py's
World. Figures are read where the organisation is seen; the reporter sees those of its own branch only."""
from tests.matrix import (
    EVERYONE,
    SEES_BRANCH,
    SEES_COMMITTEE,
    THIS_MONTH,
    Read,
    api_reads,
    at,
    read_tests,
    world_fixtures,
)
from volunteers.models import VolunteerStatistic

module_world, world = world_fixtures()


def statistic(w, where):
    """The stored figures of the ``where`` committee this month."""
    return w.once(("volunteer statistic", where), lambda: VolunteerStatistic.objects.create(
        organization=w.committee(where), month=THIS_MONTH, registered=3, registered_members=2, members=10))


def page(name, place, **query):
    return lambda w, where: at(name, org=place(w, where).code, year=THIS_MONTH.year, **query)


def committee(w, where):
    return w.committee(where)


def branch(w, where):
    return w.branch(where)


READS = [
    # the current role's organisation; a user without any role has none
    Read("volunteers:statistics", lambda w, where: at("volunteers:statistics"), anywhere=True, may=EVERYONE),
    Read("volunteers:statistics", page("volunteers:statistics", committee, sort="-share"), SEES_COMMITTEE,
         variant="committee"),
    Read("volunteers:statistics", page("volunteers:statistics", branch), SEES_BRANCH, variant="branch"),
    Read("volunteers:statistics_data", page("volunteers:statistics_data", committee), SEES_COMMITTEE),
    Read("volunteers:statistics_data", page("volunteers:statistics_data", branch), SEES_BRANCH, variant="branch"),
    *api_reads("volunteerstatistic", VolunteerStatistic, statistic, SEES_COMMITTEE),
]

test_a_read_answers_its_roles_only, test_an_anonymous_read_is_sent_to_log_in = read_tests(READS)
