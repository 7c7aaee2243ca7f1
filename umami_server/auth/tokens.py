"""Login tokens (opaque, stored hashed, revocable) and share tokens (signed, tied to a share).

A login token is 48 random bytes; the database keeps only its SHA-256, so a copy of the
database opens no sessions. Deleting the row revokes the token: logout, a password change and
deleting the user do that. Share tokens are HS256 JWTs like Umami's, but every use checks that
their share still exists, so deleting a share ends the access it gave, and takes what the share
grants from the store as it is now (auth/share_scope.py), not from the token: a board entity
deleted or transferred since the token was issued is no longer granted.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from umami_server.auth.context import Auth, AuthUser
from umami_server.auth.share_scope import share_grants
from umami_server.storage.metadata_store import MetadataStore


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def bearer_token(authorization: str | None) -> str | None:
    """The second word of the Authorization header; the scheme word is not checked (as Umami)."""
    if not authorization:
        return None
    words = authorization.split(" ")
    return words[1] if len(words) > 1 and words[1] else None


class TokenService:
    def __init__(self, store: MetadataStore, secret: str, lifetime: timedelta | None):
        self.store = store
        self.lifetime = lifetime
        # Umami signs with the hex SHA-512 of its secret; do the same.
        self._signing_key = hashlib.sha512(secret.encode()).hexdigest()

    # --- login tokens ---------------------------------------------------------------------------

    def issue(self, user_id: str) -> str:
        token = secrets.token_urlsafe(48)
        expires = datetime.now(UTC) + self.lifetime if self.lifetime else None
        self.store.add_auth_token(token_hash(token), user_id, expires)
        return token

    def revoke(self, token: str) -> None:
        self.store.delete_auth_token(token_hash(token))

    def revoke_all(self, user_id: str, keep: str | None = None) -> None:
        self.store.delete_auth_tokens_of_user(user_id, token_hash(keep) if keep else None)

    def user_of(self, token: str | None) -> AuthUser | None:
        if not token or len(token) > 512:
            return None
        row = self.store.user_of_token(token_hash(token))
        return AuthUser.from_row(row) if row else None

    # --- share tokens ---------------------------------------------------------------------------

    def issue_share_token(self, payload: dict[str, Any]) -> str:
        return jwt.encode({**payload, "iat": int(time.time())}, self._signing_key,
                          algorithm="HS256")

    def read_share_token(self, token: str | None) -> dict[str, Any] | None:
        if not token:
            return None
        try:
            payload = jwt.decode(token, self._signing_key, algorithms=["HS256"])
        except jwt.PyJWTError:
            return None
        share_id = payload.get("shareId")
        share = self.store.get_share(share_id) if isinstance(share_id, str) else None
        if share is None:
            return None  # the share was deleted: its tokens end with it
        shared = payload.get("boardId") or payload.get("websiteId")
        if shared != share["entity_id"]:
            return None
        return share_grants(self.store, share)

    # --- both -----------------------------------------------------------------------------------

    def authenticate(self, headers: Mapping[str, str]) -> Auth:
        """Umami's checkAuth: the user of the bearer token and/or a share token."""
        token = bearer_token(headers.get("authorization"))
        user = self.user_of(token)
        share = self.read_share_token(headers.get("x-umami-share-token"))
        if user is None and share is not None and not headers.get("x-umami-share-context"):
            share = None
        return Auth(token=token, user=user, share=share)
