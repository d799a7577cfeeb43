"""The README's « Security: what is protected how » names every rate limit and every private
link's lifetime the settings define: a new one cannot be added silently."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
GUARDS = re.compile(r"^([A-Z][A-Z_]*(?:_PER_HOUR|_LINK_DAYS|_LINK_DAYS_AFTER))\s*=", re.M)


def security_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Security: what is protected how")
    return readme[start : readme.index("\n## ", start + 1)]


def test_every_rate_limit_and_link_lifetime_is_in_the_readmes_security_list():
    names = set(GUARDS.findall((ROOT / "cress" / "settings.py").read_text(encoding="utf-8")))
    assert len(names) > 20
    section = security_section()
    assert sorted(name for name in names if f"`{name}`" not in section) == []
    for other in ("AXES_FAILURE_LIMIT", "LOGIN_ADDRESS_FAILURE_LIMIT", "STAFF_IDLE_MINUTES", "PASSWORD_RESET_TIMEOUT"):
        assert f"`{other}`" in section
