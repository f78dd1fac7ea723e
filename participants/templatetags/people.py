from django import template

register = template.Library()


@register.filter
def initials(user) -> str:
    words = [w for w in user.display_name.replace(".", " ").split() if w]
    return "".join(w[0].upper() for w in words[:2]) or "?"


@register.filter
def hours_apart(hours: float) -> str:
    """How far someone's clock is from the viewer's, in words."""
    if not hours:
        return "same time as you"
    amount = abs(hours)
    text = f"{amount:g} hour{'s' if amount != 1 else ''}"
    return f"{text} ahead of you" if hours > 0 else f"{text} behind you"
