"""Texts that are stored now and read later (notifications, pre-flight verdicts) are stored as a message
id and its parameters, and translated when shown: a Spanish reader sees Spanish even when the worker or an
English-speaking colleague wrote the entry. Mark the template with `gettext_noop` where it is written."""

from typing import Any

from django.utils.translation import gettext


def message(template: str, **params: Any) -> dict:
    """A parameter may itself be a message (for a reason inside a sentence); it is translated too."""
    return {"template": template, "params": params}


def is_message(value: Any) -> bool:
    return isinstance(value, dict) and "template" in value


def message_render(value: Any) -> str:
    """The text in the active language; plain strings (older entries, network answers) pass through, and a
    list (several problems of one check) reads as one paragraph."""
    if isinstance(value, list):
        return " ".join(message_render(item) for item in value)
    if not is_message(value):
        return "" if value is None else str(value)
    params = {
        key: message_render(item) if is_message(item) else item for key, item in value["params"].items()
    }
    text = gettext(value["template"])
    return text % params if params else text
