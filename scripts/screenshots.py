"""Take screenshots of portal pages at desktop and phone widths with Debian's Chromium.

Usage: python scripts/screenshots.py http://127.0.0.1:8000 / /territoires/ ...
PNGs go to test-artifacts/screenshots/.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.helpers.browser import launch_chromium

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def main(base: str, paths: list[str]) -> None:
    out = Path("test-artifacts/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with launch_chromium() as browser:
        for name, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for path in paths:
                page.goto(base.rstrip("/") + path)
                slug = path.strip("/").replace("/", "_") or "accueil"
                target = out / f"{slug}-{name}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            page.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] or ["/"])
