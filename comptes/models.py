from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


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
        # Login by email is case-insensitive: emails are stored lower-cased.
        return self.get(email__iexact=username)


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
        return self.memberships.exists()


class PartnerMembership(models.Model):
    """Links a partner user to the organisation of the directory they act for."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Administrateur de la structure"
        MEMBER = "membre", "Membre"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur")
    organisation = models.ForeignKey(
        "annuaire.Organisation",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="structure",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "rattachement à une structure partenaire"
        verbose_name_plural = "rattachements aux structures partenaires"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="comptes_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation}"
