"""SQLite writers of one process queue on an in-process gate, opened by commit, rollback or checkin."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from traffic.storage.db import _write_gate, make_engine, writer


def _engine(tmp_path: Path) -> tuple[sa.Engine, str]:
    path = str(tmp_path / "gate.sqlite")
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    return engine, path


def test_a_second_writer_waits_for_the_first_commit(tmp_path: Path) -> None:
    engine, path = _engine(tmp_path)
    order: list[str] = []
    first = Session(writer(engine))
    first.execute(sa.text("INSERT INTO t VALUES (1)"))
    assert _write_gate(path).locked()

    def second() -> None:
        with Session(writer(engine)) as s:
            s.execute(sa.text("INSERT INTO t VALUES (2)"))
            order.append("second wrote")
            s.commit()

    t = threading.Thread(target=second)
    t.start()
    time.sleep(0.3)
    assert order == []  # still queued behind the first writer
    order.append("first commits")
    first.commit()
    first.close()
    t.join(5)
    assert order == ["first commits", "second wrote"]
    assert not _write_gate(path).locked()
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM t")) == 2
    engine.dispose()


def test_rollback_and_close_without_commit_open_the_gate(tmp_path: Path) -> None:
    engine, path = _engine(tmp_path)
    with Session(writer(engine)) as s:
        s.execute(sa.text("INSERT INTO t VALUES (1)"))
        s.rollback()
    assert not _write_gate(path).locked()
    s = Session(writer(engine))
    s.execute(sa.text("INSERT INTO t VALUES (1)"))
    s.close()  # the connection goes back to the pool mid-transaction
    assert not _write_gate(path).locked()
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM t")) == 0
    engine.dispose()


def test_readers_do_not_take_the_gate(tmp_path: Path) -> None:
    engine, path = _engine(tmp_path)
    holder = Session(writer(engine))
    holder.execute(sa.text("INSERT INTO t VALUES (1)"))
    with Session(engine) as reader:  # WAL: a reader goes on while a writer holds the lock
        assert reader.scalar(sa.text("SELECT count(*) FROM t")) == 0
    holder.commit()
    holder.close()
    assert not _write_gate(path).locked()
    engine.dispose()
