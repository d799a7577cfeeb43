"""The conversation of a convention in the admin: read on the convention's page (an inline,
with the « Message aux partenaires » form below it), written through `send_view`; the list
of every message, to find the partners' latest ones."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse

from lib.dates import french_short_date
from partenariats import conversation
from partenariats.models import Convention, ConventionMessage


class ConventionMessageInline(admin.TabularInline):
    """The conversation on the convention's page; staff write in the form its template adds
    below it (posted to ConventionMessageAdmin.send_view), never in these rows."""

    model = ConventionMessage
    extra = 0
    can_delete = False
    template = "admin/partenariats/convention/conversation_inline.html"
    fields = ["created_at", "author_label", "body"]
    readonly_fields = fields
    verbose_name_plural = "Échanges avec les partenaires (chaque message de l'équipe leur est envoyé par courriel)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "partner__organisation")

    @admin.display(description="de")
    def author_label(self, obj):
        if obj.from_staff and obj.author_id:
            return f"Équipe de la CRESS ({obj.author.get_full_name() or obj.author.email})"
        return obj.author_label


class StaffMessageForm(forms.Form):
    body = forms.CharField(label="Message", max_length=conversation.MESSAGE_MAX)


@admin.register(ConventionMessage)
class ConventionMessageAdmin(admin.ModelAdmin):
    list_display = ["convention", "sent_on", "author_kind", "excerpt"]
    list_filter = ["from_staff"]
    search_fields = ["convention__reference", "convention__title", "body"]
    list_select_related = ["convention"]
    fields = ["convention", "author", "partner", "from_staff", "body", "created_at"]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description="envoyé le", ordering="created_at")
    def sent_on(self, obj):
        return french_short_date(obj.created_at)

    @admin.display(description="de")
    def author_kind(self, obj):
        return "Équipe de la CRESS" if obj.from_staff else "Partenaire"

    @admin.display(description="message")
    def excerpt(self, obj):
        return obj.body if len(obj.body) <= 80 else f"{obj.body[:79]}…"

    def get_urls(self):
        return [
            path(
                "envoyer/<int:convention_id>/",
                self.admin_site.admin_view(self.send_view),
                name="partenariats_conventionmessage_send",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        # A message belongs to a convention: it is written below the convention's conversation.
        if not self.has_add_permission(request):
            raise PermissionDenied
        self.message_user(
            request, "Ouvrez la convention : le formulaire « Message aux partenaires » est sous ses échanges."
        )
        return redirect(reverse("admin:partenariats_convention_changelist"))

    def send_view(self, request, convention_id):
        """« Message aux partenaires », posted from the convention's page."""
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        convention = get_object_or_404(Convention, pk=convention_id)
        form = StaffMessageForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request,
                f"Message non envoyé : il est vide ou trop long ({conversation.MESSAGE_MAX} caractères au plus).",
                messages.ERROR,
            )
        else:
            try:
                _message, told = conversation.post_staff_message(
                    convention=convention, author=request.user, body=form.cleaned_data["body"]
                )
            except conversation.ConversationError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                if told:
                    done = f"Message envoyé : {told} membre(s) des partenaires prévenu(s) par courriel."
                    self.message_user(request, done, messages.SUCCESS)
                else:
                    self.message_user(
                        request,
                        "Message enregistré, mais aucun partenaire de la convention n'a de membre inscrit sur le "
                        "portail : personne n'a été prévenu. Rattachez un compte à la structure du partenaire.",
                        messages.WARNING,
                    )
        return redirect(reverse("admin:partenariats_convention_change", args=[convention.pk]))
