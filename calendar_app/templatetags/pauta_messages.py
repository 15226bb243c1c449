from django import template

from calendar_app.services.messages import message_render

register = template.Library()


@register.filter
def render_message(value) -> str:
    """`{{ check.detail|render_message }}`: a stored message shown in the reader's language."""
    return message_render(value)


@register.filter
def entry_reason(entry: dict) -> str:
    """`{{ link|entry_reason }}`: a report entry's reason (a link's, an identity's) in the reader's language;
    entries written before reasons were stored as messages show their text."""
    return message_render(entry.get("reason_message") or entry.get("reason"))
