"""Private links: an unguessable token goes in the address, only its hash is stored."""

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """A fresh token (256 bits, URL-safe) and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
