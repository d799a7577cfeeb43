from django import template

register = template.Library()


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else request.path


@register.simple_tag(takes_context=True)
def querystring_with(context, param, value):
    """The current query with `param` set; back to page 1 unless `param` is the page."""
    changes = {param: str(value)}
    if param != "page":
        changes["page"] = None
    return _query(context["request"], **changes)


@register.simple_tag(takes_context=True)
def querystring_without(context, param):
    return _query(context["request"], **{param: None, "page": None})
