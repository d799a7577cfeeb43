"""Account activation links: like password reset links, but valid for days, because a
person given access (a validated claim) may read the email later than an hour.

Built on public APIs only (django.utils.crypto), so that a Django upgrade cannot break
them: a token is `<when it was made, base 36>-<HMAC>`, the HMAC covering that moment and
the account's state (password hash, last login, email, active flag). Setting the first
password changes that state: a link works once. It expires ACCOUNT_ACTIVATION_DAYS after
it was made. The interface is the one of Django's token generators (make_token,
check_token), so PasswordResetConfirmView takes it."""

import time

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36


class ActivationTokenGenerator:
    key_salt = "comptes.tokens.ActivationTokenGenerator"
    # Seconds since the epoch. An attribute, so that a test can move the clock.
    clock = staticmethod(time.time)

    def make_token(self, user) -> str:
        issued = int(self.clock())
        return f"{int_to_base36(issued)}-{self._signature(user, issued, settings.SECRET_KEY)}"

    def check_token(self, user, token) -> bool:
        if not (user and token) or not isinstance(token, str):
            return False
        issued_text, _, signature = token.partition("-")
        try:
            issued = base36_to_int(issued_text)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._signature(user, issued, secret), signature)
            for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        ):
            return False
        return int(self.clock()) - issued <= settings.ACCOUNT_ACTIVATION_DAYS * 86400

    def _signature(self, user, issued: int, secret: str) -> str:
        last_login = "" if user.last_login is None else int(user.last_login.timestamp())
        state = f"{user.pk}|{user.password}|{last_login}|{user.email}|{user.is_active}|{issued}"
        return salted_hmac(self.key_salt, state, secret=secret, algorithm="sha256").hexdigest()[::2]


activation_token_generator = ActivationTokenGenerator()
