"""Each metric has one definition (api-analytics.md §1.9): visitors and visits are counted
through queries/measures.py, not spelled inline as distinct counts in each query module."""

from __future__ import annotations

import re
from pathlib import Path

import umami_server

QUERIES = Path(umami_server.__file__).parent / "queries"
INLINE_COUNT = re.compile(r"func\.count\(\s*func\.distinct\(\s*[\w.]+\.(session_id|visit_id)\b"
                          r"|count\(\s*distinct\s+\w*\.?(session_id|visit_id)", re.IGNORECASE)


def test_visitors_and_visits_are_counted_by_their_definitions():
    inline = [f"{module.relative_to(QUERIES)}: {match.group(0)}"
              for module in sorted(QUERIES.rglob("*.py")) if module.name != "measures.py"
              for match in INLINE_COUNT.finditer(module.read_text())]
    assert inline == []


def test_the_check_sees_both_spellings():
    assert INLINE_COUNT.search("func.count(func.distinct(E.session_id))")
    assert INLINE_COUNT.search("SELECT count(DISTINCT visit_id) FROM website_event")


def test_each_dimension_reads_only_columns_of_the_relation_it_names():
    """A store supplies each relation from its own tables (session attributes joined from
    `session` on Umami's PostgreSQL schema), so a dimension must say truthfully where its
    columns live."""
    from sqlalchemy.sql.visitors import iterate

    from umami_server.queries.dimensions import DIMENSIONS
    from umami_server.storage.records import SESSION_ATTRIBUTES

    for dimension in DIMENSIONS.values():
        read = {element.name for element in iterate(dimension.column)
                if getattr(element, "table", None) is not None}
        assert read, dimension.name
        if dimension.session:
            assert read <= set(SESSION_ATTRIBUTES), (dimension.name, read)
        else:
            assert not read & set(SESSION_ATTRIBUTES), (dimension.name, read)
