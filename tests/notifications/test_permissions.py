"""Who reads which notifications: the generated read matrix of the bell, the list, the files prepared in the
background and the API. They are personal: ``inside`` is the caller's own, ``outside`` another user's (city B's
administrator), ``above`` a superuser's; whatever roles one holds, only one's own answer."""
from tests.matrix import (
    ANYONE,
    OWN,
    Listing,
    M,
    Read,
    World,
    api_reads,
    context_rows,
    here,
    of,
    read_tests,
    world_fixtures,
)

module_world, world = world_fixtures()


def own(rows):
    return Listing(M.Notification, rows, item=World.notification, shown=OWN)


READS = [
    Read("notifications:list", here("notifications:list"), anywhere=True,
         listing=own(context_rows("page"))),
    Read("notifications:menu", here("notifications:menu"), anywhere=True,
         listing=own(context_rows("notifications"))),
    Read("notifications:open", of("notifications:open", World.notification), OWN, ok=302),
    Read("notifications:download", of("notifications:download", World.download), OWN),
    *api_reads("notification", M.Notification, World.notification, OWN),
    Read("api:notification-preferences", here("api:notification-preferences"), anywhere=True,
         may=ANYONE),
]


test_a_read_answers_its_roles_only, test_an_anonymous_read_is_sent_to_log_in = read_tests(READS)
