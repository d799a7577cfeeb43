"""Headless Chromium from Debian, driven by Playwright, and axe-core checks."""

import contextlib
import shutil

from playwright.sync_api import sync_playwright

CHROMIUM_PATH = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def launch_chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def serious_accessibility_violations(page) -> list[str]:
    """Run axe-core in the page; return the serious and critical violations, readable."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] in {"serious", "critical"}:
            targets = [node["target"] for node in violation["nodes"]][:5]
            problems.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return problems


def sideways_scroll(page) -> int:
    """How many pixels the page scrolls sideways (0 or less when it fits the window)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def look(page, name: str) -> None:
    """A journey's page checked as a person would meet it: no serious axe-core violation,
    no sideways scroll; saved for `make screenshots` (tests/helpers/screenshots.py)."""
    from tests.helpers import screenshots

    screenshots.save(page, name)  # first: the picture of a page that fails is the one to look at
    problems = serious_accessibility_violations(page)
    assert problems == [], f"{name}: {problems}"
    if sideways_scroll(page) > 0:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(-5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                + ' ' + Math.round(el.getBoundingClientRect().right) + 'px')"""
        )
        raise AssertionError(f"{name} scrolls sideways at {page.viewport_size['width']} px: {wide}")
