"""Checks that ask the outside world: do the links resolve, and is the channel's live identity the brand's?"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_noop

from calendar_app.models import Notification, Post
from calendar_app.services.messages import message, message_render
from calendar_app.text.links import extract_links
from scheduler.adapters import AdapterError, PermanentError, TransientError
from scheduler.links import check_links
from scheduler.links.result import reason_answered
from scheduler.models import Channel, PreflightReport
from scheduler.services.channels import CallLog, channel_adapter, identity_key
from scheduler.services.credentials import credentials_fingerprint
from scheduler.services.engine_settings import engine_setting
from scheduler.services.preflight.verdicts import DEFERRED, FAIL, PASS, CheckResult, verdict_from
from scheduler.services.stores import identity_cache, link_cache


@dataclass
class ChannelFlag:
    """A channel pre-flight found wrong, to be marked "needs attention" once the report is stored."""

    channel: Channel
    reason: str
    kind: str


@dataclass
class RemoteFindings:
    links_check: CheckResult
    links: list[dict]
    identity_check: CheckResult
    identities: list[dict]
    flags: list[ChannelFlag] = field(default_factory=list)


def post_links(*, post: Post, channels: list[Channel]) -> dict[str, dict]:
    """Each distinct link of the texts these channels will publish, with the channels that carry it."""
    found: dict[str, dict] = {}
    for channel in channels:
        for link in extract_links(post.text_for(channel.pk)):
            entry = found.setdefault(
                link.normalized, {"written": link.url, "host": link.host, "channels": []}
            )
            entry["channels"].append(channel.pk)
    return found


def _reusable(reuse: Callable[[], PreflightReport | None] | None, wanted: dict[str, dict]) -> dict[str, dict]:
    report = reuse() if reuse is not None else None
    if report is None:
        return {}
    previous = {entry["url"]: entry for entry in report.links if entry.get("ok")}
    if not all(url in previous for url in wanted):
        return {}
    return {url: {**previous[url], "reused_from": report.pk} for url in wanted}


def links_check(
    *, post: Post, channels: list[Channel], reuse: Callable[[], PreflightReport | None] | None = None
) -> tuple[CheckResult, list[dict]]:
    """`reuse` finds a recent report whose link verdicts may stand in for asking again (asked only when
    the text has links)."""
    wanted = post_links(post=post, channels=channels)
    if not wanted:
        return verdict_from("links", [], message(gettext_noop("The text has no links."))), []
    entries = _reusable(reuse, wanted)
    if not entries:
        checkable = [url for url, info in wanted.items() if info["host"]]
        results = check_links(checkable, allow_hosts=settings.PAUTA_LINK_ALLOW_HOSTS, cache=link_cache())
        entries = {result.url: result.to_dict() for result in results}
        for url, info in wanted.items():
            if not info["host"]:
                reason = message(gettext_noop("%(url)s is not a valid web address"), url=info["written"])
                entries[url] = {
                    "url": url,
                    "final_url": url,
                    "status": None,
                    "ok": False,
                    "redirects": 0,
                    "duration_ms": 0,
                    "reason": message_render(reason),
                    "reason_message": reason,
                    "cached": False,
                }
    links = [
        {**entries[url], "written": info["written"], "channels": info["channels"]}
        for url, info in wanted.items()
    ]
    problems = [_link_problem(entry) for entry in links if not entry["ok"]]
    passed = message(gettext_noop("All %(count)d link(s) resolve."), count=len(links))
    return verdict_from("links", problems, passed), links


def _link_problem(entry: dict) -> dict | list:
    """Named by the link as the author wrote it, and where a redirect ended up when that is what failed.
    A stored message, so each reader of the report reads it in their language (`_link_reason`)."""
    reason = _link_reason(entry)
    final = entry.get("final_url") or entry["url"]
    redirects = entry.get("redirects") or 0
    if entry.get("status") and reason == reason_answered(final, entry["status"], redirects):
        problem = reason_answered(entry["written"], entry["status"], redirects)
        if final != entry["url"]:
            return [problem, message(gettext_noop("(ended at %(final)s)"), final=final)]
        return problem
    text = message_render(reason)
    if entry["url"] in text or entry["written"] in text:
        return reason
    return message(gettext_noop("%(name)s: %(reason)s"), name=entry["written"], reason=reason)


def _link_reason(entry: dict) -> dict | str:
    """A report's link entry's reason: the stored message, or the text of reports written before there was
    one."""
    return entry.get("reason_message") or entry.get("reason") or message(gettext_noop("did not resolve"))


def _cached_identity(channel: Channel) -> dict | None:
    return identity_cache().get(f"{channel.pk}:{credentials_fingerprint(channel=channel)}")


def _remember_identity(channel: Channel, answer: dict) -> None:
    identity_cache().set(
        f"{channel.pk}:{credentials_fingerprint(channel=channel)}",
        answer,
        engine_setting("PAUTA_IDENTITY_CACHE_SECONDS"),
    )


def _ask_identity(channel: Channel, *, use_cache: bool) -> dict:
    """The live identity, or the one asked within the last minute when `use_cache` (claim time)."""
    if use_cache:
        cached = _cached_identity(channel)
        if cached is not None:
            return {**cached, "cached": True, "calls": []}
    log = CallLog()
    try:
        identity = channel_adapter(channel=channel, recorder=log).verify_identity()
    except TransientError as exc:
        return {"error": str(exc), "transient": True, "calls": log.as_data()}
    except PermanentError as exc:
        return {"error": str(exc), "auth_problem": exc.auth_problem, "calls": log.as_data()}
    except (AdapterError, ValueError) as exc:
        return {"error": str(exc), "calls": log.as_data()}
    answer = {
        "account_id": identity_key(network=channel.network, account_id=identity.account_id),
        "handle": identity.handle,
    }
    _remember_identity(channel, answer)
    return {**answer, "cached": False, "calls": log.as_data()}


def _identity_entry(channel: Channel, answer: dict) -> tuple[dict, str, dict | str, ChannelFlag | None]:
    """(report entry, verdict, plain-words reason as a stored message, flag to raise)."""
    entry = {
        "channel": channel.pk,
        "channel_name": channel.display_name,
        "network": channel.network,
        "asked": [f"{call['method']} {call['url']}" for call in answer.get("calls", [])],
        "expected_handle": channel.brand_handle,
        "answered_handle": answer.get("handle", ""),
        "matches": answer.get("account_id") == channel.brand_account_id,
        "is_brand_account": channel.is_brand_account,
        "cached": answer.get("cached", False),
        "calls": answer.get("calls", []),
    }
    values = {
        "channel": channel.display_name,
        "handle": answer.get("handle", ""),
        "registered": channel.brand_handle,
        "error": answer.get("error", ""),
    }
    if channel.status == Channel.Status.DISABLED:
        return entry, FAIL, message(gettext_noop("Channel %(channel)s is disabled."), **values), None
    if "error" in answer:
        reason = message(gettext_noop("Could not ask %(channel)s who it is: %(error)s"), **values)
        if answer.get("transient"):
            return entry, DEFERRED, reason, None
        flag = (
            ChannelFlag(channel, message_render(reason), Notification.Kind.PUBLISH_FAILED)
            if answer.get("auth_problem")
            else None
        )
        return entry, FAIL, reason, flag
    if not entry["matches"]:
        reason = message(
            gettext_noop(
                "%(channel)s is registered as the brand account %(registered)s, but its credentials now act "
                "as %(handle)s. Nothing will be published from it until an admin fixes the channel."
            ),
            **values,
        )
        flag = ChannelFlag(channel, message_render(reason), Notification.Kind.BRAND_MISMATCH)
        return entry, FAIL, reason, flag
    if not channel.is_brand_account:
        return (
            entry,
            FAIL,
            message(
                gettext_noop(
                    "%(channel)s (%(handle)s) has not been confirmed as one of the brand's official accounts."
                ),
                **values,
            ),
            None,
        )
    return entry, PASS, "", None


def identity_check(
    *, channels: list[Channel], use_cache: bool
) -> tuple[CheckResult, list[dict], list[ChannelFlag]]:
    problems, deferred, entries, flags = [], [], [], []
    for channel in channels:
        entry, verdict, reason, flag = _identity_entry(channel, _ask_identity(channel, use_cache=use_cache))
        entry.update(
            verdict=verdict, reason=message_render(reason), reason_message=reason if reason else None
        )
        entries.append(entry)
        (problems if verdict == FAIL else deferred if verdict == DEFERRED else []).append(reason)
        if flag is not None:
            flags.append(flag)
    passed = message(gettext_noop("Every channel answered as its registered brand account."))
    return verdict_from("brand_account", problems, passed, deferred=deferred), entries, flags


def remote_checks(
    *,
    post: Post,
    channels: list[Channel],
    use_cache: bool,
    reuse: Callable[[], PreflightReport | None] | None = None,
) -> RemoteFindings:
    links_result, links = links_check(post=post, channels=channels, reuse=reuse)
    identity_result, identities, flags = identity_check(channels=channels, use_cache=use_cache)
    return RemoteFindings(links_result, links, identity_result, identities, flags)
