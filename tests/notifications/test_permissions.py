"""Who reads which notifications: the generated read matrix of the bell, the list, the files prepared in the
background and the API. They are personal: ``inside`` is the caller's own, ``outside`` another user's (city B's
administrator), ``above`` a superuser's; whatever roles one holds, only one's own answer."""
from notifications.models import Delivery, OrganizationChannel
from tests.matrix import (
    ANYONE,
    OWN,
    SEES_COMMITTEE,
    Listing,
    M,
    Read,
    World,
    api_reads,
    context_rows,
    here,
    of,
    read_tests,
    who,
    world_fixtures,
)
from tests.notifications.test_write_matrix_channels import delivery, robot

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
    # channels: one's own settings; an organisation's robots for its administrators (staff of city A see the
    # organisation, 403; who does not see it, 404); deliveries for the administrators of their recipients
    Read("notifications:settings", here("notifications:settings"), anywhere=True, may=ANYONE),
    Read("notifications:organization_channels", of("notifications:organization_channels", World.committee),
         SEES_COMMITTEE, may=who({"admin"})),
    Read("notifications:delivery_list", here("notifications:delivery_list"), anywhere=True, may=who({"admin"}),
         listing=Listing(Delivery, context_rows("page"), item=delivery, shown=who({"admin"}))),
    *api_reads("organization-channel", OrganizationChannel, robot, who({"admin"})),
    *api_reads("delivery", Delivery, delivery, who({"admin"})),
]


test_a_read_answers_its_roles_only, test_an_anonymous_read_is_sent_to_log_in = read_tests(READS)
