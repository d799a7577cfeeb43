"""Screenshots of the journeys, for people to look at: `make screenshots` runs the browser
tests with SCREENSHOT_DIR set, and each journey saves its pages there as
`<name>-<width>.png` (full page). Without SCREENSHOT_DIR nothing is written."""

import os
from pathlib import Path

from django.utils.text import slugify


def save(page, name: str) -> Path | None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return None
    width = page.viewport_size["width"] if page.viewport_size else page.evaluate("window.innerWidth")
    target = Path(folder) / f"{slugify(name)}-{width}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    return target
