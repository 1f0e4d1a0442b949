"""Per-visitor state: each playground session is a `Run` behind an unguessable id, in a bounded store.

The id is the only key to a session (there is no listing endpoint), so one visitor cannot read or change
another's run without being given the id. The store holds at most `capacity` sessions and evicts the one used
least recently. All engine work goes through `SessionStore.use`, which holds one lock: glassgrad's grad mode and
random generator are process-wide, so two requests must never train at the same time.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class SessionNotFound(LookupError):
    """The id names no live session (never created, evicted, or deleted)."""


class SessionStore(Generic[T]):
    """A bounded, least-recently-used map from secret ids to session objects."""

    def __init__(self, capacity: int = 64) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._items)

    def create(self, build: Callable[[], T]) -> tuple[str, T]:
        """Build a session under the engine lock and file it under a fresh id (evicting the oldest if full)."""
        with self._lock:
            item = build()
            sid = secrets.token_urlsafe(24)
            self._items[sid] = item
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
            return sid, item

    @contextmanager
    def use(self, sid: str) -> Iterator[T]:
        """The session behind `sid`, with the engine lock held for as long as the caller works on it."""
        with self._lock:
            item = self._items.get(sid)
            if item is None:
                raise SessionNotFound("no such session: it expired or never existed; start one with POST /api/sessions")
            self._items.move_to_end(sid)
            yield item

    def replace(self, sid: str, item: T) -> T:
        """Put a new session object behind an existing id (a rebuilt network keeps its session)."""
        with self._lock:
            if sid not in self._items:
                raise SessionNotFound("no such session: it expired or never existed")
            self._items[sid] = item
            self._items.move_to_end(sid)
            return item

    def delete(self, sid: str) -> None:
        with self._lock:
            if self._items.pop(sid, None) is None:
                raise SessionNotFound("no such session: it expired or never existed")
