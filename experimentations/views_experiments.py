"""Public pages of the experiments pipeline: the list of published experiments, one
experiment (its stage on the path, partners, territories, budget, indicators as a chart with
its table, results), and its public documents through a checked download."""

from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from annuaire.models import Organisation
from experimentations.experiments import public_document
from experimentations.models import Experiment, ExperimentDocument, ExperimentIndicator
from lib.charts import french_number, measure_rows, time_series_chart
from lib.downloads import file_response
from lib.uploads import KINDS
from referentiels.models import Territory

# The path an experiment follows; « abandon » leaves it where it stopped.
PATH = [
    Experiment.Stage.IDEA,
    Experiment.Stage.STUDY,
    Experiment.Stage.TRIAL,
    Experiment.Stage.EVALUATION,
    Experiment.Stage.SPREADING,
]
MIME_BY_EXTENSION = dict(KINDS.values())


def _stage_path(experiment: Experiment, last_stage: str | None = None) -> list[dict]:
    """Each stage of the path: done, current or to come (an abandoned experiment stopped at
    the last stage it reached)."""
    current = experiment.stage if experiment.stage in PATH else last_stage
    position = PATH.index(current) if current in PATH else -1
    return [
        {
            "label": stage.label,
            "state": "fait" if index < position else "en-cours" if index == position else "a-venir",
        }
        for index, stage in enumerate(PATH)
    ]


@require_GET
def experiments(request):
    items = list(
        Experiment.objects.filter(is_public=True)
        .only("title", "slug", "summary", "stage", "starts_on", "ends_on")
        .prefetch_related(Prefetch("territories", queryset=Territory.objects.only("name").order_by("name")))
        .order_by("title")
    )
    return render(request, "experimentations/experiments/list.html", {"experiments": items})


def _indicator_item(indicator: ExperimentIndicator, experiment: Experiment, index: int) -> dict:
    rows = measure_rows((measure.measured_on, measure.value) for measure in indicator.measures.all())
    unit = f" {indicator.unit}" if indicator.unit else ""
    if rows:
        description = (
            f"{len(rows)} mesure{'s' if len(rows) > 1 else ''} du {rows[0].label} au {rows[-1].label} ; "
            f"dernière valeur : {rows[-1].text}{unit}"
        )
    else:
        description = "Aucune valeur mesurée pour l'instant"
    target = french_number(indicator.target)
    description += f" ; cible : {target}{unit}." if target else "."
    today = timezone.localdate()
    begin = experiment.starts_on or (rows[0].on if rows else today)
    end = experiment.ends_on or (rows[-1].on if rows else today)
    chart = time_series_chart(
        rows,
        id=f"indicateur-{index}",
        title=f"{indicator.name} : valeurs mesurées" + (" et cible" if target else ""),
        description=description,
        begin=min(begin, end),
        end=max(begin, end),
        target=indicator.target,
        target_text=f"Cible : {target}" if target else "",
    )
    return {"indicator": indicator, "rows": rows, "chart": chart, "target": target}


@require_GET
def experiment(request, slug):
    found = (
        Experiment.objects.filter(is_public=True, slug=slug)
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=Organisation.objects.only("name", "slug", "is_published").order_by("name"),
            ),
            Prefetch("territories", queryset=Territory.objects.only("name").order_by("name")),
            Prefetch("indicators", queryset=ExperimentIndicator.objects.prefetch_related("measures")),
            Prefetch(
                "documents",
                queryset=ExperimentDocument.objects.filter(is_public=True).only(
                    "pk", "title", "size", "stored_name", "experiment_id"
                ),
                to_attr="public_documents",
            ),
        )
        .first()
    )
    if found is None:
        raise Http404("Cette expérimentation n'existe pas ou n'est pas publiée.")
    last_stage = None
    if found.stage == Experiment.Stage.ABANDONED:
        last_stage = (
            found.transitions.filter(to_state=Experiment.Stage.ABANDONED).values_list("from_state", flat=True).last()
        )
    context = {
        "experiment": found,
        "stages": _stage_path(found, last_stage),
        "abandoned": found.stage == Experiment.Stage.ABANDONED,
        "budget": french_number(found.budget),
        "indicators": [
            _indicator_item(indicator, found, index) for index, indicator in enumerate(found.indicators.all(), 1)
        ],
    }
    return render(request, "experimentations/experiments/detail.html", context)


@require_GET
def experiment_document(request, slug, pk):
    """A public document of a public experiment, under its original name."""
    document = public_document(slug=slug, pk=pk)
    if document is None:
        raise Http404("Ce document n'existe pas ou n'est pas public.")
    try:
        stream = default_storage.open(document.file.name, "rb")
    except FileNotFoundError as missing:
        raise Http404("Ce document n'est plus disponible.") from missing
    extension = "." + document.stored_name.rsplit(".", 1)[-1] if "." in document.stored_name else ""
    response = file_response(
        stream,
        filename=document.original_name or f"{document.title}{extension}",
        content_type=MIME_BY_EXTENSION.get(extension, "application/octet-stream"),
    )
    return response
