"""Delivery channels as plug-ins: each a ``Channel`` subclass, named in settings.NOTIFICATION_CHANNELS
({name: dotted path}); the registry builds them in that order. Dropping a name switches the channel off."""
from django.conf import settings
from django.utils.module_loading import import_string

from .base import Channel, DeliveryError, Recipient

__all__ = ["Channel", "DeliveryError", "Recipient", "all_channels", "get", "label"]


def all_channels() -> list[Channel]:
    """The configured channels, in the order of the settings."""
    channels = []
    for name, path in settings.NOTIFICATION_CHANNELS.items():
        channel = import_string(path)()
        channel.name = name
        channels.append(channel)
    return channels


def get(name: str) -> Channel | None:
    return next((c for c in all_channels() if c.name == name), None)


def label(name: str):
    channel = get(name)
    return channel.label if channel else name
