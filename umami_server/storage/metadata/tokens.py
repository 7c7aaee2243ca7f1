"""Login tokens (our own table): stored as hashes, deleted to revoke."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import and_, delete, insert, select

from umami_server.storage.metadata.base import Repository, as_utc, now
from umami_server.storage.metadata.rows import UserRow
from umami_server.storage.metadata_schema import auth_token_table, user_table


class AuthTokenRepository(Repository):
    def add_auth_token(self, token_hash: str, user_id: str, expires_at: datetime | None) -> None:
        created = now()
        with self.engine.begin() as connection:
            # Expired tokens go whenever a new one comes, so the table stays small.
            connection.execute(delete(auth_token_table).where(
                auth_token_table.c.expires_at.is_not(None), auth_token_table.c.expires_at < created
            ))
            connection.execute(insert(auth_token_table).values(
                token_hash=token_hash, user_id=user_id, created_at=created, expires_at=expires_at
            ))

    def user_of_token(self, token_hash: str) -> UserRow | None:
        """The non-deleted user a live token belongs to."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(user_table, auth_token_table.c.expires_at)
                .join(auth_token_table, auth_token_table.c.user_id == user_table.c.user_id)
                .where(auth_token_table.c.token_hash == token_hash,
                       user_table.c.deleted_at.is_(None))
            ).mappings().first()
        if row is None:
            return None
        expires = row["expires_at"]
        if expires is not None and as_utc(expires) <= now():
            return None
        return cast(UserRow, {key: value for key, value in row.items() if key != "expires_at"})

    def delete_auth_token(self, token_hash: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(auth_token_table).where(auth_token_table.c.token_hash == token_hash)
            )

    def delete_auth_tokens_of_user(self, user_id: str, keep: str | None = None) -> None:
        condition = auth_token_table.c.user_id == user_id
        if keep:
            condition = and_(condition, auth_token_table.c.token_hash != keep)
        with self.engine.begin() as connection:
            connection.execute(delete(auth_token_table).where(condition))
