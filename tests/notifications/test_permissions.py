"""Who reads which notifications: the generated read matrix of the bell, the list, the files prepared in the
background and the API. They are personal: ``inside`` is the caller's own, ``outside`` another user's (city B's
administrator), ``above`` a superuser's; whatever roles one holds, only one's own answer."""
import pytest

from tests.matrix import (
    ANYONE,
    OWN,
    Listing,
    M,
    Read,
    api_rows,
    assert_anonymous,
    assert_read,
    at,
    by_id,
    context_rows,
    of,
    read_matrix,
    world_fixtures,
)

module_world, world = world_fixtures()


def notification(w, where):
    return w.notification(where)


def own(rows):
    return Listing(M.Notification, rows, item=notification, shown=OWN)


READS = [
    Read("notifications:list", lambda w, where: at("notifications:list"), anywhere=True,
         listing=own(context_rows("page"))),
    Read("notifications:menu", lambda w, where: at("notifications:menu"), anywhere=True,
         listing=own(context_rows("notifications"))),
    Read("notifications:open", of("notifications:open", notification), OWN, ok=302),
    Read("notifications:download", of("notifications:download", lambda w, where: w.download(where)), OWN),
    Read("api:notification-list", lambda w, where: at("api:notification-list", page_size=500), anywhere=True,
         listing=own(api_rows)),
    Read("api:notification-detail", of("api:notification-detail", notification), OWN),
    Read("api:notification-preferences", lambda w, where: at("api:notification-preferences"), anywhere=True,
         may=ANYONE),
]


@pytest.mark.parametrize("read, role, where", read_matrix(READS))
def test_a_read_answers_its_roles_only(client, world, read, role, where):
    assert_read(client, world, read, role, where)


@pytest.mark.parametrize("read", by_id(READS))
def test_an_anonymous_read_is_sent_to_log_in(client, world, read):
    assert_anonymous(client, world, read)
