"""Whatever is posted to the Prix de l'ESS's forms (the start, both steps of the
application, the conflict, the grid), the answer is a page or a redirect with a French
message, never a server error, and nothing invalid is stored."""

from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appartenance.models_prix import PrixApplication, PrixScore
from tests.appartenance.prix_factories import make_applicant, make_application, make_campaign, make_juror

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
VALUES = st.one_of(
    st.text(max_size=5000),
    st.sampled_from(["", "0", "-1", "11", "1e9", "99999999999999999999", "\x00", "'", "<script>", "on", "7", "abc"]),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


@pytest.fixture
def prix_world(client):
    campaign = make_campaign()
    organisation, user = make_applicant()
    draft = make_application(campaign, organisation, user, submit=False)
    return campaign, organisation, user, draft


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["organisation", "category", "x"]), VALUES, max_size=3))
def test_the_start_form(client, prix_world, data):
    campaign, _organisation, user, _draft = prix_world
    client.force_login(user)
    response = client.post(f"/ess/prix/{campaign.year}/candidater/", data)
    assert response.status_code == 302


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["project_title", "summary", "impact", "suite"]), VALUES, max_size=4))
def test_the_project_step(client, prix_world, data):
    _campaign, _organisation, user, draft = prix_world
    client.force_login(user)
    response = client.post(f"/ess/prix/candidature/{draft.pk}/", data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert "Ce n'est pas enregistré" in unescape(response.content.decode())
    draft.refresh_from_db()
    draft.full_clean()


@FUZZ
@given(
    data=st.dictionaries(st.sampled_from(["action", "title", "attachment", "confirm"]), VALUES, max_size=4),
    content=st.binary(max_size=300),
)
def test_the_files_step(client, prix_world, data, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _campaign, _organisation, user, draft = prix_world
    client.force_login(user)
    response = client.post(
        f"/ess/prix/candidature/{draft.pk}/pieces/", {**data, "file": SimpleUploadedFile("f.pdf", content)}
    )
    assert response.status_code in (302, 400)
    assert set(draft.attachments.values_list("file_kind", flat=True)) <= {"pdf", "png", "jpeg", "webp", "odt", "docx"}
    assert PrixApplication.objects.get(pk=draft.pk).status in ("brouillon", "deposee")


@pytest.fixture
def jury_world():
    campaign = make_campaign(phase="jury")
    organisation, user = make_applicant()
    application = make_application(campaign, organisation, user)
    return campaign, application, make_juror(campaign)


@FUZZ
@given(values=st.lists(VALUES, min_size=4, max_size=4))
def test_the_grid(client, jury_world, values):
    campaign, application, juror = jury_world
    client.force_login(juror.user)
    names = [f"critere_{c.pk}" for c in campaign.criteria.all()] + ["comment"]
    response = client.post(
        f"/ess/prix/{campaign.year}/jury/candidatures/{application.pk}/", dict(zip(names, values, strict=True))
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert "Ce n'est pas enregistré" in unescape(response.content.decode())
    assert all(0 <= points <= 10 for points in PrixScore.objects.values_list("points", flat=True))


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["organisation", "reason"]), VALUES, max_size=2))
def test_the_conflict_form(client, jury_world, data):
    campaign, _application, juror = jury_world
    client.force_login(juror.user)
    response = client.post(f"/ess/prix/{campaign.year}/jury/conflits/", data)
    assert response.status_code == 302


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["minutes", "prix_1", "prix_999999", "autre"]), VALUES, max_size=4))
def test_the_deliberation_form_of_the_admin(admin_client, jury_world, data):
    campaign, application, _juror = jury_world
    data = {key.replace("prix_1", f"prix_{application.pk}") if key == "prix_1" else key: v for key, v in data.items()}
    response = admin_client.post(f"/gestion/appartenance/prixcampaign/{campaign.pk}/deliberation/", data)
    assert response.status_code in (200, 302)
    application.refresh_from_db()
    assert application.status in ("deposee", "laureate", "non_retenue")
    if response.status_code == 200:
        assert "errornote" in response.content.decode() or "errorlist" in response.content.decode()
