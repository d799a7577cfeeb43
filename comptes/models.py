import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib.tokens import token_hash


def login_identity(typed: str) -> str:
    """The account an email typed at login stands for: NFKC-normalised, trimmed, lower-cased.

    Login (`UserManager.get_by_natural_key`) and the lockout (`comptes.lockout`) both use
    this, so every spelling that can open an account counts against that account's lockout.
    NFKC folds the compatibility look-alikes (full-width « ＡＤＭＩＮ », the long « ſ »,
    ligatures, non-breaking spaces). Confusables that NFKC keeps apart (Cyrillic « а »,
    Turkish dotless « ı ») are left as typed: they name another address, which never opens
    the account, and their failures still count in the per-address limit.
    """
    return unicodedata.normalize("NFKC", typed).strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Une adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("Un superutilisateur doit avoir is_staff et is_superuser.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        """The account whose address has the same login identity as `username`.

        The database's case-insensitive match narrows the search; the comparison itself is
        done on `login_identity`, because PostgreSQL's upper() also folds look-alikes
        (« admın », with a dotless ı, would otherwise open « admin »'s account while its
        failures counted against another name).
        """
        wanted = login_identity(username)
        for user in self.filter(email__iexact=wanted):
            if login_identity(user.email) == wanted:
                return user
        raise self.model.DoesNotExist(f"Aucun compte pour {wanted!r}.")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: CRESS staff (is_staff, with role groups) or a partner user."""

    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_staff = models.BooleanField(
        "équipe CRESS",
        default=False,
        help_text="Peut se connecter à l'espace de gestion.",
    )
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="comptes_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_partner(self) -> bool:
        """Whether the person acts for a structure of the directory.

        `memberships` is the reverse side of `annuaire.PartnerMembership.user`: memberships
        live with the organisations they point at, in the layer above, and comptes reads
        them only through this relation.
        """
        return self.memberships.exists()


class AuthenticatorApp(TOTPDevice):
    """django-otp's TOTP device under its French name, for the admin."""

    class Meta:
        proxy = True
        verbose_name = "application d'authentification"
        verbose_name_plural = "applications d'authentification"

    def __str__(self):
        return f"Application d'authentification de {self.user}"


class RecoveryCodeSet(ThrottlingMixin, Device):
    """A user's one-time recovery codes, as a django-otp device.

    Used when the authenticator app is lost: a code verifies the session like a TOTP code,
    once. Unlike django-otp's StaticToken, only each code's SHA-256 is stored (the codes
    are 16 random characters, about 79 bits: a fast hash is enough, and a leaked table
    gives nothing away).
    """

    class Meta(Device.Meta):
        verbose_name = "jeu de codes de secours"
        verbose_name_plural = "jeux de codes de secours"

    def __str__(self):
        return f"Codes de secours de {self.user}"

    def get_throttle_factor(self) -> int:
        # The same delays between wrong codes as for the TOTP codes (1, 2, 4, 8… seconds).
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        """Accept an unused code of this set and mark it used (race-safe: one UPDATE)."""
        if not self.verify_is_allowed()[0]:
            return False
        used = self.codes.filter(digest=recovery_code_digest(str(token)), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False


def recovery_code_digest(code: str) -> str:
    """SHA-256 of a recovery code as printed, ignoring case, spaces and hyphens."""
    return token_hash("".join(ch for ch in code.upper() if ch.isalnum()))


class RecoveryCode(models.Model):
    code_set = models.ForeignKey(
        RecoveryCodeSet, on_delete=models.CASCADE, related_name="codes", verbose_name="jeu de codes"
    )
    digest = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)

    class Meta:
        verbose_name = "code de secours"
        verbose_name_plural = "codes de secours"

    def __str__(self):
        return f"Code de secours n° {self.pk} ({'utilisé' if self.used_at else 'disponible'})"
