"""Tests for retold.store: schema version, refusal of foreign files, rows, pairs, the writer lock."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading

import numpy as np
import pytest

from retold import candidates as cand
from retold.errors import StoreError
from retold.store import SCHEMA_VERSION, PairRow, Store


def row(doc, id_, text, previous=None, version=1):
    return {
        "doc": doc, "id": id_, "version": version, "content_hash": f"h{doc}", "previous": previous,
        "title": None, "date": None, "outlet": None, "url": None, "text": text, "metadata": {"id": id_},
        "signature": cand.minhash_signatures([text])[0], "embedding": None,
    }  # fmt: skip


def insert(store, rows):
    sigs = np.vstack([r["signature"] for r in rows])
    with store.transaction():
        store.insert_articles(rows, cand.lsh_band_keys(sigs))


def test_new_store_has_schema_version_and_wal(tmp_path):
    path = tmp_path / "c.db"
    with Store(path) as store:
        assert store.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "1"
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert SCHEMA_VERSION == 1


def test_store_of_another_version_is_refused(tmp_path):
    path = tmp_path / "c.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="schema version 99.*re-index"):
        Store(path)


def test_store_with_other_lsh_settings_is_refused(tmp_path):
    path = tmp_path / "c.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='128perm-5shingle-32x4' WHERE key='lsh'")
    db.commit()
    db.close()
    with Store(path) as store, pytest.raises(StoreError, match="other MinHash LSH settings.*re-index"):
        store.check_lsh_layout()


def test_foreign_files_are_refused(tmp_path):
    text_file = tmp_path / "notes.db"
    text_file.write_text("hello")
    with pytest.raises(StoreError, match="not an SQLite file"):
        Store(text_file)
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a retold store"):
        Store(other)
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "missing.db", create=False)


def test_articles_versions_and_band_neighbours(tmp_path):
    text = "the northern dam at Kessel Lake was breached after three days of heavy rain on Tuesday"
    with Store(tmp_path / "c.db") as store:
        insert(store, [row(1, "a", text), row(2, "b", "an entirely different story about bread and queues")])
        assert store.count() == 2 and store.pending_docs() == [1, 2]
        assert store.current_versions(["a", "zzz"]) == {"a": (1, 1, "h1")}
        probe = cand.lsh_band_keys(cand.minhash_signatures([text]))
        assert store.band_neighbours([-1], probe) == [(-1, 1)]
        # A new version replaces the old one: the old leaves the current set and the LSH bands.
        insert(store, [row(3, "a", text + " again", previous=1, version=2)])
        assert store.current_versions(["a"]) == {"a": (3, 2, "h3")}
        assert store.count() == 2 and store.count(current_only=False) == 3
        assert [b for _, b in store.band_neighbours([-1], probe)] == [3]
        assert store.pending_docs() == [2, 3]  # the superseded version is history: never compared
        with store.transaction():
            store.mark_compared([1, 2, 3])
        assert store.pending_docs() == []


def test_pairs_round_trip_with_comparison(tmp_path):
    with Store(tmp_path / "c.db") as store:
        insert(
            store, [row(1, "a", "one two three four five six"), row(2, "b", "one two three four five seven")]
        )
        pair = PairRow(1, 2, "wholly_derived", 0.9, 0.8, "source_first", 0.7, 0.5, 0.0, 1.0, {"k": [1, 2]})
        with store.transaction():
            store.insert_pairs([pair])
        [got] = store.pairs()
        assert (got.source, got.derived, got.label, got.reuse) == (1, 2, "wholly_derived", 0.9)
        assert store.comparison(1, 2) == {"k": [1, 2]}
        assert store.compared([(2, 1), (1, 3)]) == {(1, 2)}
        assert store.pairs(min_reuse=0.95) == []


def test_failed_transaction_leaves_nothing(tmp_path):
    with Store(tmp_path / "c.db") as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.insert_articles(
                [row(1, "a", "some words here to index")],
                cand.lsh_band_keys(cand.minhash_signatures(["some words here to index"])),
            )
            raise RuntimeError("killed")
        assert store.count() == 0
        assert store.db.execute("SELECT COUNT(*) FROM bands").fetchone()[0] == 0


def test_second_writer_waits_then_fails_clearly(tmp_path):
    path = tmp_path / "c.db"
    held = threading.Event()
    release = threading.Event()

    def holder():
        with Store(path) as store, store.writer_lock():
            held.set()
            release.wait(5)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    told: list[float] = []
    try:
        with (
            Store(path) as store,
            pytest.raises(StoreError, match="being indexed by another process"),
            store.writer_lock(timeout=0.3, on_wait=told.append),
        ):
            pass
    finally:
        release.set()
        t.join()
    assert told == [0.3]  # the waiting process was told once, before it waited
    with Store(path) as store, store.writer_lock(timeout=1):  # free again once the first writer is done
        assert store.count() == 0


def test_store_in_a_missing_folder_is_one_sentence(tmp_path):
    with pytest.raises(StoreError, match="the folder .*no-such-folder does not exist"):
        Store(tmp_path / "no-such-folder" / "c.db")


def test_another_programs_sqlite_file_is_left_as_it_was(tmp_path):
    other = tmp_path / "app.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE users (name)")
    db.commit()
    db.close()
    before = other.read_bytes()
    with pytest.raises(StoreError, match="not a retold store"):
        Store(other)
    assert other.read_bytes() == before  # not even switched to WAL
    assert not (tmp_path / "app.db-wal").exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (["CREATE TABLE meta (key, value)"], "not a retold store"),
        (
            ["CREATE TABLE meta (key, value)", "INSERT INTO meta VALUES ('schema_version', '2024.1')",
             "CREATE TABLE articles (x)", "CREATE TABLE pairs (x)"],
            "schema version 2024.1, this retold reads version 1",
        ),
    ],
)  # fmt: skip
def test_a_meta_table_alone_does_not_make_a_store(tmp_path, setup, message):
    path = tmp_path / "odd.db"
    db = sqlite3.connect(path)
    for statement in setup:
        db.execute(statement)
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=message):
        Store(path, create=False)


def test_reading_an_empty_file_does_not_write_to_it(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(StoreError, match="is empty, not a retold store; build it with `retold index"):
        Store(path, create=False)
    assert path.stat().st_size == 0


def test_a_damaged_store_is_one_sentence(tmp_path):
    path = tmp_path / "c.db"
    with Store(path) as store:
        insert(store, [row(d, f"a{d}", f"text number {d} " * 400) for d in range(1, 40)])
    data = bytearray(path.read_bytes())
    data[-60_000:-20_000] = b"\xde\xad" * 20_000  # pages of article text
    path.write_bytes(bytes(data))
    damaged = r"c\.db is damaged \(database disk image is malformed\); re-index"
    with pytest.raises(StoreError, match=damaged), Store(path, create=False) as store:
        store.articles(list(range(1, 40)))


def test_a_store_that_cannot_be_written_is_read_and_not_indexed(tmp_path, monkeypatch):
    path = tmp_path / "c.db"
    with Store(path) as store:
        insert(store, [row(1, "a", "the dam at Kessel Lake was breached")])
    monkeypatch.setattr("retold.store.os.access", lambda p, mode: False)  # as a user without write access
    with pytest.raises(StoreError, match=r"c\.db is read-only; give --db a file you can write"):
        Store(path)
    with pytest.raises(StoreError, match="cannot be created: the folder .* is read-only"):
        Store(tmp_path / "new.db")
    with Store(path, create=False) as store:
        assert store.read_only and store.count() == 1


def test_a_pipe_or_a_symbolic_link_loop_as_the_store_is_refused_not_waited_on(tmp_path):
    pipe = tmp_path / "fifo.db"
    os.mkfifo(pipe)
    loop = tmp_path / "loop.db"
    loop.symlink_to(loop)
    for create in (True, False):
        with pytest.raises(StoreError, match=r"fifo\.db is not a regular file"):
            Store(pipe, create=create)
        with pytest.raises(StoreError, match=r"loop\.db is a symbolic-link loop"):
            Store(loop, create=create)


def test_a_symbolic_link_loop_is_named_as_python_3_13_reports_it(tmp_path, monkeypatch):
    # Python 3.13 raises OSError(ELOOP) where 3.11 and 3.12 raise RuntimeError.
    import errno
    import pathlib

    loop = tmp_path / "loop.db"
    loop.symlink_to(loop)

    def resolve(self, strict=False):
        raise OSError(errno.ELOOP, "Too many levels of symbolic links", str(self))

    monkeypatch.setattr(pathlib.Path, "resolve", resolve)
    with pytest.raises(StoreError, match=r"loop\.db is a symbolic-link loop"):
        Store(loop, create=False)


def test_a_lock_file_that_cannot_be_opened_is_one_sentence(tmp_path):
    path = tmp_path / "c.db"
    (tmp_path / "c.db.lock").mkdir()
    with (
        Store(path) as store,
        pytest.raises(StoreError, match=r"its lock file .*c\.db\.lock cannot be opened \(Is a directory\)"),
        store.writer_lock(),
    ):
        pass


def test_an_error_after_sqlite_ended_the_transaction_itself_is_not_hidden(tmp_path):
    # SQLITE_FULL rolls the transaction back inside SQLite; a second ROLLBACK failed with "no
    # transaction is active" and the user read that instead of "database or disk is full".
    with (
        Store(tmp_path / "c.db") as store,
        pytest.raises(sqlite3.OperationalError, match="disk is full"),
        store.transaction() as db,
    ):
        db.execute("ROLLBACK")
        raise sqlite3.OperationalError("database or disk is full")


def test_a_read_only_folder_whose_wal_holds_changes_is_refused_not_read_around(tmp_path):
    # A killed `retold index` leaves its last transactions in the -wal file. In a folder we cannot
    # write, SQLite cannot read through the WAL; the store file alone is an older store.
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be made")
    path = tmp_path / "c.db"
    with Store(path) as store:
        insert(store, [row(1, "a", "the dam at Kessel Lake was breached")])
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE articles SET title='changed'")
    writer.commit()
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copy(path, folder / "c.db")
    shutil.copy(tmp_path / "c.db-wal", folder / "c.db-wal")  # the -shm file stays behind, as after a kill
    writer.close()
    assert (folder / "c.db-wal").stat().st_size > 0
    folder.chmod(0o555)
    code = (
        "import sys; from retold.store import Store; from retold.errors import StoreError\n"
        "try:\n    Store(sys.argv[1], create=False)\nexcept StoreError as e:\n    print(e)"
    )
    command = [sys.executable, "-c", code, str(folder / "c.db")]
    if os.geteuid() == 0:  # root writes anywhere; drop the capabilities that let it
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    finally:
        folder.chmod(0o755)
    assert "c.db-wal holds changes that cannot be read in a read-only folder" in result.stdout


def test_a_band_entry_without_its_article_is_a_damaged_store_not_a_key_error(tmp_path):
    path = tmp_path / "c.db"
    with Store(path) as store:
        insert(store, [row(1, "a", "the dam at Kessel Lake was breached"), row(2, "b", "a bakery opened")])
        store.db.execute("DELETE FROM articles WHERE doc = 2")  # as if its page had been overwritten
        with pytest.raises(StoreError, match=r"c\.db is damaged"):
            store.signatures([1, 2])


def test_two_names_for_one_store_share_its_writer_lock(tmp_path):
    path = tmp_path / "c.db"
    link = tmp_path / "link.db"
    Store(path).close()
    link.symlink_to(path)
    with (
        Store(path) as first,
        first.writer_lock(),
        Store(link) as second,
        pytest.raises(StoreError, match="being indexed by another process"),
        second.writer_lock(timeout=0.2),
    ):
        pass


def test_a_full_disk_when_opening_is_not_called_a_bad_store(tmp_path, monkeypatch):
    # On a full disk SQLite cannot make the -shm file and says "disk I/O error": the store is fine.
    path = tmp_path / "c.db"
    Store(path).close()

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "_check_schema", full)
    with pytest.raises(
        StoreError, match=r"c\.db could not be written \(disk I/O error\); free some disk space"
    ):
        Store(path, create=False)
