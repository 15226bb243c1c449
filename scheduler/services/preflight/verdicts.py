"""The shape of a pre-flight verdict: what a check found, in words an author can act on."""

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext_lazy as _

PASS = "pass"
FAIL = "fail"
# Could not be decided now (the network did not answer); decided again at publishing time.
DEFERRED = "deferred"

LABELS = {
    "paused": _("Publishing not paused"),
    "approval": _("Approval still valid"),
    "brand_account": _("Brand account"),
    "links": _("Links"),
    "style": _("Style guide"),
    "media": _("Media"),
}


@dataclass
class CheckResult:
    name: str
    verdict: str
    message: str
    problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.verdict == FAIL

    def as_data(self) -> dict:
        """Stored in the report; `ok`, `label` and `detail` are what templates show."""
        return {
            **asdict(self),
            "ok": not self.failed,
            "label": str(LABELS.get(self.name, self.name)),
            "detail": self.message,
        }


def verdict_from(
    name: str, problems: list[str], passed: str, *, deferred: list[str] | None = None
) -> CheckResult:
    if problems:
        return CheckResult(name, FAIL, " ".join(problems), problems)
    if deferred:
        return CheckResult(name, DEFERRED, " ".join(deferred), deferred)
    return CheckResult(name, PASS, passed)
