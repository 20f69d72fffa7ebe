"""Optional error reporting to Sentry (or a Sentry-compatible server such as GlitchTip): on only when SENTRY_DSN is set.

Personal data stays home: ``send_default_pii`` is off, so no user names, e-mail addresses, cookies or request bodies
are sent — an event names the user by id at most (the portal's logs carry the same id).
"""


def init_sentry(*, dsn: str, release: str = "", environment: str = "", traces_sample_rate: float = 0.0) -> bool:
    """Starts the SDK with the Django and Celery integrations when ``dsn`` is given; returns whether it did."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        release=release or None,
        environment=environment or None,
        traces_sample_rate=traces_sample_rate,
    )
    return True
