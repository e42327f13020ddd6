"""Substring search through a trigram index: the directory and the alignment tree.

``LIKE '%term%'`` can use no ordinary index, so a search read every person or goal of
the organisation (~100 ms at 100,000 people or 1,000,000 goals). A trigram index finds
the rows holding every three-letter piece of a term instead:

- **PostgreSQL**: ``pg_trgm`` GIN indexes, which the planner uses for the very same
  ``LIKE``/``ILIKE`` the ORM writes, so the query does not change.
- **SQLite**: an FTS5 table with ``tokenize='trigram'`` (external content: it holds the
  index, not a copy of the text), kept in step by triggers. Its ``MATCH '"term"'`` is
  a substring match, case-insensitive like SQLite's ``LIKE``.

A term of one or two characters has no trigram; those terms stay ``LIKE`` filters
(a scan, but of the rows the other terms found, or of everything as before).

On SQLite the search is driven from the index: rows are ``id IN (index hits that are
in the caller's queryset)``, the queryset tested per hit with ``EXISTS``. Written as
``queryset.filter(id IN hits)`` instead, SQLite — which has no statistics — walks the
``status`` index over the whole organisation and probes each row in the hit list,
as slow as the scan it replaces.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, Lookup, OuterRef, QuerySet
from django.db.models.sql.compiler import SQLCompiler

TRIGRAM = 3


class IndexedTextField(models.TextField):
    """A column of an FTS5 table, searchable with ``__match``."""


@IndexedTextField.register_lookup
class Match(Lookup):
    lookup_name = "match"

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str | int, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", (*lhs_params, *rhs_params)


@dataclass(frozen=True)
class TrigramIndex:
    """The trigram index of ``table.column`` (an FTS5 table ``index_table`` on SQLite,
    a GIN index ``name`` over ``expression`` on PostgreSQL)."""

    table: str
    column: str
    index_table: str
    name: str
    expression: str

    def sqlite_statements(self) -> list[str]:
        # The names are this module's constants below, never input: no injection.
        t, c, fts = self.table, self.column, self.index_table
        remove = f"INSERT INTO {fts}({fts}, rowid, {c}) VALUES ('delete', old.id, old.{c});"  # noqa: S608
        add = f"INSERT INTO {fts}(rowid, {c}) VALUES (new.id, new.{c});"  # noqa: S608
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
            f"{c}, content='{t}', content_rowid='id', tokenize='trigram')",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {t} BEGIN {add} END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {t} BEGIN {remove} END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {c} ON {t} "
            f"BEGIN {remove} {add} END",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608
        ]

    def triggers(self) -> list[str]:
        return [f"{self.index_table}_{event}" for event in ("insert", "delete", "update")]


PERSON_SEARCH = TrigramIndex(
    table="people_person",
    column="search_text",
    index_table="people_person_search",
    name="person_search_trgm",
    # Django writes ``contains`` as ``"search_text"::text LIKE …``.
    expression="(search_text::text) gin_trgm_ops",
)
GOAL_SEARCH = TrigramIndex(
    table="goals_goal",
    column="title",
    index_table="goals_goal_search",
    name="goal_title_trgm",
    # Django writes ``icontains`` as ``UPPER("title"::text) LIKE UPPER(…)``.
    expression="UPPER(title::text) gin_trgm_ops",
)


def create_index(connection: BaseDatabaseWrapper, index: TrigramIndex) -> None:
    """Create ``index`` (and fill it) if it is missing; a no-op on other databases."""
    if connection.vendor == "sqlite":
        statements = index.sqlite_statements()
    elif connection.vendor == "postgresql":
        statements = [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f"CREATE INDEX IF NOT EXISTS {index.name} ON {index.table} "
            f"USING gin ({index.expression})",
        ]
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop_index(connection: BaseDatabaseWrapper, index: TrigramIndex) -> None:
    if connection.vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {trigger}" for trigger in index.triggers()]
        statements.append(f"DROP TABLE IF EXISTS {index.index_table}")
    elif connection.vendor == "postgresql":
        statements = [f"DROP INDEX IF EXISTS {index.name}"]
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# Below this many new rows the triggers' per-row cost is negligible.
BULK_MINIMUM = 1000


@contextmanager
def bulk_insert(
    connection: BaseDatabaseWrapper, index: TrigramIndex, *, adding: int
) -> Iterator[None]:
    """``adding`` rows are about to be inserted into ``index.table`` in the current
    transaction (an HRIS import).

    On SQLite, feeding FTS5 row by row from the insert trigger costs about 2.5× what
    one ``rebuild`` of the whole index costs (100,000 people: ~12 s against ~5 s). So
    when the new rows are at least as many as those already there, the insert trigger
    is set aside and the index rebuilt once at the end. SQLite's DDL is transactional:
    if the import fails, its rollback brings the trigger back with everything else.
    Elsewhere (PostgreSQL's GIN index) and for small imports: nothing changes."""
    if connection.vendor != "sqlite" or adding < BULK_MINIMUM:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {index.table}")  # noqa: S608 - our constant
        existing = cursor.fetchone()[0]
        if adding < existing:
            set_aside = False
        else:
            set_aside = True
            cursor.execute(f"DROP TRIGGER IF EXISTS {index.index_table}_insert")
    yield
    if set_aside:
        create_index(connection, index)  # the trigger again, and one rebuild


def repair_indexes(using: str) -> None:
    """Recreate lost triggers (and rebuild the index they should have kept).

    SQLite has no ALTER for most column changes: Django copies the table into a new
    one and drops the old, and its triggers go with it. A later migration of
    ``people_person`` or ``goals_goal`` would leave the index silently out of date;
    this runs after every ``migrate`` (``post_migrate``) to put them back.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
    for index in (PERSON_SEARCH, GOAL_SEARCH):
        if index.table not in present or index.index_table not in present:
            continue  # before the migration that creates it
        if all(trigger in present for trigger in index.triggers()):
            continue
        create_index(connection, index)


def matching_ids(
    queryset: QuerySet, index_model: type[models.Model], field: str, terms: list[str], lookup: str
) -> QuerySet:
    """The ids (an unordered ``values("pk")`` queryset, to slice or nest in ``pk__in``)
    of the rows of ``queryset`` whose ``field`` has every one of ``terms`` as
    ``field__<lookup>`` would find it."""
    indexed = [t for t in terms if len(t) >= TRIGRAM]
    rest = [t for t in terms if len(t) < TRIGRAM]
    if connections[queryset.db].vendor != "sqlite" or not indexed:
        rest = terms
    for term in rest:
        queryset = queryset.filter(**{f"{field}__{lookup}": term})
    if len(rest) == len(terms):
        return queryset.order_by().values("pk")
    phrase = " AND ".join('"' + t.replace('"', '""') + '"' for t in indexed)
    hits = index_model._default_manager.using(queryset.db).filter(**{f"{field}__match": phrase})
    return hits.filter(Exists(queryset.filter(pk=OuterRef("pk")).order_by())).values("pk")
