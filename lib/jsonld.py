"""schema.org metadata for search engines, written into a <script type="application/ld+json">."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes
from django.utils.safestring import SafeString, mark_safe


def json_ld(data: dict) -> SafeString:
    """The data as JSON, escaped like json_script: no "</script>" can close the element early."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(text)  # noqa: S308 — escaped above
