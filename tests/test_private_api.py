"""The project uses no private Django API: a Django upgrade must not break activation links
or JSON-LD. An underscored name imported from django, or an underscored attribute the
project does not define itself, is refused (Model._meta and the default managers are
documented, hence allowed)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "node_modules", "tests", "migrations", "bench", "staticfiles"}
# Model._meta, the default managers and a manager's self._db (used in Django's documented
# custom user manager) are public in Django's documentation; the others are namedtuple's.
DOCUMENTED = {"_meta", "_default_manager", "_base_manager", "_db", "_replace", "_asdict", "_fields"}


def project_files():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED & set(path.relative_to(ROOT).parts):
            yield path, ast.parse(path.read_text(), filename=str(path))


def defined_names(trees):
    names = set()
    for _path, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    return names


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses(trees):
    ours = defined_names(trees)
    found = []
    for path, tree in trees:
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "django":
                found += [f"{where}:{node.lineno} {a.name}" for a in node.names if a.name.startswith("_")]
            elif isinstance(node, ast.Attribute) and is_private(node.attr) and node.attr not in ours | DOCUMENTED:
                found.append(f"{where}:{node.lineno} .{node.attr}")
    return found


def test_the_project_uses_no_private_django_api():
    assert private_uses(list(project_files())) == []


def test_the_check_sees_a_planted_private_import_and_attribute():
    planted = ast.parse(
        "from django.utils.html import _json_script_escapes\n"
        "def check(generator, user, token):\n"
        "    return generator._make_token_with_timestamp(user, generator._num_seconds(generator._now()), '')\n"
    )
    found = private_uses([(ROOT / "planted.py", planted)])
    assert [use.split(" ")[1] for use in found] == [
        "_json_script_escapes",
        "._make_token_with_timestamp",
        "._num_seconds",
        "._now",
    ]
