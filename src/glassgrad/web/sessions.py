"""Per-visitor state: each playground session is a `Run` behind an unguessable id, and its owner's alone.

A session is named by its id and owned by a token: the HttpOnly, SameSite=Strict cookie the server sets when a
visitor makes their first session. A request that names a session with another token (or none) is told the session
does not exist, so a leaked id (a download link, a log line) does not hand the session over. A shared URL carries
neither: it holds the config, which the page replays into a new session of the visitor's own.

The store is bounded three ways: a client (an address) keeps at most `per_client` sessions, losing its own least
recently used beyond that; the store keeps at most `capacity`, and when full the least recently used session of
the client holding the most goes, so no client can push out the sessions of clients holding fewer than it does;
a session unused for `idle_seconds` expires. Every use keeps a session alive.

Each session has its own lock: one visitor's training never waits for another's (glassgrad's grad mode is
per thread; what is process-wide, the random generator, is guarded where the network is built).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
NOT_FOUND = "no such session: it expired or never existed (or is another visitor's); start one with POST /api/sessions"


class SessionNotFound(LookupError):
    """The id names no live session of this visitor's (never created, evicted, expired, deleted, or not theirs)."""


@dataclass(frozen=True)
class Visitor:
    """Who is asking: `owner` is the token from their cookie ("" for none), `client` their address."""

    owner: str
    client: str


@dataclass
class _Entry(Generic[T]):
    item: T
    owner: str
    client: str
    used: float
    lock: threading.RLock = field(default_factory=threading.RLock)


class SessionStore(Generic[T]):
    """A bounded map from secret ids to session objects, each with an owner, a client and a time of last use."""

    def __init__(self, capacity: int = 64, per_client: int = 16, idle_seconds: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.per_client, self.idle_seconds, self.clock = capacity, per_client, idle_seconds, clock
        self._items: OrderedDict[str, _Entry[T]] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()  # guards the map; each session's work holds that session's own lock

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._items)

    @staticmethod
    def new_owner() -> str:
        """A fresh owner token (192 random bits, like the ids)."""
        return secrets.token_urlsafe(24)

    def create(self, build: Callable[[], T], visitor: Visitor) -> tuple[str, T]:
        """Build a session (outside the store's lock: building is engine work) and file it under a fresh id."""
        if not visitor.owner:
            raise ValueError("a session needs an owner token: SessionStore.new_owner() makes one")
        item = build()
        with self._lock:
            self._expire()
            sid = secrets.token_urlsafe(24)
            self._items[sid] = _Entry(item, visitor.owner, visitor.client, self.clock())
            self._evict(visitor.client)
            return sid, item

    @contextmanager
    def use(self, sid: str, visitor: Visitor) -> Iterator[T]:
        """The visitor's session behind `sid`, with its lock held for as long as the caller works on it."""
        entry = self._find(sid, visitor)
        with entry.lock:
            try:
                yield entry.item
            finally:
                self._touch(sid, entry)

    def replace(self, sid: str, item: T, visitor: Visitor) -> T:
        """Put a new session object behind an existing id (a rebuilt network keeps its session)."""
        entry = self._find(sid, visitor)
        entry.item = item
        return item

    def delete(self, sid: str, visitor: Visitor) -> None:
        with self._lock:
            self._check(sid, visitor)
            del self._items[sid]

    # ------------------------------------------------------------------------------------------ bookkeeping
    def _find(self, sid: str, visitor: Visitor) -> _Entry[T]:
        with self._lock:
            self._expire()
            entry = self._check(sid, visitor)
            entry.used = self.clock()
            self._items.move_to_end(sid)
            return entry

    def _check(self, sid: str, visitor: Visitor) -> _Entry[T]:
        entry = self._items.get(sid)
        if entry is None or not visitor.owner or not secrets.compare_digest(entry.owner, visitor.owner):
            raise SessionNotFound(NOT_FOUND)
        return entry

    def _touch(self, sid: str, entry: _Entry[T]) -> None:
        """Work done on a session is use: it counts from when the work ended."""
        with self._lock:
            if self._items.get(sid) is entry:
                entry.used = self.clock()
                self._items.move_to_end(sid)

    def _expire(self) -> None:
        cutoff = self.clock() - self.idle_seconds
        while self._items:
            sid, entry = next(iter(self._items.items()))
            if entry.used > cutoff:
                break
            del self._items[sid]

    def _evict(self, client: str) -> None:
        """Over the client's share, its own least recently used go; over capacity, the biggest holder's do."""
        mine = [sid for sid, e in self._items.items() if e.client == client]
        for sid in mine[: max(0, len(mine) - self.per_client)]:
            del self._items[sid]
        while len(self._items) > self.capacity:
            held = Counter(e.client for e in self._items.values())
            most = max(held.values())
            del self._items[next(sid for sid, e in self._items.items() if held[e.client] == most)]
