"""The explorer's page, assembled so that a view never asked since the last publication
(its cold path, measured by bench/observatoire.py) costs little more than the bare layout:

- the data version, the reference in force and the view's kept result come in one round
  trip to the cache (`shown`); only the result is kept (the form around it is the same for
  every view of a millésime);
- what depends only on the published data — the page header and the filter form with its
  long option lists — is rendered from its template once per reference build and process
  (`observatoire.reference.Reference.derived`); a request only marks its options selected;
- the result (the table, two SVG charts and the evolution's table) is written here in
  Python from the values `selectors.explore` read through the mask (`cube.read`): a view of
  88 divisions cost ten times more through template loops;
- for a visitor who is not signed in and has no message waiting, the layout around the
  content is the same on every request but for its CSP nonce: it is rendered once per
  process and filled in (`page`).

Every text that is not ours is escaped (`escape`); numbers are written by
`observatoire.formatting`.
"""

import hashlib
import re
from html import escape
from typing import NamedTuple

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from lib.page_shell import page_with_parts
from observatoire import charts, selectors
from observatoire.formatting import SECRET, as_year, french_number, french_percent
from observatoire.models import ALL_FAMILIES, ALL_SECTORS
from observatoire.reference import Reference, current_reference_with, with_selected
from observatoire.sectors import FAMILY_LABELS
from observatoire.templatetags.observatoire_svg import barres, courbe

TEMPLATE = "observatoire/explorer.html"
PARAMETERS = ("annee", "source", "territoire", "famille", "secteur", "mesure", "ventilation")
TIMEOUT = 24 * 3600

# The form's selects, by their `name`: a request fills in which option is selected.
_SELECT = re.compile(r'(<select [^>]*\bname="([a-z]+)"[^>]*>)(.*?)(</select>)', re.S)
_RESULT_SLOT = "<!--résultat-->"
NO_SUBDIVISION = "Ce territoire n'a pas de subdivision&nbsp;: choisissez un autre détail."


class ExplorerParams:
    """The explorer's filters, read from the URL: a wrong value gets a French message and
    the default instead (never an error page)."""

    def __init__(self, data, reference: Reference):
        self.errors: list[str] = []
        self.reference = reference
        years = [m.year for m in reference.millesimes]
        self.year = self._int(data, "annee", years, years[-1], "Année")
        self.millesime = next(m for m in reference.millesimes if m.year == self.year)
        sources = reference.sources[self.year]
        self.source = self._choice(data, "source", sources, sources[0], "Source")
        codes = reference.territories_by_code
        territory_code = self._choice(data, "territoire", codes, reference.region.code, "Territoire")
        self.territory = codes[territory_code]
        self.family = self._choice(data, "famille", [ALL_FAMILIES, *FAMILY_LABELS], ALL_FAMILIES, "Famille")
        self.sector = self._choice(data, "secteur", reference.sector_labels, ALL_SECTORS, "Secteur")
        self.measure = self._choice(data, "mesure", list(selectors.MEASURES), "salaries", "Mesure")
        default_breakdown = "famille" if self.family == ALL_FAMILIES else "groupe"
        self.breakdown = self._choice(data, "ventilation", list(selectors.BREAKDOWNS), default_breakdown, "Détail")
        if self.breakdown == "famille" and self.family != ALL_FAMILIES:
            self.breakdown = "groupe"

    def _choice(self, data, name, allowed, default, label):
        value = data.get(name, "")
        if value == "":
            return default
        if value not in allowed:
            self.errors.append(f"{label} : « {value[:40]} » n'existe pas ; la valeur par défaut est affichée.")
            return default
        return value

    def _int(self, data, name, allowed, default, label):
        value = data.get(name, "")
        if value == "":
            return default
        if as_year(value) not in allowed:
            self.errors.append(f"{label} : aucun millésime publié pour « {value[:10]} » ; le dernier est affiché.")
            return default
        return as_year(value)

    def query(self, **changes) -> str:
        params = {
            "annee": self.year,
            "source": self.source,
            "territoire": self.territory.code,
            "famille": self.family,
            "secteur": self.sector,
            "mesure": self.measure,
            "ventilation": self.breakdown,
        }
        return urlencode(params | changes)


class Shown(NamedTuple):
    """A view as the page shows it: its result, and what the filter form around it needs
    (None for both when no millésime is published)."""

    result: str
    year: int | None
    selected: dict[str, str] | None


def shown(data) -> tuple[Reference, Shown]:
    """The reference in force and the view asked by the query `data`, from the cache when
    it was shown before with that reference."""
    asked = "&".join(f"{name}={data.get(name, '')}" for name in PARAMETERS)
    key = f"observatoire:explorer:{hashlib.sha256(asked.encode()).hexdigest()[:32]}"
    reference, found = current_reference_with([key])
    kept = found.get(key)
    if kept is not None and kept[0] == reference.stamp:
        return reference, Shown(*kept[1])
    if not reference.millesimes:
        return reference, Shown("", None, None)
    params = ExplorerParams(data, reference)
    view = Shown(result(params, reference), params.year, selected_options(params))
    if not params.errors:
        cache.set(key, (reference.stamp, tuple(view)), timeout=TIMEOUT)
    return reference, view


def page(request, reference: Reference, view: Shown) -> HttpResponse:
    """The whole page. The layout around the content is rendered once per process for a
    visitor who is not signed in and has no message waiting (it differs only by its CSP
    nonce: lib.page_shell); anyone else gets it rendered for them."""
    body = empty_content(reference) if view.year is None else content(reference, view)
    return page_with_parts(request, TEMPLATE, {"content_html": body})


def display(value, measure: str) -> str:
    if value in (None, SECRET):
        return "—" if value is None else SECRET
    if measure == "part":
        return french_percent(value)
    if measure == "etp":
        return french_number(value, 1)
    return french_number(value)


def describe(params, reference: Reference) -> str:
    family = "toutes familles" if params.family == ALL_FAMILIES else FAMILY_LABELS[params.family].lower()
    sector = reference.sector_labels[params.sector]
    return f"{selectors.MEASURES[params.measure][1]}, {params.territory.name}, {family}, {sector}, {params.year}"


def breakdown_codes(params, reference: Reference) -> list[tuple[str, str]]:
    """The rows of the view's breakdown, once per process for each (breakdown, territory)."""
    return reference.derived(
        ("breakdown", params.breakdown, params.territory.pk),
        lambda: selectors.breakdown_codes(
            breakdown=params.breakdown,
            territory=params.territory,
            all_territories=reference.territories,
            sector_choices=reference.sectors,
        ),
    )


# --- The page around the result ------------------------------------------------------------


class _Unselected:
    """Stands for the filters while the form is rendered once for every request: no option
    is selected (`selected` is added per request)."""

    family = measure = breakdown = source = ""
    year = None


def _form_pieces(reference: Reference, year: int) -> list:
    """The page's content for the millésime `year` (its sources differ), cut into static
    text and (select name, its options) pairs, with the result's place as a slot."""
    html = render_to_string(
        "observatoire/_explorer_contenu.html",
        {
            "reference": reference,
            "params": _Unselected(),
            "result_html": mark_safe(_RESULT_SLOT),  # noqa: S308 — our own text
            "families": list(FAMILY_LABELS.items()),
            "measures": [(code, label) for code, (_, label, _unit) in selectors.MEASURES.items()],
            "breakdowns": list(selectors.BREAKDOWNS.items()),
            "territory_options": mark_safe(reference.territory_options),  # noqa: S308 — built by format_html
            "sector_options": mark_safe(reference.sector_options),  # noqa: S308 — built by format_html
            "source_options": [(code, reference.source_labels[code]) for code in reference.sources[year]],
        },
    )
    pieces, start = [], 0
    for select in _SELECT.finditer(html):
        pieces.append(html[start : select.end(1)])
        pieces.append((select.group(2), select.group(3)))
        start = select.start(4)
    pieces.append(html[start:])
    return pieces


def selected_options(params) -> dict[str, str]:
    """Which option each select of the form shows selected."""
    return {
        "territoire": params.territory.code,
        "famille": params.family,
        "secteur": params.sector,
        "mesure": params.measure,
        "ventilation": params.breakdown,
        "annee": str(params.year),
        "source": params.source,
    }


def content(reference: Reference, view: Shown) -> str:
    """The page's content: header, filters with the view's options selected, result."""
    pieces = reference.derived(("explorer-form", view.year), lambda: _form_pieces(reference, view.year))
    selected = view.selected
    page = "".join(piece if isinstance(piece, str) else with_selected(piece[1], selected[piece[0]]) for piece in pieces)
    return page.replace(_RESULT_SLOT, view.result, 1)


def empty_content(reference: Reference) -> str:
    return reference.derived(
        "explorer-empty",
        lambda: render_to_string("observatoire/_explorer_contenu.html", {"reference": reference, "empty": True}),
    )


# --- The result --------------------------------------------------------------------------


def run(params, reference: Reference) -> selectors.ExplorerResult:
    """The view's table and series, every value read through the mask (the page and its
    CSV and JSON files show the same)."""
    return selectors.explore(
        millesime=params.millesime,
        source=params.source,
        territory=params.territory,
        family=params.family,
        sector=params.sector,
        measure=params.measure,
        breakdown=params.breakdown,
        all_territories=reference.territories,
        sector_choices=reference.sectors,
        millesimes=reference.millesimes,
        codes=breakdown_codes(params, reference),
    )


def result(params, reference: Reference) -> str:
    """The view's table, bar chart, evolution chart and evolution table (what htmx swaps)."""
    found = run(params, reference)
    measure = params.measure
    percent = measure == "part"

    def drawn(value):
        return value * 100 if percent and value not in (None, SECRET) else value

    description = describe(params, reference)
    breakdown_label = selectors.BREAKDOWNS[params.breakdown]
    measure_label = escape(selectors.MEASURES[measure][1])
    bar = charts.bar_chart(
        title=f"{description} — détail par {breakdown_label.lower()}",
        description="Une barre par ligne du tableau ci-dessous ; « s » : valeur couverte par le secret statistique.",
        items=[(row.label, drawn(row.value)) for row in found.rows[1:]],
        unit=selectors.MEASURES[measure][2],
    )
    line = charts.line_chart(
        title=f"Évolution — {description.rsplit(',', 1)[0]}",
        description="Un point par millésime publié ; la courbe s'interrompt où une valeur est secrète.",
        series=[(year, drawn(value)) for year, value in found.series],
    )
    query = params.query()
    source_label = params.millesime.source_note or reference.source_labels[params.source]
    out = ['<div id="resultat" aria-live="polite">\n  ']
    if params.errors:
        errors = "".join(f"<li>{escape(error)}</li>" for error in params.errors)
        out.append(f'<div class="alert alert-warning" role="alert"><ul class="mb-0">{errors}</ul></div>')
    synthetic = " — <strong>données synthétiques de démonstration</strong>" if params.millesime.is_synthetic else ""
    description = escape(description)
    out.append(
        f'\n  <h2 class="h4">{description}</h2>\n'
        f'  <p class="small text-body-secondary">Source&nbsp;: {escape(source_label)}{synthetic}. '
        f'<a href="{escape(reverse("observatoire:explorer-csv"))}?{escape(query)}">Télécharger en CSV</a> · '
        f'<a href="{escape(reverse("observatoire:explorer-json"))}?{escape(query)}">en JSON</a> · '
        f'<a href="{escape(reverse("observatoire:portrait", args=[params.territory.code]))}">'
        f"Portrait de {escape(params.territory.name)}</a></p>\n"
        '  <div class="row g-4">\n'
        '    <div class="col-lg-6">\n'
        '      <div class="table-responsive">\n'
        '        <table class="table table-sm explorer-table">\n'
        f"          <caption>{description}, détail par {escape(breakdown_label.lower())}</caption>\n"
        f'          <thead><tr><th scope="col">{escape(breakdown_label)}</th><th scope="col" class="num">'
        f"{measure_label}</th></tr></thead>\n"
        "          <tbody>\n"
        f"            {_table_rows(found.rows, measure)}\n"
        "            "
    )
    if len(found.rows) == 1:
        out.append(f'<tr><td colspan="2">{NO_SUBDIVISION}</td></tr>')
    out.append("\n          </tbody>\n        </table>\n      </div>\n      ")
    if found.secret_reasons:
        reasons = " ; ".join(escape(reason) for reason in found.secret_reasons)
        out.append(
            f'<p class="small"><strong>s</strong>&nbsp;: valeur couverte par le secret statistique ({reasons}). '
            f'<a href="{escape(reverse("observatoire:methode"))}#secret">Pourquoi&nbsp;?</a></p>'
        )
    series_rows = "".join(
        f'<tr><th scope="row">{year}</th><td class="num">{escape(display(value, measure))}</td></tr>'
        for year, value in found.series
    )
    out.append(
        "\n    </div>\n"
        '    <div class="col-lg-6">\n'
        f'      <figure class="chart-figure">{barres(bar, "graphique-detail")}\n</figure>\n'
        "    </div>\n"
        "  </div>\n"
        '  <section class="mt-4" aria-labelledby="evolution">\n'
        '    <h2 id="evolution" class="h5">Évolution</h2>\n'
        '    <div class="row g-4">\n'
        '      <div class="col-lg-8"><figure class="chart-figure">'
        f"{courbe(line, 'graphique-evolution')}\n</figure></div>\n"
        '      <div class="col-lg-4">\n'
        '        <table class="table table-sm">\n'
        f"          <caption>{escape(line.title)}</caption>\n"
        '          <thead><tr><th scope="col">Année</th>'
        f'<th scope="col" class="num">{measure_label}</th></tr></thead>\n'
        f"          <tbody>{series_rows}</tbody>\n"
        "        </table>\n"
        "      </div>\n"
        "    </div>\n"
        "  </section>\n"
        "</div>\n"
    )
    return "".join(out)


def _table_rows(rows, measure: str) -> str:
    """One row per line of the table; « s » with its reason as a tooltip."""
    parts = []
    for row in rows:
        text = display(row.value, measure)
        if text == SECRET:
            value = f'<abbr title="Secret statistique : {escape(row.cell.reason)}">s</abbr>'
        else:
            value = escape(text)
        total = ' class="table-total"' if row.is_total else ""
        parts.append(f'<tr{total}><th scope="row">{escape(row.label)}</th><td class="num">{value}</td></tr>')
    return "".join(parts)
