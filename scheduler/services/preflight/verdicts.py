"""The shape of a pre-flight verdict: what a check found, in words an author can act on."""

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext_noop

from calendar_app.services.messages import message, message_render

PASS = "pass"
FAIL = "fail"
# Could not be decided now (the network did not answer); decided again at publishing time.
DEFERRED = "deferred"

LABELS = {
    "paused": gettext_noop("Publishing not paused"),
    "approval": gettext_noop("Approval still valid"),
    "brand_account": gettext_noop("Brand account"),
    "links": gettext_noop("Links"),
    "style": gettext_noop("Style guide"),
    "media": gettext_noop("Media"),
}


@dataclass
class CheckResult:
    name: str
    verdict: str
    message: str
    problems: list[str] = field(default_factory=list)
    # The same words as stored messages, so the report reads in each reader's language.
    detail: list = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.verdict == FAIL

    def as_data(self) -> dict:
        """Stored in the report; `ok`, `label` and `detail` are what templates show (`|render_message`)."""
        return {
            **asdict(self),
            "ok": not self.failed,
            "label": message(LABELS[self.name]) if self.name in LABELS else self.name,
            "detail": self.detail or self.message,
        }


def verdict_from(name: str, problems: list, passed, *, deferred: list | None = None) -> CheckResult:
    """Problems and the passed text may be stored messages (`calendar_app.services.messages.message`) or
    plain text; `message` and `problems` hold their text in the active language for summaries."""
    for verdict, items in ((FAIL, problems), (DEFERRED, deferred or [])):
        if items:
            texts = [message_render(item) for item in items]
            return CheckResult(name, verdict, " ".join(texts), texts, list(items))
    return CheckResult(name, PASS, message_render(passed), [], [passed] if passed else [])
