from django import template

from recognition.presenters import minutes_seconds

register = template.Library()


@register.filter
def mmss(seconds: float | None) -> str:
    """Seconds as m:ss; empty for an unknown duration."""
    return "" if seconds is None else minutes_seconds(seconds)
