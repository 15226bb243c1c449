"""One check class per rule kind."""

from calendar_app.styleguide.checks.base import Check
from calendar_app.styleguide.checks.counts import (
    LengthCheck,
    MediaCheck,
    OccurrenceCheck,
    ReadabilityCheck,
    ShoutingCheck,
)
from calendar_app.styleguide.checks.words import (
    CapitalizationCheck,
    ConditionalCheck,
    ExistenceCheck,
    SubstitutionCheck,
    ToneCheck,
)

CHECKS: dict[str, type[Check]] = {
    "existence": ExistenceCheck,
    "substitution": SubstitutionCheck,
    "capitalization": CapitalizationCheck,
    "occurrence": OccurrenceCheck,
    "length": LengthCheck,
    "conditional": ConditionalCheck,
    "shouting": ShoutingCheck,
    "tone": ToneCheck,
    "readability": ReadabilityCheck,
    "media": MediaCheck,
}

__all__ = ["CHECKS", "Check"]
