"""The collection store: one SQLite file (WAL) holding articles, their signatures and compared pairs.

Schema version 1 (docs/collections.md draws it in full):

    meta(key PRIMARY KEY, value)              schema_version = "1", created_by
    articles(doc PRIMARY KEY, id, version, content_hash, previous, current, title, date, outlet, url,
             text, metadata JSON, signature BLOB (128 × uint32), embedding BLOB (384 × float32) | NULL,
             state 'indexed' | 'compared')
    bands(band, key, doc)                     LSH band keys of current articles (see retold.candidates)
    pairs(source, derived, label, reuse, coverage, direction, confidence, jaccard, cosine, facts_agree,
          comparison BLOB (zlib JSON of Comparison.to_dict()))

An article enters in state ``indexed`` in the same transaction as its band keys; it becomes
``compared`` in the transaction that stores its last pair. A run that is killed therefore leaves
complete rows only, and the next run compares whatever is still ``indexed``.

Only one process writes at a time: ``writer_lock`` takes an exclusive ``flock`` on ``<db>.lock``,
waiting up to ``timeout`` seconds before failing with a sentence that says what to do.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retold.errors import StoreError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    doc INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    previous INTEGER REFERENCES articles(doc),
    current INTEGER NOT NULL DEFAULT 1,
    title TEXT, date TEXT, outlet TEXT, url TEXT,
    text TEXT NOT NULL,
    metadata TEXT NOT NULL,
    signature BLOB NOT NULL,
    embedding BLOB,
    state TEXT NOT NULL DEFAULT 'indexed',
    UNIQUE (id, version)
);
CREATE INDEX IF NOT EXISTS articles_current ON articles(id) WHERE current = 1;
CREATE INDEX IF NOT EXISTS articles_pending ON articles(state) WHERE state = 'indexed';
CREATE TABLE IF NOT EXISTS bands (
    band INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (band, key, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pairs (
    source INTEGER NOT NULL, derived INTEGER NOT NULL,
    label TEXT NOT NULL, reuse REAL NOT NULL, coverage REAL NOT NULL, direction TEXT NOT NULL,
    confidence REAL NOT NULL, jaccard REAL NOT NULL, cosine REAL NOT NULL, facts_agree REAL NOT NULL,
    comparison BLOB,
    PRIMARY KEY (source, derived)
);
CREATE INDEX IF NOT EXISTS pairs_derived ON pairs(derived);
"""

# How long a second writer waits for the first before giving up. Long enough to outlast a typical
# incremental add; a full re-index of a large collection should not be run twice at once anyway.
DEFAULT_LOCK_TIMEOUT = 600.0
# How long opening a store waits for another process that holds it (SQLite's busy timeout).
OPEN_TIMEOUT = 60.0


@dataclass(slots=True)
class StoredArticle:
    """An article row without its signature and embedding."""

    doc: int
    id: str
    version: int
    content_hash: str
    title: str | None
    date: str | None
    outlet: str | None
    url: str | None
    text: str
    metadata: dict[str, Any]


@dataclass(slots=True)
class PairRow:
    """One compared pair as stored (article numbers, not ids)."""

    source: int
    derived: int
    label: str
    reuse: float
    coverage: float
    direction: str
    confidence: float
    jaccard: float
    cosine: float
    facts_agree: float
    comparison: dict[str, Any] | None = None


class Store:
    """An open collection store. Use as a context manager, or call ``close``."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        self.path = Path(path)
        if self.path.is_symlink() and not self.path.exists():
            try:
                self.path.resolve(strict=True)
            except (RuntimeError, OSError) as error:
                # Python 3.11-3.12 raise RuntimeError for a loop, 3.13 OSError with ELOOP.
                if isinstance(error, RuntimeError) or error.errno == errno.ELOOP:
                    raise StoreError(f"{self.path} is a symbolic-link loop; give --db a file name") from None
                # otherwise a link to a file not made yet: SQLite creates it
        if not create and not self.path.exists():
            raise StoreError(
                f"{self.path} does not exist; build it first with `retold index FILES --db {self.path}`"
            )
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path} is a folder; give --db a file name such as retold.db")
        if self.path.exists() and not self.path.is_file():
            # A named pipe or a device: SQLite (and the header check) would wait on it for ever.
            raise StoreError(f"{self.path} is not a regular file; give --db a file name such as retold.db")
        # The folder that holds the file itself, through any symbolic link: SQLite writes its journal
        # (the -wal and -shm files) next to the real file, so that folder is the one that must be writable.
        real = self.path.resolve()
        folder = real.parent
        if not folder.is_dir():
            raise StoreError(f"{self.path}: the folder {folder} does not exist; create it first")
        self.create = create
        # A store we may not write is still readable; index refuses it with a sentence, not a traceback.
        writable = os.access(folder, os.W_OK) and (not real.exists() or os.access(real, os.W_OK))
        if create and not writable:
            what = (
                "is read-only"
                if self.path.exists()
                else f"cannot be created: the folder {folder} is read-only"
            )
            raise StoreError(f"{self.path} {what}; give --db a file you can write, or index into a copy")
        self.read_only = not writable
        deadline = time.monotonic() + OPEN_TIMEOUT
        while True:
            try:
                self._open()
                return
            except StoreError:
                self._close_if_open()
                raise
            except sqlite3.OperationalError as error:
                self._close_if_open()
                # Switching a new file to WAL needs an exclusive lock, and SQLite answers "locked" at
                # once, without waiting, where waiting could deadlock: two processes creating one store
                # at the same moment. Opening again is safe, since every step is idempotent.
                if "locked" in str(error) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                if "disk I/O" in str(error) or "full" in str(error):
                    # A full disk cannot take the -shm file: the store is fine, the disk is not.
                    raise self.problem(error) from None
                raise StoreError(
                    f"{self.path} is not a retold store ({error}); give --db a new file name or the right one"
                ) from None
            except sqlite3.DatabaseError as error:
                self._close_if_open()
                raise self.problem(error) from None

    def _close_if_open(self) -> None:
        db = getattr(self, "db", None)  # absent when connect() itself failed
        if db is not None:
            db.close()

    def _open(self) -> None:
        self._check_header()
        if self.read_only:
            self._open_read_only()
            self._check_schema()
            return
        # isolation_level=None: transactions are opened explicitly (BEGIN IMMEDIATE) below.
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=OPEN_TIMEOUT)
        # Before anything is written (WAL mode included): another program's SQLite file stays untouched.
        is_new = self._check_schema()
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable across application crashes and kills in WAL mode; only an OS crash may
        # lose the last transactions, never consistency.
        self.db.execute("PRAGMA synchronous=NORMAL")
        if is_new:
            self._create_schema()

    def _open_read_only(self) -> None:
        uri = f"{self.path.absolute().as_uri()}?mode=ro"
        self.db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=OPEN_TIMEOUT)
        try:
            self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A WAL store in a folder we cannot write has no shared-memory file to read through; read
            # the file as it is (nobody can be writing it: we could not either). Unless its -wal file
            # still holds changes (a run that was killed): reading around them would answer from an
            # older store without a word.
            self.db.close()
            wal = self.path.resolve().with_name(self.path.resolve().name + "-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise StoreError(
                    f"{self.path}: {wal.name} holds changes that cannot be read in a read-only folder; "
                    "copy the store and its -wal file to a folder you can write and read the copy"
                ) from None
            self.db = sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None)

    def _check_header(self) -> None:
        if not self.path.exists():
            return  # a new store
        with open(self.path, "rb") as f:
            head = f.read(16)
        if head and not head.startswith(b"SQLite format 3"):
            raise StoreError(
                f"{self.path} is not a retold store (not an SQLite file); give --db another file name"
            )

    def _check_schema(self) -> bool:
        """Refuse a file that is not a retold store of this schema version; True if it is still empty."""
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            if not self.create:
                raise StoreError(
                    f"{self.path} is empty, not a retold store; build it with `retold index FILES --db {self.path}`"
                )
            return True
        row = None
        if "meta" in tables:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None or not {"articles", "pairs"} <= tables:
            raise StoreError(
                f"{self.path} is an SQLite file but not a retold store; give --db another file name"
            )
        if str(row[0]) != str(SCHEMA_VERSION):
            raise StoreError(
                f"{self.path} is a retold store of schema version {row[0]}, this retold reads version "
                f"{SCHEMA_VERSION}; re-index into a new file with `retold index FILES --db NEW.db`"
            )
        return False

    def _create_schema(self) -> None:
        # One script, one transaction: two processes creating the same store at once both succeed.
        self.db.executescript(
            "BEGIN IMMEDIATE;"
            + _SCHEMA
            + f"INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}');"
            + "INSERT OR IGNORE INTO meta VALUES ('created_by', 'retold');"
            + f"INSERT OR IGNORE INTO meta VALUES ('lsh', '{_lsh_layout()}');"
            + "COMMIT;"
        )

    def check_lsh_layout(self) -> None:
        """Refuse to add or look up by band keys made with other MinHash/LSH settings (reading is fine)."""
        row = self.db.execute("SELECT value FROM meta WHERE key='lsh'").fetchone()
        if row is None or row[0] != _lsh_layout():
            raise StoreError(
                f"{self.path} was indexed with other MinHash LSH settings ({row[0] if row else 'unknown'}, "
                f"this retold uses {_lsh_layout()}); re-index into a new file with `retold index FILES --db NEW.db`"
            )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        self.close()
        if isinstance(error, sqlite3.DatabaseError):
            raise self.problem(error) from None

    def problem(self, error: sqlite3.DatabaseError) -> StoreError:
        """What a failed SQLite call means for the user, in one sentence."""
        message = str(error)
        if "not a database" in message:
            return StoreError(
                f"{self.path} is not a retold store ({message}); give --db a new file name or the right one"
            )
        if "malformed" in message:
            return StoreError(
                f"{self.path} is damaged ({message}); re-index into a new file with "
                "`retold index FILES --db NEW.db`"
            )
        if "readonly" in message:
            return StoreError(f"{self.path} is read-only ({message}); give --db a file you can write")
        if "full" in message or "I/O" in message:
            return StoreError(f"{self.path} could not be written ({message}); free some disk space and rerun")
        return StoreError(f"{self.path}: the store failed ({message})")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed as a whole or not at all (also on Ctrl-C or a kill)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            # SQLite ends the transaction itself on some errors (a full disk, SQLITE_FULL): a ROLLBACK
            # then fails with "no transaction is active" and would hide the error that matters.
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextlib.contextmanager
    def writer_lock(
        self, timeout: float = DEFAULT_LOCK_TIMEOUT, on_wait: Callable[[float], None] | None = None
    ) -> Iterator[None]:
        """Hold the store's single-writer lock; another writer waits, then fails with a clear message.

        ``on_wait(timeout)`` is called once if the lock is held by another process, before waiting, so
        that a waiting command can say so instead of looking hung.
        """
        # Next to the file itself, so that two names for one store (a symbolic link) share one lock.
        real = self.path.resolve()
        lock_path = real.with_name(real.name + ".lock")
        try:
            # 0o666 (less the umask): a shared store's lock must stay usable by its other writers.
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise StoreError(
                f"{self.path}: its lock file {lock_path} cannot be opened ({error.strerror}); "
                "remove it or give --db a store you can write"
            ) from None
        try:
            deadline = time.monotonic() + timeout
            told = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if on_wait is not None and not told:
                        on_wait(timeout)
                        told = True
                    if time.monotonic() >= deadline:
                        raise StoreError(
                            f"{self.path} is being indexed by another process; wait for it to finish, "
                            "then run the command again"
                        ) from None
                    time.sleep(0.1)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    # ---- articles ----------------------------------------------------------------------------------

    def current_versions(self, ids: Sequence[str]) -> dict[str, tuple[int, int, str]]:
        """``id -> (doc, version, content_hash)`` of the current version of each id already stored."""
        found: dict[str, tuple[int, int, str]] = {}
        for lo in range(0, len(ids), 500):  # SQLite's bound-parameter limit is 999 on old builds
            chunk = list(ids[lo : lo + 500])
            marks = ",".join("?" * len(chunk))
            for id_, doc, version, content_hash in self.db.execute(
                f"SELECT id, doc, version, content_hash FROM articles WHERE current = 1 AND id IN ({marks})",
                chunk,
            ):
                found[id_] = (doc, version, content_hash)
        return found

    def earlier_versions(self, ids: Sequence[str]) -> dict[str, dict[str, int]]:
        """``id -> {content_hash: doc}`` of the versions of each id that are not current."""
        found: dict[str, dict[str, int]] = {}
        rows = self._select_in(
            "SELECT id, doc, content_hash FROM articles WHERE current = 0 AND id IN ({}) ORDER BY version",
            ids,
        )
        for id_, doc, content_hash in rows:
            found.setdefault(id_, {})[content_hash] = doc  # the latest version with that text wins
        return found

    def make_current(self, doc: int, band_keys: np.ndarray) -> None:
        """Make a stored earlier version its id's current one again (call inside ``transaction``).

        Its band keys replace the superseded version's, and it is marked ``indexed`` so that the next
        compare step pairs it with the articles added since it was superseded.
        """
        (id_,) = self.db.execute("SELECT id FROM articles WHERE doc = ?", (doc,)).fetchone()
        for (old,) in self.db.execute(
            "SELECT doc FROM articles WHERE id = ? AND current = 1", (id_,)
        ).fetchall():
            self.db.execute("UPDATE articles SET current = 0 WHERE doc = ?", (old,))
            self.db.execute("DELETE FROM bands WHERE doc = ?", (old,))
        self.db.execute("UPDATE articles SET current = 1, state = 'indexed' WHERE doc = ?", (doc,))
        self.db.executemany(
            "INSERT OR IGNORE INTO bands (band, key, doc) VALUES (?,?,?)", _band_rows([doc], band_keys)
        )

    def next_doc(self) -> int:
        row = self.db.execute("SELECT COALESCE(MAX(doc), 0) + 1 FROM articles").fetchone()
        return int(row[0])

    def insert_articles(self, rows: Iterable[dict[str, Any]], band_keys: np.ndarray) -> None:
        """Insert new article versions and their band keys (call inside ``transaction``).

        Each row holds doc, id, version, content_hash, previous, title, date, outlet, url, text,
        metadata (dict), signature (uint32 array) and embedding (float32 array or None).
        """
        rows = list(rows)
        previous = [(r["previous"],) for r in rows if r["previous"] is not None]
        if previous:
            self.db.executemany("UPDATE articles SET current = 0 WHERE doc = ?", previous)
            self.db.executemany("DELETE FROM bands WHERE doc = ?", previous)
        self.db.executemany(
            "INSERT INTO articles (doc, id, version, content_hash, previous, current, title, date, outlet,"
            " url, text, metadata, signature, embedding, state) VALUES (?,?,?,?,?,1,?,?,?,?,?,?,?,?,'indexed')",
            [
                (
                    r["doc"], r["id"], r["version"], r["content_hash"], r["previous"], r["title"], r["date"],
                    r["outlet"], r["url"], r["text"], json.dumps(r["metadata"], ensure_ascii=False),
                    np.asarray(r["signature"], dtype=np.uint32).tobytes(),
                    None if r["embedding"] is None else np.asarray(r["embedding"], dtype=np.float32).tobytes(),
                )
                for r in rows
            ],
        )  # fmt: skip
        self.db.executemany(
            "INSERT OR IGNORE INTO bands (band, key, doc) VALUES (?,?,?)",
            _band_rows([r["doc"] for r in rows], band_keys),
        )

    def count_pending(self) -> int:
        """How many current articles are not compared yet."""
        return int(
            self.db.execute(
                "SELECT count(*) FROM articles WHERE state = 'indexed' AND current = 1"
            ).fetchone()[0]
        )

    def pending_docs(self) -> list[int]:
        """Current articles not compared yet (a superseded version is history: it is never compared)."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT doc FROM articles WHERE state = 'indexed' AND current = 1 ORDER BY doc"
            )
        ]

    def last_versions(self, ids: Sequence[str]) -> dict[str, int]:
        """``id -> highest version number stored`` (not always the current one: see make_current)."""
        rows = self._select_in("SELECT id, MAX(version) FROM articles WHERE id IN ({}) GROUP BY id", ids)
        return {id_: int(version) for id_, version in rows}

    def mark_compared(self, docs: Sequence[int]) -> None:
        self.db.executemany("UPDATE articles SET state = 'compared' WHERE doc = ?", [(d,) for d in docs])

    def signatures(self, docs: Sequence[int]) -> dict[int, np.ndarray]:
        found = {
            doc: np.frombuffer(blob, dtype=np.uint32)
            for doc, blob in self._select_in("SELECT doc, signature FROM articles WHERE doc IN ({})", docs)
        }
        if len(found) < len(set(docs)):
            # Articles are never deleted, so a doc named by the band index without its row means
            # pages of the file were lost or overwritten: say so before anything more is written.
            raise self.problem(sqlite3.DatabaseError("database disk image is malformed"))
        return found

    def embeddings(self) -> tuple[np.ndarray, np.ndarray]:
        """``(docs, matrix)`` of every current article that has an embedding."""
        docs: list[int] = []
        vectors: list[np.ndarray] = []
        for doc, blob in self.db.execute(
            "SELECT doc, embedding FROM articles WHERE current = 1 AND embedding IS NOT NULL ORDER BY doc"
        ):
            docs.append(doc)
            vectors.append(np.frombuffer(blob, dtype=np.float32))
        if not docs:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        return np.array(docs, dtype=np.int64), np.vstack(vectors)

    def band_neighbours(self, docs: Sequence[int], band_keys: np.ndarray) -> list[tuple[int, int]]:
        """``(doc, other)`` for every current article ``other`` not in ``docs`` sharing a band key."""
        if len(docs) == 0:
            return []
        outside = self.db.execute("SELECT COUNT(*) FROM articles WHERE current = 1").fetchone()[0] - len(docs)
        if outside <= 0 and min(docs) > 0:  # every current article is in `docs` (a first index)
            return []
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS probe (band INTEGER, key INTEGER, doc INTEGER)")
        self.db.execute("DELETE FROM probe")
        self.db.executemany("INSERT INTO probe VALUES (?,?,?)", _band_rows(list(docs), band_keys))
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS probe_docs (doc INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM probe_docs")
        self.db.executemany("INSERT INTO probe_docs VALUES (?)", [(d,) for d in docs])
        rows = self.db.execute(
            "SELECT DISTINCT p.doc, b.doc FROM probe p JOIN bands b ON b.band = p.band AND b.key = p.key"
            " WHERE b.doc NOT IN probe_docs"
        ).fetchall()
        return [(int(a), int(b)) for a, b in rows]

    def articles(self, docs: Sequence[int]) -> dict[int, StoredArticle]:
        return {
            row[0]: _stored(row)
            for row in self._select_in(
                "SELECT doc, id, version, content_hash, title, date, outlet, url, text, metadata"
                " FROM articles WHERE doc IN ({})",
                docs,
            )
        }

    def find_by_id(self, id: str) -> StoredArticle | None:
        row = self.db.execute(
            "SELECT doc, id, version, content_hash, title, date, outlet, url, text, metadata"
            " FROM articles WHERE current = 1 AND id = ?",
            (id,),
        ).fetchone()
        return _stored(row) if row else None

    def find_by_hash(self, content_hash: str) -> StoredArticle | None:
        row = self.db.execute(
            "SELECT doc, id, version, content_hash, title, date, outlet, url, text, metadata"
            " FROM articles WHERE current = 1 AND content_hash = ? ORDER BY doc LIMIT 1",
            (content_hash,),
        ).fetchone()
        return _stored(row) if row else None

    def find_by_hash_and_id(self, content_hash: str, id: str | None) -> StoredArticle | None:
        """The stored current article with this id and text, else any with this text, else None."""
        if id is not None:
            found = self.find_by_id(id)
            if found is not None and found.content_hash == content_hash:
                return found
        return self.find_by_hash(content_hash)

    def dates(self, docs: Iterable[int]) -> dict[int, tuple[str, str | None]]:
        """``doc -> (id, date)``."""
        return {
            doc: (id_, date)
            for doc, id_, date in self._select_in(
                "SELECT doc, id, date FROM articles WHERE doc IN ({})", list(docs)
            )
        }

    def ids(self, docs: Iterable[int]) -> dict[int, str]:
        return dict(self._select_in("SELECT doc, id FROM articles WHERE doc IN ({})", list(docs)))

    def count_without_embedding(self) -> int:
        """Current articles that have no lead embedding (indexed without --paraphrase)."""
        row = self.db.execute("SELECT COUNT(*) FROM articles WHERE current = 1 AND embedding IS NULL")
        return int(row.fetchone()[0])

    def count_with_embedding(self, docs: Sequence[int]) -> int:
        """How many of ``docs`` have a lead embedding (were added with --paraphrase)."""
        rows = self._select_in(
            "SELECT COUNT(*) FROM articles WHERE embedding IS NOT NULL AND doc IN ({})", docs
        )
        return sum(int(row[0]) for row in rows)

    def count(self, current_only: bool = True) -> int:
        where = " WHERE current = 1" if current_only else ""
        return int(self.db.execute(f"SELECT COUNT(*) FROM articles{where}").fetchone()[0])

    # ---- pairs -------------------------------------------------------------------------------------

    def compared(self, pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
        """The subset of unordered pairs ``(a, b)``, a < b, that already have a stored verdict."""
        wanted = {(min(a, b), max(a, b)) for a, b in pairs}
        done: set[tuple[int, int]] = set()
        docs = sorted({d for p in wanted for d in p})
        for source, derived in self._select_in(
            "SELECT source, derived FROM pairs WHERE source IN ({})", docs
        ):
            key = (min(source, derived), max(source, derived))
            if key in wanted:
                done.add(key)
        return done

    def insert_pairs(self, rows: Sequence[PairRow]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO pairs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    r.source, r.derived, r.label, r.reuse, r.coverage, r.direction, r.confidence, r.jaccard,
                    r.cosine, r.facts_agree,
                    None if r.comparison is None else zlib.compress(json.dumps(r.comparison).encode(), 6),
                )
                for r in rows
            ],
        )  # fmt: skip

    def pairs(
        self, *, min_reuse: float = 0.0, current_only: bool = True, doc: int | None = None
    ) -> list[PairRow]:
        """Stored pairs (without the comparison JSON), optionally only those touching ``doc``."""
        sql = (
            "SELECT p.source, p.derived, p.label, p.reuse, p.coverage, p.direction, p.confidence, p.jaccard,"
            " p.cosine, p.facts_agree FROM pairs p"
        )
        where = ["p.reuse >= ?"]
        args: list[Any] = [min_reuse]
        if current_only:
            sql += " JOIN articles s ON s.doc = p.source JOIN articles d ON d.doc = p.derived"
            where.append("s.current = 1 AND d.current = 1")
        if doc is not None:
            where.append("(p.source = ? OR p.derived = ?)")
            args += [doc, doc]
        sql += " WHERE " + " AND ".join(where) + " ORDER BY p.source, p.derived"
        return [PairRow(*row) for row in self.db.execute(sql, args)]

    def pair(self, a: int, b: int) -> PairRow | None:
        """The stored pair of two articles, in either order."""
        row = self.db.execute(
            "SELECT source, derived, label, reuse, coverage, direction, confidence, jaccard, cosine, facts_agree"
            " FROM pairs WHERE (source = ? AND derived = ?) OR (source = ? AND derived = ?)",
            (a, b, b, a),
        ).fetchone()
        return PairRow(*row) if row else None

    def titles(self, ids: Sequence[str]) -> dict[str, str | None]:
        return dict(self._select_in("SELECT id, title FROM articles WHERE current = 1 AND id IN ({})", ids))

    def comparison(self, source: int, derived: int) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT comparison FROM pairs WHERE source = ? AND derived = ?", (source, derived)
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return json.loads(zlib.decompress(row[0]))

    def _select_in(self, sql: str, values: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        values = list(values)
        for lo in range(0, len(values), 500):
            chunk = values[lo : lo + 500]
            yield from self.db.execute(sql.format(",".join("?" * len(chunk))), chunk)


def _stored(row: tuple[Any, ...]) -> StoredArticle:
    doc, id_, version, content_hash, title, date, outlet, url, text, metadata = row
    return StoredArticle(
        doc, id_, version, content_hash, title, date, outlet, url, text, json.loads(metadata)
    )


def _lsh_layout() -> str:
    """The MinHash/LSH settings band keys depend on; a store only matches the same settings."""
    from retold import candidates

    return f"{candidates.NUM_PERM}perm-{candidates.SHINGLE_WORDS}shingle-{candidates.LSH_BANDS}x{candidates.LSH_ROWS}"


def _band_rows(docs: Sequence[int], band_keys: np.ndarray) -> list[tuple[int, int, int]]:
    """``(band, key, doc)`` rows sorted by band then key: B-tree inserts in key order append to pages
    instead of splitting them (measured on Reuters: 3× faster than insertion in document order)."""
    n, bands = band_keys.shape if len(docs) else (0, 0)
    band = np.repeat(np.arange(bands, dtype=np.int64)[None, :], n, axis=0).ravel()
    doc = np.repeat(np.asarray(docs, dtype=np.int64), bands)
    key = band_keys.ravel()
    order = np.lexsort((doc, key, band))
    return list(zip(band[order].tolist(), key[order].tolist(), doc[order].tolist(), strict=True))
