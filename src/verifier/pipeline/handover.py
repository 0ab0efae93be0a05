"""Hand-over between the brief's overlapping stages: claims as documents finish, progress bars.

The brief's stages overlap so that `--concurrency` requests stay in flight from the first
call to the last: a document's claims are judged as soon as it is extracted, and a
perspective's summary is drafted as soon as its documents are. Results and requests are
those of the stages run one after another; only the timing changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from verifier.schemas import Claim, DocumentClaims

Progress = Callable[[str, int], AbstractContextManager[Callable[..., Any]]]


class Stopped(Exception):
    """The run stopped (a failure or every document failed) before these claims were ready."""


class Handover:
    """Each document's claims, handed from extraction to the stages that start on them.

    Nothing is handed on until some document has been extracted without error, or the
    caller has `open`ed the hand-over after checking the extraction: a run in which every
    document fails sends nothing after extraction, as when the stages ran one by one.
    """

    def __init__(self, doc_ids: list[str], on_ready: Callable[[DocumentClaims], Any]) -> None:
        self._doc_ids = doc_ids
        self._cond = threading.Condition()
        self._claims: dict[str, list[Claim]] = {}
        self._held: list[DocumentClaims] = []
        self._open = False
        self._stopped = False
        self._on_ready = on_ready

    def put(self, result: DocumentClaims) -> None:
        """A document is extracted (from an extraction worker thread)."""
        with self._cond:
            self._claims[result.doc_id] = list(result.claims)
            self._held.append(result)
        self._hand_on(result.error is None)

    def open(self) -> None:
        """Extraction is over and checked: hand on everything (also with no documents)."""
        self._hand_on(True)

    def _hand_on(self, opening: bool) -> None:
        with self._cond:
            self._open = self._open or opening
            ready, self._held = (self._held, []) if self._open else ([], self._held)
            self._cond.notify_all()
        for r in ready:  # outside the lock: judging a document's claims submits its calls
            self._on_ready(r)

    def stop(self) -> None:
        """The run is stopping: whoever waits for claims gets `Stopped`, never a hang."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def claims_of(self, doc_ids: list[str] | None) -> list[Claim]:
        """The claims of these documents (None: all) in order, once all of them are extracted."""
        doc_ids = self._doc_ids if doc_ids is None else doc_ids

        def ready() -> bool:
            return self._stopped or (self._open and all(d in self._claims for d in doc_ids))

        with self._cond:
            self._cond.wait_for(ready)
            if self._stopped:
                raise Stopped("the brief stopped before these documents were extracted")
            return [c for d in doc_ids for c in self._claims[d]]


class StageBar:
    """A stage's `advance` callback that may fire before the stage's bar is shown.

    The stages overlap but their bars are shown one after another: items finished early
    are counted and shown at once when the bar opens; later ones go straight to it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._early = 0
        self._advance: Callable[..., Any] | None = None

    def __call__(self, *_: Any) -> None:
        with self._lock:
            if self._advance is None:
                self._early += 1
                return
            advance = self._advance
        advance()

    @contextmanager
    def shown(self, progress: Progress, label: str, total: int) -> Iterator[None]:
        with progress(label, total) as advance:
            with self._lock:
                for _ in range(self._early):
                    advance()
                self._early, self._advance = 0, advance
            try:
                yield
            finally:
                with self._lock:
                    self._advance = None
