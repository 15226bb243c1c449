"""Glue between the pure style-guide engine and the database: compiled guides are cached per guide version,
so editing a rule (which bumps the version) is seen at once and nothing is compiled twice."""

from functools import lru_cache

from calendar_app.models import Post, StyleGuide, Workspace
from calendar_app.styleguide.engine import CompiledGuide, compile_guide


def _rule_specs(guide: StyleGuide) -> list[dict]:
    return [
        {
            "id": rule.key or None,
            "kind": rule.kind,
            "level": rule.level,
            "message": rule.message,
            "networks": rule.networks,
            "enabled": rule.enabled,
            "params": rule.params,
        }
        for rule in guide.rules.all()
        if rule.enabled
    ]


@lru_cache(maxsize=256)
def _compiled(guide_id: int, version: int, updated_at: str, language: str) -> CompiledGuide:
    """`updated_at` is in the key because a rolled-back guide's id can be reused with the same version."""
    guide = StyleGuide.objects.get(pk=guide_id)
    return compile_guide(_rule_specs(guide), language=language)


def style_guide_compiled(*, workspace: Workspace) -> CompiledGuide | None:
    guide = StyleGuide.objects.filter(workspace=workspace).only("pk", "version", "updated_at").first()
    if guide is None:
        return None
    return _compiled(guide.pk, guide.version, guide.updated_at.isoformat(), workspace.language)


def text_lint(*, workspace: Workspace, text: str, network: str | None = None, media=()) -> list[dict]:
    guide = style_guide_compiled(workspace=workspace)
    if guide is None:
        return []
    return [finding.as_dict() for finding in guide.lint(text, network=network, media=media)]


def post_lint(*, post: Post) -> list[dict]:
    """Findings for every text the post will publish: the body on each channel, or the channel's variant."""
    media = [{"alt_text": item.alt_text} for item in post.media.all()]
    findings: list[dict] = []
    seen: set[tuple] = set()
    for channel in post.channels.all():
        text = post.text_for(channel.pk)
        for finding in text_lint(workspace=post.workspace, text=text, network=channel.network, media=media):
            key = (finding["rule_index"], finding["start"], finding["end"], text)
            if key not in seen:
                seen.add(key)
                findings.append({**finding, "channel": channel.pk, "network": channel.network})
    if not findings and not post.channels.exists():
        findings = text_lint(workspace=post.workspace, text=post.body, media=media)
    return findings
