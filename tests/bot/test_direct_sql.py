"""Statements run on the driver directly (``bot.direct_sql``), on SQLite and on the real PostgreSQL
server: the same rows, parameters and errors as through SQLAlchemy, listeners still told."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    cast,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.direct_sql import DirectStatement, JsonText, direct
from bot.service import make_engine

POSTGRES = os.environ.get("DVCBOT_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        built = make_engine(f"sqlite:///{tmp_path / 'direct.db'}")
    elif not POSTGRES:
        pytest.skip("DVCBOT_TEST_POSTGRES_URL not set")
    else:
        built = make_engine(POSTGRES)
    yield built
    built.dispose()


def table(engine: Engine) -> Table:
    """A table of its own for each test (PostgreSQL is shared by the whole suite)."""
    rows = Table(
        f"direct_{uuid.uuid4().hex[:10]}", MetaData(),
        Column("id", Integer, primary_key=True), Column("name", String(40), unique=True),
        Column("rank", Integer), Column("data", JSON),
    )
    rows.create(engine)
    return rows


def test_rows_parameters_and_defaults_as_sqlalchemy_gives_them(engine: Engine) -> None:
    rows = table(engine)
    try:
        add = DirectStatement(
            insert(rows).values(name=bindparam("b_name"), rank=bindparam("b_rank"),
                                data=bindparam("b_data", type_=JsonText())),
            engine,
        )
        with direct(engine, write=True) as connection:
            connection.execute_many(add, [
                {"b_name": "thủ tục", "b_rank": 2, "b_data": '{"lệ phí": "miễn"}'},
                {"b_name": "hồ sơ", "b_rank": 1, "b_data": "[1, 2]"},
            ])
        # a value carried by the statement itself (the LIMIT) and one given at the call
        first = DirectStatement(
            select(rows.c.name, cast(rows.c.data, Text)).where(rows.c.rank >= bindparam("b_rank"))
            .order_by(rows.c.rank).limit(1),
            engine,
        )
        with direct(engine) as connection:
            assert connection.first(first, {"b_rank": 1}) == ("hồ sơ", "[1, 2]")
            assert connection.first(first, {"b_rank": 3}) is None
        with engine.connect() as connection:  # what SQLAlchemy reads back: the JSON as written
            stored = dict(connection.execute(select(rows.c.name, rows.c.data)).all())
        assert stored == {"thủ tục": {"lệ phí": "miễn"}, "hồ sơ": [1, 2]}
    finally:
        rows.drop(engine)


def test_a_driver_error_is_sqlalchemys_and_the_write_is_rolled_back(engine: Engine) -> None:
    rows = table(engine)
    try:
        add = DirectStatement(insert(rows).values(name=bindparam("b_name"), rank=bindparam("b_rank")), engine)
        with direct(engine, write=True) as connection:
            connection.execute(add, {"b_name": "a", "b_rank": 1}).close()
        with pytest.raises(IntegrityError), direct(engine, write=True) as connection:
            connection.execute(add, {"b_name": "b", "b_rank": 2}).close()
            connection.execute(add, {"b_name": "a", "b_rank": 3}).close()  # the name is taken
        with engine.connect() as connection:
            assert connection.execute(select(rows.c.name)).scalars().all() == ["a"]  # "b" went with it
    finally:
        rows.drop(engine)


def test_statement_listeners_are_told(engine: Engine) -> None:
    seen: list[str] = []

    def listen(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    one = DirectStatement(select(bindparam("b_value", type_=Integer)), engine)
    event.listen(engine, "before_cursor_execute", listen)
    try:
        with direct(engine) as connection:
            assert connection.first(one, {"b_value": 7}) == (7,)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert seen == [one.sql]


@pytest.mark.skipif(not POSTGRES, reason="DVCBOT_TEST_POSTGRES_URL not set")
def test_a_lost_connection_is_invalidated_with_the_pool_and_reported_as_unavailable() -> None:
    assert POSTGRES
    engine = make_engine(POSTGRES)
    pid = DirectStatement(select(cast(bindparam("b_x", type_=Integer), Text)), engine)
    try:
        with direct(engine) as connection:
            connection.first(pid, {"b_x": 1})
        with engine.connect() as connection:  # the pooled connection, killed by the server
            backend = connection.exec_driver_sql("select pg_backend_pid()").scalar()
        assert backend is not None
        with make_engine(POSTGRES).connect() as killer:
            killer.execute(text("select pg_terminate_backend(:p)"), {"p": backend})
        with pytest.raises(OperationalError) as raised, direct(engine) as connection:
            connection.first(pid, {"b_x": 2})
        assert raised.value.connection_invalidated  # bot.api.errors answers it with a 503
        with direct(engine) as connection:  # a fresh connection, not the dead one again
            assert connection.first(pid, {"b_x": 3}) == ("3",)
    finally:
        engine.dispose()
