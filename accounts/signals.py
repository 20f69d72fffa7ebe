"""A new password or a deactivated account ends every API token of the account.

Whatever path makes the change (the password page, an administrator's account form,
``set_password`` in a command or Django admin, a deactivation), it saves the user row, so the
check lives on that save. Sessions need nothing here: Django stores a hash derived from the
password hash in each session and refuses sessions of inactive users, so a password change
already ends the user's other sessions (``update_session_auth_hash`` keeps only the one that made
the change).

A changed hash counts even when Django rehashes the same password at log-in after an upgrade of
its hasher: Django ends the other sessions then too, and a token lives only hours.
"""
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from . import services

User = get_user_model()
WATCHED = {"password", "is_active"}


@receiver(pre_save, sender=User, dispatch_uid="accounts.note_lost_credentials")
def note_lost_credentials(sender, instance, raw, update_fields, **kwargs):
    instance._revokes_tokens = False
    if raw or instance.pk is None or (update_fields is not None and not WATCHED & set(update_fields)):
        return
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is not None:
        instance._revokes_tokens = (
            stored["password"] != instance.password or (stored["is_active"] and not instance.is_active)
        )


@receiver(post_save, sender=User, dispatch_uid="accounts.revoke_tokens_on_lost_credentials")
def revoke_tokens_on_lost_credentials(sender, instance, created, raw, **kwargs):
    # After the row is written, inside the same transaction: if the save is rolled back, so is this.
    if getattr(instance, "_revokes_tokens", False):
        instance._revokes_tokens = False
        services.revoke_tokens_of(instance)
