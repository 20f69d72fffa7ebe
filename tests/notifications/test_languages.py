"""A notification reads in its reader's language (issue 14: they stayed Chinese for an English reader): a title
given as a message of the catalogue is stored with its values and translated when shown. The way through a
returned report to every place that lists notifications: tests/reports/test_review_friction.py."""
from django.utils.translation import gettext_noop

from notifications.models import Notification
from notifications.services import Text, notify
from tests.factories import UserFactory

RETURNED = gettext_noop("The report on %(month)s of %(org)s was returned")


def test_a_catalogue_title_is_kept_in_chinese_and_shown_in_the_readers_language(db):
    alice = UserFactory(username="alice")
    notify([alice], title=Text(RETURNED, {"org": "一区幸福社区团支部", "month": "2026-05"}))
    notification = Notification.objects.get()
    assert notification.title == "一区幸福社区团支部 的 2026-05 月度报告被退回"  # e-mail, admin: the portal's language
    from django.utils import translation

    with translation.override("en"):
        assert notification.shown_title == "The report on 2026-05 of 一区幸福社区团支部 was returned"
    with translation.override("zh-hans"):
        assert notification.shown_title == notification.title


def test_plain_titles_and_broken_sources_show_the_stored_title(db):
    alice = UserFactory(username="alice")
    notify([alice], title="自由文本")
    Notification.objects.create(user=alice, title="旧标题", title_source={"msgid": RETURNED, "params": {"org": "x"}})
    assert sorted(n.shown_title for n in Notification.objects.all()) == ["旧标题", "自由文本"]
