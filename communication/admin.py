from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from communication import newsletter, services
from communication.models import (
    Delivery,
    Event,
    NewsArticle,
    NewsCategory,
    NewsletterIssue,
    Publication,
    Subscriber,
    Tag,
    Theme,
)
from lib.admin import LabelledFileInputsMixin, ReadOnlyAdminMixin
from lib.forms import RichTextWidget


@admin.register(NewsCategory)
class NewsCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PublicationStateFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("brouillon", "Brouillons"), ("programmee", "Programmées"), ("publiee", "Publiées")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "brouillon":
            return queryset.filter(status=Publication.DRAFT)
        if self.value() == "programmee":
            return queryset.filter(status=Publication.PUBLISHED, publish_at__gt=now)
        if self.value() == "publiee":
            return queryset.filter(status=Publication.PUBLISHED, publish_at__lte=now)
        return queryset


class PublishableAdmin(LabelledFileInputsMixin, admin.ModelAdmin):
    actions = ["publish_now", "back_to_draft"]
    show_full_result_count = False

    @admin.display(description="publication")
    def state(self, obj):
        return obj.state_label

    @admin.action(description="Publier maintenant les éléments choisis", permissions=["change"])
    def publish_now(self, request, queryset):
        count = services.publish_now(items=queryset)
        self.message_user(request, f"{count} élément(s) publié(s).")

    @admin.action(description="Repasser en brouillon", permissions=["change"])
    def back_to_draft(self, request, queryset):
        count = services.move_back_to_draft(items=queryset)
        self.message_user(request, f"{count} élément(s) repassé(s) en brouillon.")


class NewsArticleForm(forms.ModelForm):
    class Meta:
        model = NewsArticle
        fields = "__all__"  # noqa: DJ007 — the admin's fieldsets choose the fields
        widgets = {"body": RichTextWidget(attrs={"aria-label": "Texte de l'actualité"})}


@admin.register(NewsArticle)
class NewsArticleAdmin(PublishableAdmin):
    form = NewsArticleForm
    list_display = ["title", "category", "state", "publish_at", "featured"]
    list_filter = [PublicationStateFilter, "category", "featured", "tags"]
    list_select_related = ["category"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["territories", "organisations", "tags", "category"]
    date_hierarchy = "publish_at"
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "body")}),
        ("Image", {"fields": ("cover", "cover_alt")}),
        ("Classement", {"fields": ("category", "tags", "territories", "organisations")}),
        ("Publication", {"fields": ("status", "publish_at", "featured")}),
    )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = "__all__"  # noqa: DJ007 — the admin's fieldsets choose the fields
        widgets = {"body": RichTextWidget(attrs={"aria-label": "Programme et informations"})}


@admin.register(Event)
class EventAdmin(PublishableAdmin):
    form = EventForm
    list_display = ["title", "kind", "starts_at", "commune", "state"]
    list_filter = [PublicationStateFilter, "kind", "epci"]
    list_select_related = ["commune"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["commune", "organiser"]
    date_hierarchy = "starts_at"
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "summary", "body")}),
        ("Quand", {"fields": ("starts_at", "ends_at")}),
        ("Où", {"fields": ("commune", "address", "online_url")}),
        ("Organisation et inscription", {"fields": ("organiser", "organiser_name", "registration_url", "capacity")}),
        ("Image", {"fields": ("cover", "cover_alt")}),
        ("Publication", {"fields": ("status", "publish_at")}),
    )


# --- Newsletter ------------------------------------------------------------------------


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "created_at", "confirmed_at"]
    list_filter = ["status", "territories"]
    search_fields = ["email"]
    readonly_fields = [
        "email", "status", "themes", "territories", "consent_text", "consent_at", "created_at", "confirmed_at",
        "unsubscribed_at",
    ]  # fmt: skip
    actions = ["unsubscribe_selected"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # people subscribe themselves (double opt-in); staff never add an address

    @admin.action(description="Désinscrire (et effacer l'adresse)", permissions=["change"])
    def unsubscribe_selected(self, request, queryset):
        for subscriber in queryset:
            newsletter.unsubscribe(subscriber)
        self.message_user(request, f"{queryset.count()} désinscription(s) faite(s).")


class IssueForm(forms.ModelForm):
    themes = forms.TypedMultipleChoiceField(
        label="Thèmes visés", choices=Theme.choices, widget=forms.CheckboxSelectMultiple, required=False,
        help_text=NewsletterIssue._meta.get_field("themes").help_text,
    )  # fmt: skip

    class Meta:
        model = NewsletterIssue
        fields = ["subject", "intro", "news", "events", "themes", "territories"]
        widgets = {"intro": RichTextWidget(attrs={"aria-label": "Éditorial de la lettre"})}


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    form = IssueForm
    list_display = ["subject", "status", "created_at", "sent_at", "recipients"]
    list_filter = ["status"]
    search_fields = ["subject"]
    filter_horizontal = ["news", "events", "territories"]
    change_form_template = "admin/communication/newsletterissue/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(recipient_count=Count("deliveries"))

    @admin.display(description="destinataires", ordering="recipient_count")
    def recipients(self, obj):
        return obj.recipient_count

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.status != NewsletterIssue.Status.DRAFT:
            return ["subject", "intro", "news", "events", "themes", "territories"]
        return []

    def get_changeform_initial_data(self, request):
        """A new issue starts from the last month's news and the next two months' events."""
        now = timezone.now()
        return {
            "news": list(
                NewsArticle.objects.visible()
                .filter(publish_at__gte=now - timedelta(days=31))
                .values_list("pk", flat=True)
            ),
            "events": list(
                Event.objects.visible()
                .filter(ends_at__gte=now, starts_at__lte=now + timedelta(days=62))
                .values_list("pk", flat=True)
            ),
        }

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        now = timezone.now()
        if db_field.name == "news":
            kwargs["queryset"] = NewsArticle.objects.visible().filter(publish_at__gte=now - timedelta(days=120))
        elif db_field.name == "events":
            kwargs["queryset"] = Event.objects.visible().filter(ends_at__gte=now - timedelta(days=31))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/apercu/", wrap(self.preview_view), name="communication_newsletterissue_preview"),
            path("<int:pk>/essai/", wrap(self.test_view), name="communication_newsletterissue_test"),
            path("<int:pk>/envoyer/", wrap(self.send_view), name="communication_newsletterissue_send"),
            path("<int:pk>/incertains/", wrap(self.resend_view), name="communication_newsletterissue_resend"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        issue = self.get_object(request, object_id)
        extra = {}
        if issue is not None:
            extra = {
                "delivery_counts": newsletter.delivery_counts(issue),
                "recipient_estimate": newsletter.recipients(issue).count(),
                "can_send": issue.status == NewsletterIssue.Status.DRAFT,
                "uncertain": issue.deliveries.filter(status=Delivery.Status.UNCERTAIN).count(),
            }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def _issue_for_change(self, request, pk):
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        return issue

    def preview_view(self, request, pk):
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        if not self.has_view_permission(request, issue):
            raise PermissionDenied
        sample = request.build_absolute_uri(reverse("actualites:lettre-inscription"))
        html, _text = newsletter.render_issue(issue, unsubscribe=sample, nonce=str(get_nonce(request)))
        return HttpResponse(html)

    def test_view(self, request, pk):
        issue = self._issue_for_change(request, pk)
        if request.method != "POST":
            raise PermissionDenied
        if not request.user.email:
            self.message_user(
                request, "Votre compte n'a pas d'adresse électronique : l'essai ne peut partir.", messages.ERROR
            )
            return redirect("admin:communication_newsletterissue_change", issue.pk)
        newsletter.send_test(issue, to=request.user.email)
        self.message_user(request, f"Un essai part vers {request.user.email}.", messages.SUCCESS)
        return redirect("admin:communication_newsletterissue_change", issue.pk)

    def send_view(self, request, pk):
        issue = self._issue_for_change(request, pk)
        if request.method == "POST":
            try:
                count = newsletter.start_sending(issue)
            except newsletter.NewsletterError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"Envoi lancé vers {count} abonné·es, par lots.", messages.SUCCESS)
            return redirect("admin:communication_newsletterissue_change", issue.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "issue": issue,
            "count": newsletter.recipients(issue).count(),
            "title": f"Envoyer « {issue.subject} »",
        }
        return TemplateResponse(request, "admin/communication/newsletterissue/envoyer.html", context)

    def resend_view(self, request, pk):
        issue = self._issue_for_change(request, pk)
        if request.method != "POST":
            raise PermissionDenied
        count = newsletter.resend_uncertain(issue)
        self.message_user(request, f"{count} envoi(s) incertain(s) relancé(s).", messages.WARNING)
        return redirect("admin:communication_newsletterissue_change", issue.pk)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Per-recipient status of each issue (read-only: the send writes it)."""

    list_display = ["issue", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "issue"]
    search_fields = ["subscriber__email"]
    list_select_related = ["issue", "subscriber"]
    show_full_result_count = False
