"""Routes of formation: a trainee's documents behind their private link (joined in
formation/urls.py, namespace « formation »)."""

from django.urls import path

from formation import views_documents

urlpatterns = [
    path("attestation/<str:token>/", views_documents.certificate_page, name="attestation"),
    path("attestation/<str:token>/attestation.pdf", views_documents.certificate_file, name="attestation-fichier"),
    # The same file from the person's « mon inscription » page (its own private link).
    path(
        "mon-inscription/<str:token>/attestation.pdf",
        views_documents.registration_certificate_file,
        name="mon-inscription-attestation",
    ),
]
