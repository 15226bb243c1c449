from django import template

from calendar_app.services.messages import message_render

register = template.Library()


@register.filter
def render_message(value) -> str:
    """`{{ check.detail|render_message }}`: a stored message shown in the reader's language."""
    return message_render(value)
