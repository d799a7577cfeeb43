"""The layering rule of DESIGN.md, checked on the source: feature apps never import
each other, and the lower layers never import a feature app or the composition root."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FEATURE_APPS = {
    "accueil",
    "partenariats",
    "territoires",
    "observatoire",
    "communication",
    "formation",
    "experimentations",
}
LOWER_APPS = {"referentiels", "comptes", "annuaire", "messagerie"}


def imported_top_level_modules(app: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            found.update((name.split(".")[0], str(path.relative_to(ROOT))) for name in names)
    return found


def offending_imports(app: str, forbidden: set[str]) -> list[str]:
    return sorted(
        f"{where} imports {module}" for module, where in imported_top_level_modules(app) if module in forbidden
    )


@pytest.mark.parametrize("app", sorted(FEATURE_APPS))
def test_a_feature_app_imports_no_other_feature_app_nor_the_root(app):
    forbidden = (FEATURE_APPS - {app}) | {"cress"}
    bad = sorted(
        f"{where} imports {module}" for module, where in imported_top_level_modules(app) if module in forbidden
    )
    assert bad == []


@pytest.mark.parametrize("app", sorted(LOWER_APPS))
def test_a_lower_layer_imports_no_feature_app_nor_the_root(app):
    forbidden = FEATURE_APPS | {"cress"}
    bad = sorted(
        f"{where} imports {module}" for module, where in imported_top_level_modules(app) if module in forbidden
    )
    assert bad == []


def test_referentiels_is_the_bottom_layer():
    bad = {module for module, _ in imported_top_level_modules("referentiels")} & (LOWER_APPS - {"referentiels"})
    assert bad == set()


def test_lib_imports_no_app_of_the_portal():
    apps = FEATURE_APPS | LOWER_APPS | {"cress"}
    assert offending_imports("lib", apps) == []
