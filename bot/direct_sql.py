"""The statements every turn runs, sent to the database driver directly: compiled once per dialect.

A Core statement built once still costs SQLAlchemy about 150 µs of CPU per execution on SQLite
(its execution context, parameter processing, result wrapping, connection object and events)
against about 10 µs for the driver itself, and about 180 µs more than psycopg's own on PostgreSQL;
a turn runs four or five of them. ``DirectStatement`` compiles a Core statement once for an engine's
dialect (the SQL text and the order of its parameters), and ``direct(engine)`` runs such statements
on a connection from the engine's own pool, through the DBAPI cursor.

What SQLAlchemy would do around a statement is kept:

- a driver error is raised as SQLAlchemy's (``DBAPIError.instance``: ``IntegrityError``,
  ``OperationalError`` …, parameters hidden), so the callers and the HTTP layer's 503 see no
  difference; a lost connection is invalidated with the whole pool's generation, as SQLAlchemy
  does, so the connections opened before a PostgreSQL restart are not handed out again;
- ``before_cursor_execute`` listeners of the engine are called (``bench/turn_cpu.py`` counts the
  statements a turn sends that way);
- a write (``direct(engine, write=True)``) commits at the end of the block and rolls back on an
  error; the connection goes back to the pool as after any use (reset there).

Parameters are passed as the driver takes them: a JSON column's value as its JSON text (bound with
``_JsonText``), rows read back as plain tuples (select JSON columns ``cast(..., Text)`` and parse them).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.types import TypeDecorator

__all__ = ["DirectConnection", "DirectStatement", "JsonText", "direct"]


class JsonText(TypeDecorator[str]):
    """A JSON column's value bound as JSON text already written (PostgreSQL casts it to json)."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Any) -> None:
        return None


class DirectStatement:
    """``statement`` compiled for one dialect: its SQL, and its parameters by name in their order."""

    __slots__ = ("_defaults", "_positional", "sql")

    def __init__(self, statement: ClauseElement, engine: Engine) -> None:
        compiled = statement.compile(dialect=engine.dialect)
        self.sql = str(compiled)
        # qmark / numeric dialects (SQLite) take a tuple in this order; pyformat ones (psycopg) a dict
        self._positional: tuple[str, ...] | None = tuple(compiled.positiontup or ()) if compiled.positional else None
        # values the statement carries itself (a bindparam's value, a LIMIT)
        self._defaults = {name: value for name, value in compiled.params.items() if value is not None}

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        merged = {**self._defaults, **values} if self._defaults else values
        if self._positional is not None:
            return tuple(merged[name] for name in self._positional)
        return dict(merged)


class DirectConnection:
    """A pooled DBAPI connection running ``DirectStatement``s."""

    __slots__ = ("_dbapi_error", "_engine", "_fairy", "invalidated")

    def __init__(self, engine: Engine, fairy: Any) -> None:
        self._engine = engine
        self._fairy = fairy  # sqlalchemy.pool.PoolProxiedConnection
        self._dbapi_error = engine.dialect.loaded_dbapi.Error
        self.invalidated = False

    def execute(self, statement: DirectStatement, values: Mapping[str, Any]) -> Any:
        """The cursor after running ``statement`` (``fetchone()``, ``rowcount``); close it when done."""
        return self._run(statement, statement.parameters(values), many=False)

    def execute_many(self, statement: DirectStatement, rows: Sequence[Mapping[str, Any]]) -> None:
        self._run(statement, [statement.parameters(row) for row in rows], many=True).close()

    def first(self, statement: DirectStatement, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        cursor = self.execute(statement, values)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return tuple(row) if row is not None else None

    def commit(self) -> None:
        try:
            self._fairy.commit()
        except self._dbapi_error as error:
            raise self._wrapped(error, "COMMIT", None, None) from error

    def _run(self, statement: DirectStatement, parameters: Any, *, many: bool) -> Any:
        cursor = None
        try:
            cursor = self._fairy.cursor()
            dispatch = self._engine.dispatch.before_cursor_execute
            if dispatch:
                dispatch(None, cursor, statement.sql, parameters, None, many)
            if many:
                cursor.executemany(statement.sql, parameters)
            else:
                cursor.execute(statement.sql, parameters)
            return cursor
        except self._dbapi_error as error:
            if cursor is not None:
                with contextlib.suppress(Exception):
                    cursor.close()
            raise self._wrapped(error, statement.sql, parameters, cursor) from error

    def _wrapped(self, error: Exception, sql: str, parameters: Any, cursor: Any) -> DBAPIError:
        dialect = self._engine.dialect
        lost = bool(dialect.is_disconnect(error, self._fairy.dbapi_connection, cursor))
        if lost and not self.invalidated:
            # As SQLAlchemy does on a disconnect: every connection of this pool's generation is stale.
            self._engine.pool._invalidate(self._fairy, error)
            self.invalidated = True
        return DBAPIError.instance(
            sql, parameters, error, self._dbapi_error, hide_parameters=True,
            connection_invalidated=lost, dialect=dialect,
        )

    def close(self) -> None:
        if not self.invalidated:  # an invalidated connection was checked in already
            self._fairy.close()


@contextlib.contextmanager
def direct(engine: Engine, *, write: bool = False) -> Iterator[DirectConnection]:
    """A connection from ``engine``'s pool for direct statements; ``write``: committed at the end,
    rolled back (by the pool's reset) on an error."""
    dbapi_error = engine.dialect.loaded_dbapi.Error
    try:
        fairy = engine.raw_connection()
    except dbapi_error as error:
        lost = bool(engine.dialect.is_disconnect(error, None, None))
        raise DBAPIError.instance(
            None, None, error, dbapi_error, hide_parameters=True, connection_invalidated=lost, dialect=engine.dialect
        ) from error
    connection = DirectConnection(engine, fairy)
    try:
        yield connection
        if write:
            connection.commit()
    finally:
        connection.close()
