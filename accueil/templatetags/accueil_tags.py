from django import template

from accueil import selectors

register = template.Library()


@register.inclusion_tag("admin/accueil/aujourdhui.html", takes_context=True)
def staff_today(context):
    """The accueil's work of the day, on the admin home of whoever may see the requests."""
    user = context["request"].user
    if not user.has_perm("accueil.view_intakerequest"):
        return {"today": None}
    return {"today": selectors.staff_today(user)}
