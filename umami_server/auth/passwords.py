"""Password hashing with bcrypt, so hashes copied from an Umami database verify unchanged."""

from __future__ import annotations

import secrets

import bcrypt

# Umami hashes with cost 10; verification reads the cost from each hash.
_COST = 10
# bcrypt only looks at the first 72 bytes; longer input is refused rather than silently cut.
MAX_PASSWORD_BYTES = 72


def hash_password(password: str) -> str:
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES:
        raise ValueError(f"passwords may be at most {MAX_PASSWORD_BYTES} bytes long")
    return bcrypt.hashpw(encoded, bcrypt.gensalt(rounds=_COST)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8")[:MAX_PASSWORD_BYTES],
                              password_hash.encode("ascii"))
    except ValueError:
        return False


def generate_password() -> str:
    return secrets.token_urlsafe(15)
