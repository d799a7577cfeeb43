"""The layers of DESIGN.md, checked on the code, the templates and the URL names.

Layers, bottom first; an app may use its own layer and the layers below it, nothing else:

    lib            building blocks without models: uses no app
    messagerie     the email outbox and private links: plumbing every app sends through,
                   which knows nothing of the domain (it uses lib only)
    referentiels   reference data: territories, ESS families, legal forms, NAF
    comptes        accounts, login, staff roles
    annuaire       the directory, and the partner memberships that point at its organisations
    feature apps   one per CRESS action (FEATURE_APPS): every lower layer, never each other
    cress          the composition root (settings, URLs, site pages): may use every app;
                   no app uses it

What counts as "using" an app:
- importing it: `import x`, `from x import y`, and modules named in `include()`,
  `import_module()`, `import_string()`;
- naming one of its models or permissions in a string: "app.Model" (`ForeignKey("app.Model")`,
  a declaration keyed by model), `apps.get_model("app", "Model")`, "app.view_model".
  Migrations are read for imports only: their dependencies and historical fields record
  what the models were (comptes' first migration created the memberships' foreign key to
  annuaire) and must stay as they were applied;
- naming one of its URLs, in code (any "namespace:name" string, and the first argument of
  `reverse`, `reverse_lazy`, `redirect`, `resolve_url`) or in a template (`{% url %}`).
  A namespace belongs to the app whose URLconf declares it (`app_name`, or `include(...,
  namespace=...)` in a URLconf, `urls*.py`); an area not built yet, which cress serves under
  its final namespace, belongs to the app of that name; a name without a namespace belongs
  to the URLconf that declares it (cress/urls.py); `admin:<app>_<model>_...` belongs to <app>;
- naming one of its templates, in code (`template_name`, `render`, `render_to_string`,
  `get_template`, an email's `template=`, any "x/....html" string) or in a template
  (`{% include %}`, `{% extends %}`). templates/<app>/, templates/emails/<app>/ and
  templates/admin/<app>/ belong to <app>. The templates at the top level (base.html, the
  error pages, _pagination.html, admin/base_site.html...) are the site's frame: they belong
  to the composition root, which may link every area from them, and every app may extend or
  include them, as every app's pages stand in that frame.

The apps come from INSTALLED_APPS (those whose package lives in the repository), plus lib;
an app in no layer fails. The repository's other packages (bench, tests) are tools that
no app may use.
"""

import ast
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]

ROOT_APP = "cress"
# Bottom first: each may use only those before it.
LOWER_LAYERS = ("lib", "messagerie", "referentiels", "comptes", "annuaire")
FEATURE_APPS = frozenset(
    {
        "accueil",
        "emplois",
        "partenariats",
        "territoires",
        "observatoire",
        "communication",
        "formation",
        "experimentations",
        "appartenance",
    }
)

URL_CALLS = {"reverse", "reverse_lazy", "redirect", "resolve_url"}
TEMPLATE_CALLS = {"render", "render_to_string", "get_template", "select_template", "TemplateResponse"}
TEMPLATE_KEYWORDS = {"template", "template_name"}
MODULE_CALLS = {"include", "import_module", "import_string"}
TEMPLATE_FILE = re.compile(r"^[\w./-]+\.(?:html|txt|xml|ics|svg)$")
URL_NAME = re.compile(r"^[\w-]+(?::[\w-]+)*$")
NAMESPACED_URL_NAME = re.compile(r"^([\w-]+):([\w-]+)$")
MODEL_NAME = re.compile(r"^(\w+)\.([A-Z]\w*)$")
PERMISSION_NAME = re.compile(r"^(\w+)\.(?:add|change|delete|view)_\w+$")
URL_TAG = re.compile(r"""{%\s*url\s+(["'])([^"']+)\1""")
TEMPLATE_TAG = re.compile(r"""{%\s*(?:include|extends)\s+(["'])([^"']+)\1""")


@dataclass(frozen=True)
class Use:
    where: str  # path relative to the root, with the line
    user: str  # the app that uses
    target: str  # the app used
    what: str  # how, for the report

    def __str__(self):
        return f"{self.where}: {self.user} uses {self.target} ({self.what})"


def project_apps(root: Path, installed_apps) -> list[str]:
    """The installed apps whose package lives in the repository, in INSTALLED_APPS order."""
    found = []
    for entry in installed_apps:
        package = entry.split(".")[0]
        if (root / package / "__init__.py").is_file() and package not in found:
            found.append(package)
    return found


def unclassified_apps(root: Path, installed_apps) -> list[str]:
    classified = {ROOT_APP, *LOWER_LAYERS, *FEATURE_APPS}
    return [app for app in project_apps(root, installed_apps) if app not in classified]


def may_use(user: str, target: str) -> bool:
    if user in (target, ROOT_APP):
        return True
    if target == ROOT_APP:
        return False
    if user in FEATURE_APPS:
        return target in LOWER_LAYERS
    if user in LOWER_LAYERS:
        return target in LOWER_LAYERS[: LOWER_LAYERS.index(user)]
    return False


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _docstrings(tree) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and _literal(first.value) is not None:
                found.add(id(first.value))
    return found


class Project:
    """What the checker knows of one source tree: its apps, URL namespaces and URL names."""

    def __init__(self, root: Path, installed_apps):
        self.root = root
        self.apps = [*project_apps(root, installed_apps)]
        if (root / "lib" / "__init__.py").is_file() and "lib" not in self.apps:
            self.apps.append("lib")
        packages = {path.parent.name for path in root.glob("*/__init__.py")}
        self.tools = packages - set(self.apps)
        self.namespaces, self.plain_url_names = self._urls()

    def _python_files(self, app: str):
        return sorted((self.root / app).rglob("*.py"))

    def _urls(self) -> tuple[dict[str, str], dict[str, str]]:
        namespaces, plain_names = {}, {}
        for app in self.apps:
            for path in (self.root / app).rglob("urls*.py"):
                tree = ast.parse(path.read_text(encoding="utf-8"))
                declared = None
                for node in tree.body:
                    if isinstance(node, ast.Assign) and any(
                        isinstance(target, ast.Name) and target.id == "app_name" for target in node.targets
                    ):
                        declared = _literal(node.value)
                if declared:
                    namespaces[declared] = app
                for node in ast.walk(tree):
                    if not isinstance(node, ast.Call):
                        continue
                    keywords = {keyword.arg: _literal(keyword.value) for keyword in node.keywords}
                    if _called_name(node) == "include" and node.args and keywords.get("namespace"):
                        module = _literal(node.args[0])
                        if module and module.split(".")[0] in self.apps:
                            namespaces[keywords["namespace"]] = module.split(".")[0]
                    elif _called_name(node) in {"path", "re_path"} and keywords.get("name") and not declared:
                        plain_names[keywords["name"]] = app
        for app in self.apps:
            namespaces.setdefault(app, app)  # an area not built yet: its final namespace
        return namespaces, plain_names

    def owner_of_url(self, name: str, *, plain_allowed: bool) -> str | None:
        namespaced = NAMESPACED_URL_NAME.match(name)
        if namespaced:
            namespace, url = namespaced.groups()
            if namespace == "admin":
                prefixes = [app for app in self.apps if url.startswith(f"{app}_")]
                return max(prefixes, key=len) if prefixes else None
            return self.namespaces.get(namespace)
        return self.plain_url_names.get(name) if plain_allowed else None

    def owner_of_template(self, name: str) -> str | None:
        """The app a template path belongs to; None for the site's frame and others' templates."""
        parts = name.split("/")
        if parts[0] in {"emails", "admin"} and len(parts) > 2 and parts[1] in self.apps:
            return parts[1]
        if len(parts) > 1 and parts[0] in self.apps:
            return parts[0]
        return None

    def _module_owner(self, module: str) -> str | None:
        package = module.split(".")[0]
        return package if package in self.apps or package in self.tools else None

    def python_uses(self, app: str):
        for path in self._python_files(app):
            relative = path.relative_to(self.root)
            in_migrations = "migrations" in relative.parts
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = _docstrings(tree)
            for node in ast.walk(tree):
                where = f"{relative}:{getattr(node, 'lineno', 0)}"
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        if owner := self._module_owner(alias.name):
                            yield Use(where, app, owner, f"import {alias.name}")
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    if owner := self._module_owner(node.module):
                        yield Use(where, app, owner, f"from {node.module} import")
                elif isinstance(node, ast.Call):
                    yield from self._call_uses(node, where, app, in_migrations)
                elif isinstance(node, ast.Assign | ast.AnnAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    names = {target.id for target in targets if isinstance(target, ast.Name)}
                    value = _literal(node.value) if node.value else None
                    named = any(name.endswith(("template", "template_name")) for name in names)
                    if named and value and not TEMPLATE_FILE.match(value) and (owner := self.owner_of_template(value)):
                        yield Use(where, app, owner, f"template {value}")
                elif isinstance(node, ast.Constant) and id(node) not in docstrings:
                    yield from self._string_uses(node, where, app, in_migrations)

    def _call_uses(self, call: ast.Call, where: str, app: str, in_migrations: bool):
        name = _called_name(call)
        first = _literal(call.args[0]) if call.args else None
        if name in MODULE_CALLS and first and (owner := self._module_owner(first)):
            yield Use(where, app, owner, f"{name}({first!r})")
        plain_name = name in URL_CALLS and first and URL_NAME.match(first) and ":" not in first
        if plain_name and (owner := self.owner_of_url(first, plain_allowed=True)):
            yield Use(where, app, owner, f"URL name {first}")
        if name in TEMPLATE_CALLS:
            for argument in call.args[:2]:
                value = _literal(argument)
                if value and not TEMPLATE_FILE.match(value) and (owner := self.owner_of_template(value)):
                    yield Use(where, app, owner, f"template {value}")
        if name == "get_model" and len(call.args) == 2 and not in_migrations:
            label, model = _literal(call.args[0]), _literal(call.args[1])
            if label in self.apps and model:
                yield Use(where, app, label, f"model {label}.{model}")
        for keyword in call.keywords:
            value = _literal(keyword.value)
            named = keyword.arg in TEMPLATE_KEYWORDS and value and not TEMPLATE_FILE.match(value)
            if named and (owner := self.owner_of_template(value)):
                yield Use(where, app, owner, f"template {value}")

    def _string_uses(self, node: ast.Constant, where: str, app: str, in_migrations: bool):
        value = node.value
        if not isinstance(value, str):
            return
        if TEMPLATE_FILE.match(value) and (owner := self.owner_of_template(value)):
            yield Use(where, app, owner, f"template {value}")
        if NAMESPACED_URL_NAME.match(value) and (owner := self.owner_of_url(value, plain_allowed=False)):
            yield Use(where, app, owner, f"URL name {value}")
        if in_migrations:
            return
        for pattern, kind in ((MODEL_NAME, "model"), (PERMISSION_NAME, "permission")):
            match = pattern.match(value)
            if match and match.group(1) in self.apps:
                yield Use(where, app, match.group(1), f"{kind} {value}")

    def template_files(self):
        """Each template file with the app it belongs to (the root for the site's frame)."""
        directories = [self.root / "templates", *(self.root / app / "templates" for app in self.apps)]
        for directory in directories:
            for path in sorted(directory.rglob("*")):
                if path.is_file():
                    name = path.relative_to(directory).as_posix()
                    yield path, self.owner_of_template(name) or ROOT_APP

    def template_uses(self):
        for path, app in self.template_files():
            relative = path.relative_to(self.root)
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                for match in URL_TAG.finditer(line):
                    name = match.group(2)
                    if owner := self.owner_of_url(name, plain_allowed=True):
                        yield Use(f"{relative}:{number}", app, owner, f"{{% url {name!r} %}}")
                for match in TEMPLATE_TAG.finditer(line):
                    name = match.group(2)
                    if owner := self.owner_of_template(name):
                        yield Use(f"{relative}:{number}", app, owner, f"template {name}")

    def uses(self):
        for app in self.apps:
            yield from self.python_uses(app)
        yield from self.template_uses()


def layering_violations(root: Path, installed_apps) -> list[str]:
    """Every use that goes up or sideways, and every installed app in no layer."""
    project = Project(root, installed_apps)
    problems = [
        f"{app}: installed app in no layer (add it to FEATURE_APPS or LOWER_LAYERS)"
        for app in unclassified_apps(root, installed_apps)
    ]
    problems += sorted({str(use) for use in project.uses() if not may_use(use.user, use.target)})
    return problems


def test_the_layers_hold_on_the_portal():
    assert layering_violations(ROOT, settings.INSTALLED_APPS) == []


def test_every_layer_named_is_an_app_of_the_portal():
    apps = set(Project(ROOT, settings.INSTALLED_APPS).apps)
    assert {ROOT_APP, *LOWER_LAYERS, *FEATURE_APPS} - apps == set()


def test_the_checker_reads_what_the_portal_uses():
    """Guards against a checker that silently finds nothing: it does see the allowed uses."""
    uses = {(use.user, use.target, use.what) for use in Project(ROOT, settings.INSTALLED_APPS).uses()}
    kinds = {what.split(" ")[0] for _, _, what in uses}
    assert ("accueil", "annuaire", "model annuaire.Organisation") in uses
    assert ("cress", "accueil", "URL name accueil:partenaire-liste") in uses
    assert {"from", "import", "model", "URL", "template", "{%"} <= kinds


# --- Planted violations: each kind of use is read and reported --------------------------------


@pytest.fixture
def tree(tmp_path):
    """A copy of the portal's apps and templates, to plant violations in."""
    project = Project(ROOT, settings.INSTALLED_APPS)
    for name in [*project.apps, *project.tools, "templates"]:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return tmp_path  # as clean as the portal (test_the_layers_hold_on_the_portal)


def plant(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


PLANTED = {
    "a lower layer imports a feature app": (
        "annuaire/services.py",
        "\nfrom accueil.models import IntakeRequest\n",
        "uses accueil (from accueil.models import)",
    ),
    "a lower layer imports a layer above it": (
        "referentiels/models.py",
        "\nimport comptes.models\n",
        "uses comptes (import comptes.models)",
    ),
    "a feature app imports another": (
        "communication/views.py",
        "\nfrom accueil import selectors\n",
        "uses accueil (from accueil import)",
    ),
    "a feature app imports the root": (
        "accueil/views.py",
        "\nfrom cress.navigation import AREAS\n",
        "uses cress (from cress.navigation import)",
    ),
    "an app imports a tool": (
        "lib/text.py",
        "\nimport bench.loadgen\n",
        "uses bench (import bench.loadgen)",
    ),
    "a foreign key names a model of a layer above": (
        "comptes/models.py",
        '\n\nclass Planted(models.Model):\n    organisation = models.ForeignKey("annuaire.Organisation", '
        "on_delete=models.CASCADE)\n",
        "uses annuaire (model annuaire.Organisation)",
    ),
    "get_model names a model of a feature app": (
        "annuaire/selectors.py",
        '\n\ndef planted(apps):\n    return apps.get_model("communication", "Event")\n',
        "uses communication (model communication.Event)",
    ),
    "a permission of a feature app": (
        "comptes/views.py",
        '\n\ndef planted(user):\n    return user.has_perm("accueil.view_intakerequest")\n',
        "uses accueil (permission accueil.view_intakerequest)",
    ),
    "a redirect to a URL of a feature app": (
        "comptes/views.py",
        '\n\ndef planted(request):\n    return redirect("accueil:partenaire-liste")\n',
        "uses accueil (URL name accueil:partenaire-liste)",
    ),
    "a redirect to a URL of the root": (
        "annuaire/views.py",
        '\n\ndef planted(request):\n    return redirect("home")\n',
        "uses cress (URL name home)",
    ),
    "an admin URL of a feature app": (
        "annuaire/admin.py",
        '\n\ndef planted():\n    return reverse("admin:accueil_intakerequest_changelist")\n',
        "uses accueil (URL name admin:accueil_intakerequest_changelist)",
    ),
    "a URL of a feature app in a lower layer's template": (
        "templates/comptes/connexion.html",
        "\n<a href=\"{% url 'accueil:index' %}\">Déposer une demande</a>\n",
        "uses accueil ({% url 'accueil:index' %})",
    ),
    "a URL of the root in a feature app's template": (
        "templates/accueil/suivi.html",
        '\n<a href="{% url "mentions-legales" %}">Mentions</a>\n',
        "uses cress ({% url 'mentions-legales' %})",
    ),
    "a feature app renders another's template": (
        "communication/views.py",
        '\n\ndef planted(request):\n    return render(request, "accueil/suivi.html", {})\n',
        "uses accueil (template accueil/suivi.html)",
    ),
    "a lower layer sends a feature app's email": (
        "annuaire/contributions.py",
        '\n\ndef planted():\n    queue_email(to="a@example.org", template="accueil/confirmation", context={})\n',
        "uses accueil (template accueil/confirmation)",
    ),
    "a template includes a feature app's template": (
        "templates/annuaire/structure.html",
        '\n{% include "communication/_partage.html" %}\n',
        "uses communication (template communication/_partage.html)",
    ),
    "a feature app's template includes a page of the root": (
        "templates/territoires/index.html",
        '\n{% include "cress/accueil.html" %}\n',
        "uses cress (template cress/accueil.html)",
    ),
    "an email of a lower layer extends a feature app's email": (
        "templates/emails/annuaire/contribution_recue.txt",
        '{% extends "emails/accueil/confirmation.txt" %}\n',
        "uses accueil (template emails/accueil/confirmation.txt)",
    ),
}


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_a_planted_violation_is_reported(tree, case):
    path, text, expected = PLANTED[case]
    plant(tree / path, text)
    found = layering_violations(tree, settings.INSTALLED_APPS)
    assert len(found) == 1, found
    assert found[0].startswith(path + ":") and found[0].endswith(expected), found


def test_an_installed_app_in_no_layer_is_reported(tree):
    (tree / "nouveautes").mkdir()
    (tree / "nouveautes" / "__init__.py").write_text("", encoding="utf-8")
    found = layering_violations(tree, [*settings.INSTALLED_APPS, "nouveautes.apps.NouveautesConfig"])
    assert found == ["nouveautes: installed app in no layer (add it to FEATURE_APPS or LOWER_LAYERS)"]


def test_an_app_of_another_repository_is_not_the_portals():
    assert "django_otp" not in project_apps(ROOT, settings.INSTALLED_APPS)
    assert "comptes" in project_apps(ROOT, settings.INSTALLED_APPS)
