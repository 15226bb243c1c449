"""What changed between two revisions of a post, word by word, so a reviewer reads only the difference.

By default a reviewer is shown the change since the last revision they approved or sent back: that is the
text they already know. Someone who never reviewed the post sees the change since the previous save.
"""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

import regex
from django.utils.translation import gettext as _

from calendar_app.errors import NotFoundError
from calendar_app.models import Post, Revision

_TOKEN = regex.compile(r"\s+|\w+|\X", regex.UNICODE)
REVIEW_ACTIONS = ("approve", "request_changes")


@dataclass(frozen=True)
class DiffPart:
    op: str  # "equal", "insert" or "delete"
    text: str


@dataclass
class TextDiff:
    label: str
    parts: list[DiffPart]

    @property
    def changed(self) -> bool:
        return any(part.op != "equal" for part in self.parts)


@dataclass
class RevisionDiff:
    old: Revision | None
    new: Revision
    texts: list[TextDiff] = field(default_factory=list)
    channels_added: list[str] = field(default_factory=list)
    channels_removed: list[str] = field(default_factory=list)
    media_added: list[str] = field(default_factory=list)
    media_removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(text.changed for text in self.texts) or any(
            (self.channels_added, self.channels_removed, self.media_added, self.media_removed)
        )


def text_diff(old: str, new: str) -> list[DiffPart]:
    """Word-level diff; runs of the same operation are merged so the markup stays small."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    parts: list[DiffPart] = []

    def add(op: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if parts and parts[-1].op == op:
            parts[-1] = DiffPart(op, parts[-1].text + text)
        else:
            parts.append(DiffPart(op, text))

    matcher = SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", old_tokens[a1:a2])
        else:
            add("delete", old_tokens[a1:a2])
            add("insert", new_tokens[b1:b2])
    return parts


def _channel_names(post: Post) -> dict[int, str]:
    return {channel.pk: channel.display_name for channel in post.workspace.channels.all()}


def revision_diff(*, post: Post, old: Revision | None, new: Revision) -> RevisionDiff:
    names = _channel_names(post)
    old_title, old_body = (old.title, old.body) if old else ("", "")
    old_variants = old.variants if old else {}
    diff = RevisionDiff(old=old, new=new)
    diff.texts.append(TextDiff(_("Internal title"), text_diff(old_title, new.title)))
    diff.texts.append(TextDiff(_("Text"), text_diff(old_body, new.body)))
    for key in sorted(set(old_variants) | set(new.variants), key=lambda k: int(k) if k.isdigit() else 0):
        label = _("Text for %(channel)s") % {
            "channel": names.get(int(key), f"#{key}") if key.isdigit() else key
        }
        diff.texts.append(TextDiff(label, text_diff(old_variants.get(key, ""), new.variants.get(key, ""))))
    old_channels, new_channels = set(old.channel_ids if old else []), set(new.channel_ids)
    diff.channels_added = [names.get(pk, f"#{pk}") for pk in sorted(new_channels - old_channels)]
    diff.channels_removed = [names.get(pk, f"#{pk}") for pk in sorted(old_channels - new_channels)]
    old_media = {(m["sha256"], m["alt_text"]): m for m in (old.media if old else [])}
    new_media = {(m["sha256"], m["alt_text"]): m for m in new.media}
    diff.media_added = [m["alt_text"] for key, m in new_media.items() if key not in old_media]
    diff.media_removed = [m["alt_text"] for key, m in old_media.items() if key not in new_media]
    return diff


def revision_last_reviewed(*, post: Post, user, before: int) -> Revision | None:
    """The newest revision older than `before` that `user` approved or sent back with changes."""
    numbers = [
        entry.details.get("revision")
        for entry in post.audit.filter(actor=user, action__in=REVIEW_ACTIONS).only("details")
    ]
    hashes = set(post.approvals.filter(reviewer=user).values_list("content_hash", flat=True))
    numbers += list(post.revisions.filter(content_hash__in=hashes).values_list("number", flat=True))
    numbers = [n for n in numbers if isinstance(n, int) and 0 < n < before]
    return post.revisions.filter(number=max(numbers)).first() if numbers else None


def revision_default_pair(*, post: Post, user) -> tuple[Revision | None, Revision | None]:
    """(what the user last reviewed or the previous save, the latest revision)."""
    new = post.revisions.order_by("-number").first()
    if new is None:
        return None, None
    old = revision_last_reviewed(post=post, user=user, before=new.number)
    if old is None:
        old = post.revisions.filter(number__lt=new.number).order_by("-number").first()
    return old, new


def revision_pair(*, post: Post, old_number, new_number) -> tuple[Revision | None, Revision]:
    """Any two revisions, in either order (the older one becomes the base); NotFound for unknown numbers."""
    try:
        numbers = sorted({int(old_number), int(new_number)})
    except (TypeError, ValueError) as exc:
        raise NotFoundError(_("There is no such revision.")) from exc
    found = {rev.number: rev for rev in post.revisions.filter(number__in=numbers)}
    if len(found) != len(numbers):
        raise NotFoundError(_("There is no such revision."))
    if len(numbers) == 1:
        return None, found[numbers[0]]
    return found[numbers[0]], found[numbers[1]]
