from django import forms
from django.contrib import admin
from django.utils import timezone

from communication.models import Event, NewsArticle, NewsCategory, Publication, Tag
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


class PublishableAdmin(admin.ModelAdmin):
    actions = ["publish_now", "back_to_draft"]
    show_full_result_count = False

    @admin.display(description="publication")
    def state(self, obj):
        return obj.state_label

    @admin.action(description="Publier maintenant les éléments choisis", permissions=["change"])
    def publish_now(self, request, queryset):
        count = queryset.update(status=Publication.PUBLISHED, publish_at=timezone.now())
        self.message_user(request, f"{count} élément(s) publié(s).")

    @admin.action(description="Repasser en brouillon", permissions=["change"])
    def back_to_draft(self, request, queryset):
        count = queryset.update(status=Publication.DRAFT)
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
