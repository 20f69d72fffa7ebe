"""企业微信 (WeCom) group robot: POST {"msgtype": "markdown", …} to the robot's webhook; errcode 0 is success.

https://developer.work.weixin.qq.com/document/path/91770 — the address carries the robot's key, there is no
signing; a message has at most 4096 bytes of Markdown.
"""
from django.utils.translation import gettext_lazy as _

from .base import Channel, DeliveryError, markdown, post_json

MAX_BYTES = 4096


def clip(text: str, limit: int) -> str:
    data = text.encode()
    return text if len(data) <= limit else data[:limit - 3].decode(errors="ignore") + "…"


class RobotChannel(Channel):
    """A group robot of one of the recipient's organisations (OrganizationChannel)."""

    needs = _("a group robot set up by your organisation")

    def reaches(self, recipient, kind):
        return recipient.robot(self.name, kind) is not None

    def answer(self, answer: dict) -> str:
        if answer.get("errcode") != 0:
            raise DeliveryError(f"errcode {answer.get('errcode')}: {str(answer.get('errmsg', ''))[:200]}")
        return str(answer.get("msgid", "") or "")


class WecomChannel(RobotChannel):
    label = _("WeCom group robot")

    def send(self, notification, recipient):
        robot = recipient.robot(self.name, notification.kind)
        if robot is None:
            raise DeliveryError("no robot posts this kind any more")
        payload = {"msgtype": "markdown", "markdown": {"content": clip(markdown(notification), MAX_BYTES)}}
        return self.answer(post_json(robot.webhook, payload))
