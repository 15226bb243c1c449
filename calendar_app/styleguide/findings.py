"""What linting reports: one finding per problem, precise enough for the editor to underline it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LEVEL_RANK = {"suggestion": 0, "warning": 1, "error": 2}


@dataclass(slots=True)
class Finding:
    """A rule broken by a text.

    ``start``/``end`` are Python string indices into the text as the author wrote it (not a folded
    copy); both are None for findings about the whole text or its media (length minimum,
    readability, shouting, alt text). ``detail`` carries the numbers behind the finding (counts,
    limits, scores) so the interface can say "4 hashtags, at most 3".
    """

    rule_index: int
    rule_id: str | None
    kind: str
    level: str
    message: str
    suggestion: str | None = None
    start: int | None = None
    end: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_index": self.rule_index,
            "rule_id": self.rule_id,
            "kind": self.kind,
            "level": self.level,
            "message": self.message,
            "suggestion": self.suggestion,
            "start": self.start,
            "end": self.end,
            "detail": dict(self.detail),
        }


def highest_level(findings: list[Finding]) -> str | None:
    """The most severe level among ``findings`` (None when there are none)."""
    if not findings:
        return None
    return max((finding.level for finding in findings), key=LEVEL_RANK.__getitem__)
