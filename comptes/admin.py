from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes.forms import AdminUserChangeForm, AdminUserCreationForm
from comptes.models import AuthenticatorApp, RecoveryCode, RecoveryCodeSet, User
from comptes.roles import DELEGATED_ACCOUNT_FIELDS


class DelegatedUserChangeForm(forms.ModelForm):
    """The account form of a non-superuser: no password field, and the admin makes every
    field outside DELEGATED_ACCOUNT_FIELDS read-only (so a forged POST cannot set it)."""

    class Meta:
        model = User
        fields = DELEGATED_ACCOUNT_FIELDS


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Only a superuser grants rights, sets another person's password or touches a
    superuser's account. Direction (change permission on users) may view every account
    and edit the names and activation of an account that is not a superuser's."""

    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Rôles et droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    delegated_fieldsets = (
        (None, {"fields": ("email",)}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Rôles et droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups", "user_permissions"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False  # read-only for anyone else
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # deleting personal records

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.delegated_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return self.readonly_fields
        shown = [name for _title, options in self.delegated_fieldsets for name in options["fields"]]
        return [name for name in shown if name not in DELEGATED_ACCOUNT_FIELDS]

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and not request.user.is_superuser:
            kwargs["form"] = DelegatedUserChangeForm
        return super().get_form(request, obj, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        # Setting a password without knowing the old one: superusers only. Everyone changes
        # their own password through the admin's « Changer de mot de passe » page.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """The role groups are synced from the declaration (cress/access.py); only a superuser edits groups."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class SecondFactorAdmin(admin.ModelAdmin):
    """Second factors, for superusers only: see who enrolled, delete one to reset it.

    Nothing secret is shown (neither the TOTP key nor the codes, which are only hashes),
    nothing is added or edited here: a person enrols from their own account page.
    """

    list_display = ["owner", "is_confirmed", "last_used"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["owner", "is_confirmed", "last_used"]
    readonly_fields = fields

    @admin.display(description="utilisateur", ordering="user__email")
    def owner(self, device):
        return device.user

    @admin.display(description="confirmé", boolean=True)
    def is_confirmed(self, device):
        return device.confirmed

    @admin.display(description="dernière utilisation")
    def last_used(self, device):
        return getattr(device, "last_used_at", None) or "—"

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecoveryCodeInline(admin.TabularInline):
    model = RecoveryCode
    fields = ["used_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AuthenticatorApp)
class AuthenticatorAppAdmin(SecondFactorAdmin):
    pass


@admin.register(RecoveryCodeSet)
class RecoveryCodeSetAdmin(SecondFactorAdmin):
    list_display = [*SecondFactorAdmin.list_display, "codes_left"]
    inlines = [RecoveryCodeInline]

    @admin.display(description="codes restants")
    def codes_left(self, code_set):
        return code_set.codes.filter(used_at__isnull=True).count()


# django-otp's own admin shows the TOTP key and a QR code of it: AuthenticatorApp replaces it.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
