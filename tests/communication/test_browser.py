"""A visitor going from the home page to a news item, then to an event added to their calendar."""

import re
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from tests.communication.factories import CategoryFactory, EventFactory, NewsFactory
from tests.helpers.auth import browser_login
from tests.helpers.browser import serious_accessibility_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_home_to_news_to_event_then_add_to_calendar(page, live_server, tmp_path):
    NewsFactory(
        title="Le Mois de l'ESS s'achève", featured=True, category=CategoryFactory(name="Mois de l'ESS"),
        body="<p>Quarante rendez-vous.</p><h2>Les temps forts</h2><ul><li>Le forum</li></ul>",
    )  # fmt: skip
    NewsFactory(title="Ancienne nouvelle", publish_at=timezone.now() - timedelta(days=30))
    starts = timezone.now() + timedelta(days=4)
    EventFactory(title="Forum de l'ESS de Saint-Denis", starts_at=starts, ends_at=starts + timedelta(hours=6),
                 address="Parc des expositions")  # fmt: skip
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(live_server.url + "/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Le Mois de l'ESS s'achève").click()
    page.wait_for_url("**/actualites/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Le Mois de l'ESS s'achève"
    assert page.get_by_role("heading", name="Les temps forts").is_visible()
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="Agenda", exact=True).first.click()
    page.wait_for_url("**/agenda/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Forum de l'ESS de Saint-Denis").click()
    page.wait_for_url("**/agenda/forum-de-less-de-saint-denis/")
    assert serious_accessibility_violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "forum-de-less-de-saint-denis.ics"
    saved = tmp_path / "evenement.ics"
    download.save_as(saved)
    (event,) = icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
    assert str(event["summary"]) == "Forum de l'ESS de Saint-Denis"
    assert event.decoded("dtstart") == starts.replace(microsecond=0)

    page.goto(live_server.url + "/agenda/mois/")
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/actualites/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="La lettre d'information").click()
    page.wait_for_url("**/actualites/lettre/")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Votre adresse électronique").fill("visiteuse@exemple.re")
    page.get_by_label("Événements et Mois de l'ESS").check()
    page.get_by_label("J'accepte de recevoir la lettre", exact=False).check()
    page.get_by_role("button", name="M'inscrire").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Vérifiez votre messagerie"
    assert problems == []


def test_staff_write_an_article_with_the_rich_text_editor(page, live_server):
    from communication.models import NewsArticle
    from tests.comptes.factories import StaffFactory

    staff = StaffFactory(role="Communication", email="com@exemple.re")
    staff.set_password("mot-de-passe-solide-2026")
    staff.save()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    browser_login(page, live_server.url, "com@exemple.re", "mot-de-passe-solide-2026")
    page.goto(live_server.url + "/gestion/communication/newsarticle/add/")
    page.fill("#id_title", "Portes ouvertes")
    page.fill("#id_summary", "Les structures ouvrent leurs portes.")
    editor = page.locator("trix-editor")
    editor.click()
    page.keyboard.type("Venez nombreux ")
    page.get_by_role("button", name="Gras").click()  # the toolbar speaks French
    editor.press_sequentially("samedi")
    page.select_option("#id_status", "publiee")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.locator(".messagelist .success").wait_for()
    article = NewsArticle.objects.get(slug="portes-ouvertes")
    assert re.search(r"Venez nombreux(&nbsp;| )<strong>samedi</strong>", article.body)
    assert [p for p in problems if "Content Security Policy" in p] == []
