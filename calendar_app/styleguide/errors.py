"""Errors raised when a rule or a guide file is refused.

Messages are plain English templates plus parameters, so the Django layer can translate the
template and then fill it in; ``str(error)`` gives the filled-in English text.
"""

from __future__ import annotations

from typing import Any


class RuleError(ValueError):
    """A rule cannot be saved. ``field`` is a dotted path inside the rule (``params.words``)."""

    def __init__(self, template: str, field: str | None = None, **params: Any) -> None:
        self.template = template
        self.field = field
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.template.format(**self.params) if self.params else self.template

    def within(self, prefix: str) -> RuleError:
        """The same error, with its field moved under ``prefix`` (``params`` + ``words``)."""
        field = f"{prefix}.{self.field}" if self.field else prefix
        return RuleError(self.template, field, **self.params)


class GuideImportError(ValueError):
    """A guide file cannot be imported; ``problems`` lists ``(line, message)`` (line may be None)."""

    def __init__(self, problems: list[tuple[int | None, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"line {line}: {msg}" if line else msg for line, msg in problems))
