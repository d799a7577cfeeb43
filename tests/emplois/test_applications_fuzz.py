"""Whatever the application form receives, the answer is in French and never a 500: an
application recorded (then its two emails), or the form shown again with what to correct."""

import html
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emplois.models import Application
from messagerie.models import OutgoingEmail
from tests.emplois.factories import PDF, make_offer

pytestmark = pytest.mark.django_db

ACTIVE_PDF = b"%PDF-1.4\n1 0 obj<</OpenAction<</S/Launch/F(cmd.exe)>>>>endobj\n%%EOF\n"
CONTENTS = st.one_of(
    st.sampled_from([PDF, ACTIVE_PDF, b"", b"MZ\x90\x00", b"PK\x03\x04broken", b"%PDF-", b"\x89PNG\r\n\x1a\n"]),
    st.binary(max_size=2000),
)
# Any name a client may send, but one the test can build an upload from (Django refuses to
# build a file named « a/ » or « .. »; its multipart parser drops such a part before the view).
FILE_NAMES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), min_size=1, max_size=260
).filter(lambda name: os.path.basename(name) not in {"", ".", ".."})
UPLOADS = st.tuples(FILE_NAMES, CONTENTS)
TEXT = st.text(max_size=6000)
FORM = st.fixed_dictionaries(
    {},
    optional={
        "name": st.one_of(st.just("Josette Hoarau"), st.text(max_size=200)),
        "email": st.one_of(st.emails(), st.text(max_size=300)),
        "phone": st.one_of(st.just("0692 12 34 56"), st.text(max_size=40)),
        "message": st.one_of(st.just("Bonjour, je candidate."), TEXT),
        "consent": st.sampled_from(["on", "", "non"]),
        "website_url": st.sampled_from(["", "", "https://spam.example"]),
    },
)
FRENCH_ERRORS = ("est à corriger", "sont à corriger")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=FORM, cv=st.none() | UPLOADS, letter=st.none() | UPLOADS)
def test_any_input_gives_a_french_answer_never_a_500(client, form, cv, letter):
    offer = make_offer()
    data = dict(form)
    for field, value in (("cv", cv), ("letter", letter)):
        if value is not None:
            data[field] = SimpleUploadedFile(value[0], value[1], "application/octet-stream")
    before = Application.objects.count()
    response = client.post(reverse("emplois:apply", args=[offer.pk]), data)
    assert response.status_code in (302, 400, 429)
    if response.status_code == 302:
        assert Application.objects.count() == before + 1
        assert OutgoingEmail.objects.filter(kind="emplois/candidature_confirmation").count() == before + 1
        return
    text = html.unescape(response.content.decode())
    assert Application.objects.count() == before
    if response.status_code == 429:
        assert "Trop d'envois depuis votre connexion" in text
    else:
        assert any(words in text for words in FRENCH_ERRORS), text[text.find("<main") :][:3000]
