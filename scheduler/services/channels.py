"""Channels: connecting an account (credentials verified, identity recorded), confirming it as the brand's
official account, and flagging it when something is wrong with it.

The identity the network reports when the channel is connected becomes the registered brand identity;
pre-flight later asks the network again and compares, which is how a personal account's credentials
pasted into the brand's channel are caught before anything is published.
"""

import hashlib
from dataclasses import asdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calendar_app.errors import InvalidInputError, NotFoundError
from calendar_app.models import Notification, Role, Workspace
from calendar_app.services.audit import audit_record
from calendar_app.services.messages import message
from calendar_app.services.notifications import notification_send, workspace_members_with_role
from calendar_app.services.permissions import role_require
from scheduler.adapters import Adapter, AdapterError, CallRecord, Identity, PermanentError, adapter_for
from scheduler.models import Channel, Network
from scheduler.services.credentials import channel_credentials, credentials_encrypt, credentials_fingerprint
from scheduler.services.stores import session_store

# What each network needs: settings shown back (config) and secrets never shown back (credentials).
NETWORK_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    Network.MASTODON: {"config": ("instance_url",), "credentials": ("access_token",)},
    Network.BLUESKY: {"config": ("service_url", "handle"), "credentials": ("app_password",)},
    # A webhook URL often embeds its own secret (Slack, Discord), so it is stored encrypted too.
    Network.WEBHOOK: {"config": ("body_format",), "credentials": ("url", "secret")},
}
OPTIONAL_CONFIG = {"body_format", "service_url"}


class CallLog:
    """Collects the calls an adapter makes, for the pre-flight report and the publication attempts."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []

    def __call__(self, record: CallRecord) -> None:
        self.records.append(record)

    def as_data(self) -> list[dict]:
        return [asdict(record) for record in self.records]


def channel_adapter(*, channel: Channel, recorder=None) -> Adapter:
    credentials = channel_credentials(channel=channel)
    if not credentials:
        raise PermanentError(
            _("%(channel)s has no credentials; an admin must give it new ones.")
            % {"channel": channel.display_name},
            auth_problem=True,
        )
    return _adapter(
        channel.network,
        config=channel.config,
        credentials=credentials,
        recorder=recorder,
        store=session_store(channel_id=channel.pk, fingerprint=credentials_fingerprint(channel=channel)),
    )


def _adapter(network: str, *, config: dict, credentials: dict, recorder=None, store=None) -> Adapter:
    secret_config = {key: credentials[key] for key in ("url",) if key in credentials}
    config = {**config, **secret_config}
    if isinstance(config.get("timeout"), list):  # stored as JSON, where a (connect, read) pair is a list
        config["timeout"] = tuple(config["timeout"])
    return adapter_for(
        network,
        config=config,
        credentials=credentials,
        session_store=store,
        recorder=recorder,
        allow_hosts=settings.PAUTA_LINK_ALLOW_HOSTS,
    )


def identity_key(*, network: str, account_id: str) -> str:
    """What is stored as the registered identity: webhook URLs only as a digest, since they hold secrets."""
    if network == Network.WEBHOOK:
        return "sha256:" + hashlib.sha256(account_id.encode()).hexdigest()
    return account_id


def _split_fields(network: str, values: dict) -> tuple[dict, dict]:
    fields = NETWORK_FIELDS.get(network)
    if fields is None:
        raise InvalidInputError(
            _("Choose a network: Mastodon, Bluesky or webhook."), details={"field": "network"}
        )
    config = {key: str(values[key]).strip() for key in fields["config"] if str(values.get(key) or "").strip()}
    credentials = {
        key: str(values[key]).strip() for key in fields["credentials"] if str(values.get(key) or "").strip()
    }
    missing = [key for key in (*fields["config"], *fields["credentials"]) if key not in config | credentials]
    missing = [key for key in missing if key not in OPTIONAL_CONFIG]
    if missing:
        raise InvalidInputError(
            _("Fill in: %(fields)s.") % {"fields": ", ".join(missing)}, details={"missing": missing}
        )
    return config, credentials


def _verified_identity(network: str, *, config: dict, credentials: dict) -> tuple[Identity, list[dict]]:
    log = CallLog()
    try:
        adapter = _adapter(network, config=config, credentials=credentials, recorder=log)
        identity = adapter.verify_identity()
    except (AdapterError, ValueError) as exc:
        raise InvalidInputError(
            _("The credentials could not be verified: %(reason)s") % {"reason": exc},
            details={"calls": log.as_data()},
        ) from exc
    return identity, log.as_data()


def channel_connect(
    *,
    workspace: Workspace,
    user,
    network: str,
    display_name: str,
    values: dict,
    confirm_brand: bool = False,
) -> Channel:
    """`values` holds the network's fields (see NETWORK_FIELDS); the secret ones are encrypted at once."""
    role_require(user=user, workspace=workspace, role=Role.ADMIN)
    display_name = (display_name or "").strip()
    if not display_name:
        raise InvalidInputError(_("Give the channel a name."), details={"field": "display_name"})
    config, credentials = _split_fields(network, values)
    identity, calls = _verified_identity(network, config=config, credentials=credentials)
    account_key = identity_key(network=network, account_id=identity.account_id)
    with transaction.atomic():
        duplicate = Channel.objects.filter(
            workspace=workspace, network=network, brand_account_id=account_key
        ).exclude(status=Channel.Status.DISABLED)
        if duplicate.exists():
            raise InvalidInputError(
                _("%(handle)s is already connected in this workspace.") % {"handle": identity.handle}
            )
        channel = Channel(
            workspace=workspace,
            network=network,
            display_name=display_name,
            config=config,
            credentials_encrypted=credentials_encrypt(values=credentials),
            brand_account_id=account_key,
            brand_handle=identity.handle,
        )
        channel.full_clean()
        channel.save()
        audit_record(
            workspace=workspace,
            actor=user,
            action="channel_connect",
            details={"channel": channel.pk, "network": network, "handle": identity.handle, "calls": calls},
        )
        if confirm_brand:
            channel = channel_confirm_brand(channel=channel, user=user)
    return channel


def channel_reconnect(*, channel: Channel, user, values: dict) -> Channel:
    """New credentials for the same account (a revoked token, a new app password). They must act as the
    registered identity: swapping the account behind a brand channel is exactly the mistake to prevent."""
    role_require(user=user, workspace=channel.workspace, role=Role.ADMIN)
    merged = {**channel.config, **channel_credentials(channel=channel), **values}
    config, credentials = _split_fields(channel.network, merged)
    identity, calls = _verified_identity(channel.network, config=config, credentials=credentials)
    if identity_key(network=channel.network, account_id=identity.account_id) != channel.brand_account_id:
        raise InvalidInputError(
            _(
                "These credentials act as %(handle)s, not as the registered %(registered)s. "
                "Connect a new channel for a different account."
            )
            % {"handle": identity.handle, "registered": channel.brand_handle}
        )
    with transaction.atomic():
        channel.config = config
        channel.credentials_encrypted = credentials_encrypt(values=credentials)
        channel.brand_handle = identity.handle
        channel.status = Channel.Status.ACTIVE
        channel.status_reason = ""
        channel.save()
        audit_record(
            workspace=channel.workspace,
            actor=user,
            action="channel_reconnect",
            details={"channel": channel.pk, "handle": identity.handle, "calls": calls},
        )
    return channel


def channel_confirm_brand(*, channel: Channel, user) -> Channel:
    """An admin's statement that this account is the brand's official one; pre-flight requires it."""
    role_require(user=user, workspace=channel.workspace, role=Role.ADMIN)
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel.pk)
        channel.is_brand_account = True
        channel.brand_confirmed_by = user
        channel.brand_confirmed_at = timezone.now()
        channel.save(update_fields=["is_brand_account", "brand_confirmed_by", "brand_confirmed_at"])
        audit_record(
            workspace=channel.workspace,
            actor=user,
            action="channel_confirm_brand",
            details={"channel": channel.pk, "handle": channel.brand_handle},
        )
    return channel


def channel_flag(*, channel: Channel, reason: str, kind: str = Notification.Kind.BRAND_MISMATCH) -> Channel:
    """Mark the channel "needs attention" and tell the admins, once per distinct reason."""
    with transaction.atomic():
        channel = (
            Channel.objects.select_for_update(of=("self",)).select_related("workspace").get(pk=channel.pk)
        )
        already = channel.status == Channel.Status.NEEDS_ATTENTION and channel.status_reason == reason[:500]
        channel.status = Channel.Status.NEEDS_ATTENTION
        channel.status_reason = reason[:500]
        channel.save(update_fields=["status", "status_reason"])
        if not already:
            audit_record(
                workspace=channel.workspace,
                action="channel_needs_attention",
                comment=reason,
                details={"channel": channel.pk},
            )
            notification_send(
                users=workspace_members_with_role(workspace=channel.workspace, role=Role.ADMIN),
                workspace=channel.workspace,
                kind=kind,
                message=message(
                    gettext_noop("Channel “%(channel)s” needs attention: %(reason)s"),
                    channel=channel.display_name,
                    reason=reason,
                ),
            )
    return channel


def channel_get_for_admin(*, user, workspace: Workspace, channel_id) -> Channel:
    role_require(user=user, workspace=workspace, role=Role.ADMIN)
    try:
        return Channel.objects.get(workspace=workspace, pk=channel_id)
    except (Channel.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError() from exc
