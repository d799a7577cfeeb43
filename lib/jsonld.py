"""schema.org metadata for search engines, written into a <script type="application/ld+json">."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

# The characters that could end the <script> element or start markup inside it, written as
# JSON escapes (our own table: Django's is private and may change with an upgrade).
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """The data as JSON, escaped like json_script: no "</script>" can close the element early."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 — escaped above
