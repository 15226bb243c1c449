"""Texts that are stored now and read later (notifications, pre-flight verdicts and reasons, a held post's
reason) are stored as a message id and its parameters, and translated when shown: a Spanish reader sees
Spanish even when the worker or an English-speaking colleague wrote the entry. Mark the template with
`gettext_noop` where it is written, or write a plural sentence with `plural_message`.

Rendering works without Django settings too (the link checker runs in plain scripts): the text is then the
source language."""

from typing import Any

from django.conf import settings
from django.utils import translation


def gettext_noop(template: str) -> str:
    """Marks a template for `make messages`, like Django's, which needs settings even to do nothing."""
    return template


def message(template: str, **params: Any) -> dict:
    """A parameter may itself be a message, or a list of them (for reasons inside a sentence); it is
    translated too."""
    return {"template": template, "params": params}


def plural_message(singular: str, plural: str, count: int, **params: Any) -> dict:
    """`ngettext` kept for later: the form is chosen by `count` in the reader's language. `make messages`
    extracts both forms (see the `makemessages` command)."""
    return {"template": singular, "plural": plural, "params": {"count": count, **params}}


def is_message(value: Any) -> bool:
    return isinstance(value, dict) and "template" in value


def message_render(value: Any) -> str:
    """The text in the active language; plain strings (older entries, network answers) pass through, and a
    list (several problems of one check) reads as one paragraph."""
    if isinstance(value, list):
        return " ".join(text for text in (message_render(item) for item in value) if text)
    if not is_message(value):
        return "" if value is None else str(value)
    params = {
        key: message_render(item) if is_message(item) or isinstance(item, list) else item
        for key, item in value["params"].items()
    }
    text = _translated(value)
    return text % params if params else text


def _translated(value: dict) -> str:
    plural = value.get("plural")
    if not settings.configured:
        return plural if plural and value["params"].get("count") != 1 else value["template"]
    if plural:
        return translation.ngettext(value["template"], plural, value["params"].get("count", 0))
    return translation.gettext(value["template"])
