"""钉钉 (DingTalk) group robot with signing: the webhook gets ``timestamp`` (ms) and ``sign``, the base64 of
HMAC-SHA256 over "timestamp\\nsecret" keyed with the secret, URL-encoded; errcode 0 is success.

https://open.dingtalk.com/document/robots/customize-robot-security-settings
"""
import base64
import hashlib
import hmac
import time

from django.utils.translation import gettext_lazy as _

from .base import DeliveryError, markdown, post_json
from .wecom import RobotChannel, clip

MAX_BYTES = 5000


def signature(timestamp: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class DingtalkChannel(RobotChannel):
    label = _("DingTalk group robot")

    def send(self, notification, recipient):
        robot = recipient.robot(self.name, notification.kind)
        if robot is None:
            raise DeliveryError("no robot posts this kind any more")
        text = markdown(notification)
        at = {"atMobiles": [recipient.phone]} if recipient.phone else {}
        if at:  # a mention needs the number in the text too
            text += f"\n\n@{recipient.phone}"
        payload = {"msgtype": "markdown", "markdown": {"title": notification.title[:60], "text": clip(text, MAX_BYTES)},
                   "at": at}
        params = None
        if robot.secret:
            timestamp = str(int(time.time() * 1000))
            params = {"timestamp": timestamp, "sign": signature(timestamp, robot.secret)}  # requests URL-encodes
        return self.answer(post_json(robot.webhook, payload, params=params))
