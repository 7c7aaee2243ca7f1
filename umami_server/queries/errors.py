"""The one error the query layer raises: a malformed request, answered with 400."""

from __future__ import annotations

from umami_server.collect.validation import error_tree


class QueryError(Exception):
    """A 400 answer: zod-like `errors` (whole request) and `properties` (per parameter)."""

    def __init__(self, problems: list[tuple[tuple[str, ...], str]]):
        super().__init__("; ".join(message for _, message in problems))
        self.tree = error_tree(problems)

    @classmethod
    def of(cls, name: str | None, message: str) -> QueryError:
        return cls([((name,) if name else (), message)])
