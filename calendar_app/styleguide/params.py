"""Validators for rule parameters: each takes a raw value and returns it normalised or raises.

Raw values come from forms, the API and YAML files, so every check names the expected shape in
plain words ("a whole number between 0 and 100") rather than a Python type.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from calendar_app.styleguide.errors import RuleError

MAX_TERMS = 5000
MAX_TERM_LENGTH = 200

Validator = Callable[[Any], Any]


@dataclass(frozen=True)
class Param:
    """One parameter of a rule kind; ``default`` None means optional with no value."""

    validate: Validator
    default: Any = None
    required: bool = False


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise RuleError("Expected true or false.")
    return value


def integer(minimum: int, maximum: int) -> Validator:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise RuleError(
                "Expected a whole number between {minimum} and {maximum}.", minimum=minimum, maximum=maximum
            )
        return value

    return check


def number(minimum: float, maximum: float) -> Validator:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not minimum <= value <= maximum:
            raise RuleError(
                "Expected a number between {minimum} and {maximum}.", minimum=minimum, maximum=maximum
            )
        return float(value)

    return check


def choice(*options: str) -> Validator:
    def check(value: Any) -> str:
        if value not in options:
            raise RuleError("Expected one of: {options}.", options=", ".join(options))
        return value

    return check


def text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleError("Expected a non-empty text.")
    return value


def term(value: Any) -> str:
    """A word or phrase: trimmed, NFC, inner whitespace collapsed (it matches any whitespace)."""
    if not isinstance(value, str):
        raise RuleError("Each word or phrase must be a text.")
    cleaned = " ".join(unicodedata.normalize("NFC", value).split())
    if not cleaned:
        raise RuleError("Words and phrases cannot be empty.")
    if len(cleaned) > MAX_TERM_LENGTH:
        raise RuleError("A word or phrase is too long (at most {limit} characters).", limit=MAX_TERM_LENGTH)
    return cleaned


def terms(value: Any) -> list[str]:
    """A non-empty list of words or phrases, duplicates removed, order kept."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise RuleError("Expected a list of words or phrases.")
    if not value:
        raise RuleError("The list of words is empty; add at least one word or phrase.")
    if len(value) > MAX_TERMS:
        raise RuleError("Too many words (at most {limit}).", limit=MAX_TERMS)
    return list(dict.fromkeys(term(item) for item in value))


def replacements(value: Any) -> dict[str, str]:
    """``{wrong: right}``: "write right, not wrong"."""
    if not isinstance(value, dict) or not value:
        raise RuleError("Expected at least one replacement, written as  wrong: right.")
    if len(value) > MAX_TERMS:
        raise RuleError("Too many replacements (at most {limit}).", limit=MAX_TERMS)
    cleaned: dict[str, str] = {}
    for wrong, right in value.items():
        wrong_term = term(wrong)
        right_term = term(right)
        if wrong_term == right_term:
            raise RuleError("“{wrong}” is replaced by itself.", wrong=wrong_term)
        cleaned[wrong_term] = right_term
    return cleaned
