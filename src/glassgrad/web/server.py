"""The playground's web server: a FastAPI JSON API plus the static page, served by uvicorn on localhost.

Errors are part of the API: an unknown session is a 404, a request outside the published bounds a 422, a
request the engine cannot serve (a loss that does not fit the data, a CSV with ragged rows) a 400, an upload
over the size limit a 413; each carries a `detail` message saying what to change. Nothing a client sends
should produce a 500.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import Depends, FastAPI, File, Form, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from threadpoolctl import threadpool_limits

import glassgrad as gg
from glassgrad.web.guard import Guard
from glassgrad.web.lessons import LESSONS
from glassgrad.web.network import (
    FEATURES,
    TRAIN_SECONDS,
    Dataset,
    PlaygroundError,
    Run,
    builtin_dataset,
    csv_dataset,
    finite_or_none,
)
from glassgrad.web.schemas import (
    MAX_LAYERS,
    MAX_ROWS,
    MAX_STEPS_PER_REQUEST,
    MAX_UPLOAD_BYTES,
    MAX_WIDTH,
    REGRESSION_SETS,
    Activation,
    DataPoints,
    DatasetName,
    ErrorBody,
    LossName,
    NetworkConfig,
    OptimizerName,
    Options,
    Regularization,
    SessionState,
    TrainRequest,
    TrainResult,
    ValidationErrorBody,
    Walkthrough,
    WeightDerivation,
)
from glassgrad.web.sessions import SessionNotFound, SessionStore, Visitor
from glassgrad.web.walkthrough import explanation, walkthrough, weight_derivation

STATIC = FilePath(__file__).parent / "static"
SessionId = Annotated[str, Path(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                                description="the secret id POST /api/sessions returned")]
Example = Annotated[int, Query(ge=0, lt=MAX_ROWS, description="row of the dataset to walk through")]
OWNER_COOKIE = "glassgrad_owner"  # the token that makes a session its creator's (sessions.py)
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64_000  # an upload's file plus its multipart framing and form fields
ERRORS: dict[int | str, dict[str, Any]] = {**{code: {"model": ErrorBody} for code in (400, 404, 413)},
                                           422: {"model": ValidationErrorBody}}


class Playground:
    """The API's behaviour, apart from HTTP: sessions of `Run`s and what each endpoint does with one."""

    def __init__(self, store: SessionStore[Run], train_seconds: float = TRAIN_SECONDS) -> None:
        self.store, self.train_seconds = store, train_seconds

    def state(self, sid: str, run: Run) -> dict:
        loss, accuracy = run.evaluate(run.train_rows)
        test_loss, test_accuracy = run.evaluate(run.test_rows)
        return {"session_id": sid, "config": run.config, "sizes": run.sizes, "data_source": run.data.source,
                "classes": run.data.classes, "inputs": run.input_names, "train_rows": len(run.train_rows),
                "test_rows": len(run.test_rows), "step": run.step, "epoch": run.epoch,
                "loss": finite_or_none(loss), "accuracy": accuracy, "test_loss": finite_or_none(test_loss),
                "test_accuracy": test_accuracy, "penalty": finite_or_none(run.penalty()),
                "losses": list(run.losses), "history": list(run.history), "layers": run.layer_snapshots(),
                "boundary": run.boundary(), "neurons": run.pictures()}

    def create(self, config: NetworkConfig, who: Visitor) -> dict:
        sid, _ = self.store.create(lambda: Run(config, builtin_dataset(config)), who)
        with self.store.use(sid, who) as run:
            return self.state(sid, run)

    def reconfigure(self, sid: str, config: NetworkConfig, who: Visitor) -> dict:
        """A new network from `config` in the same session; an uploaded dataset stays unless the config has data."""
        with self.store.use(sid, who) as run:
            keep = run.data.source.startswith("upload") and config.data is None
            run = self.store.replace(sid, Run(config, run.data if keep else builtin_dataset(config)), who)
            return self.state(sid, run)

    def upload(self, sid: str, content: bytes, filename: str, target: str | None, task: str | None,
               who: Visitor) -> dict:
        """Train on an uploaded CSV from now on: same layers and settings, input and output sized to the file."""
        with self.store.use(sid, who) as run, tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "upload.csv")
            FilePath(path).write_bytes(content)
            data = csv_dataset(path, _column(target), filename, task)
            run = self.store.replace(sid, Run(_fit_loss(run.config, data), data), who)
            return self.state(sid, run)


def _fit_loss(config: NetworkConfig, data: Dataset) -> NetworkConfig:
    """The config for an uploaded file: its own rows, and a loss its targets allow (several classes need
    cross-entropy, non-class targets a regression loss); the layers and optimizer stay as chosen."""
    update: dict[str, Any] = {"data": None, "weights": None, "features": None}
    wanted = "cross_entropy" if data.classes > 2 else "mse" if data.classes == 0 else None
    if wanted is not None and config.loss != wanted:
        update.update(loss=wanted, activations=[*config.activations[:-1], "identity"])
    return config.model_copy(update=update)


def _column(target: str | None) -> str | int | None:
    """A target column by name, or by index when it is a whole number (negative counts from the end)."""
    if target is None or target == "":
        return None
    try:
        return int(target)
    except ValueError:
        return target


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": message})


async def visitor(request: Request) -> Visitor:
    """Who is asking: the owner token of their cookie (when well-formed) and their address."""
    token = request.cookies.get(OWNER_COOKIE, "")
    return Visitor(token if TOKEN.fullmatch(token) else "", request.client.host if request.client else "")


Who = Annotated[Visitor, Depends(visitor)]


def create_app(capacity: int = 64, allowed_hosts: list[str] | None = None, *, per_client: int = 16,
               idle_seconds: float = 3600.0, clock: Callable[[], float] = time.monotonic,
               train_seconds: float = TRAIN_SECONDS) -> FastAPI:
    """The playground app. Sessions: at most `capacity` live, `per_client` per client address, each expiring after
    `idle_seconds` unused (by `clock`); a train request works at most `train_seconds` (see sessions.py).

    `allowed_hosts` restricts the Host header to these names and IP addresses (so a web page elsewhere cannot
    reach the API through DNS rebinding); None allows any. Every request body is cut off past MAX_BODY_BYTES.

    It sets NumPy's BLAS to one thread in this process: the playground's products are small (the largest, the
    boundary's 10,000 points through a layer, is at most 10,000 × 64 × 64) and its parallelism is its visitors,
    one request per worker thread. OpenBLAS threads such a product, and its threads mostly wait for each other and,
    on a busy machine, for a core: the boundary's first layer took 10–50 ms that way instead of 0.07 ms.
    """
    threadpool_limits(1, user_api="blas")
    app = FastAPI(title="glassgrad playground", version=gg.__version__,
                  description="Build a small network, step through its backward pass one neuron at a time, train it.")
    app.add_middleware(Guard, router=app.router, max_body=MAX_BODY_BYTES, allowed_hosts=allowed_hosts)
    pg = Playground(SessionStore(capacity, per_client, idle_seconds, clock), train_seconds)
    app.state.playground = pg

    @app.exception_handler(SessionNotFound)
    async def _not_found(request: Request, exc: SessionNotFound) -> JSONResponse:
        return _error(404, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's default echoes the offending input, which may be NaN (not JSON): keep where and why only
        errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
                  for e in exc.errors()]
        return JSONResponse(status_code=422, content={"detail": errors})

    @app.exception_handler(PlaygroundError)
    async def _bad_request(request: Request, exc: PlaygroundError) -> JSONResponse:
        return _error(400, str(exc))

    for engine_error in (ValueError, TypeError, RuntimeError, ArithmeticError, IndexError, KeyError):
        async def _engine_error(request: Request, exc: Exception) -> JSONResponse:
            return _error(400, f"glassgrad could not do that: {exc}")

        app.add_exception_handler(engine_error, _engine_error)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/api/options", response_model=Options)
    def options() -> dict:
        """What the page's menus offer, the request limits and the lessons."""
        return {"datasets": list(DatasetName.__args__), "regression_datasets": list(REGRESSION_SETS),
                "features": list(FEATURES), "regularizations": list(Regularization.__args__),
                "activations": list(Activation.__args__),
                "losses": list(LossName.__args__), "optimizers": list(OptimizerName.__args__),
                "limits": {"layers": MAX_LAYERS, "width": MAX_WIDTH, "rows": MAX_ROWS,
                           "upload_bytes": MAX_UPLOAD_BYTES, "steps_per_request": MAX_STEPS_PER_REQUEST},
                "lessons": LESSONS}

    @app.post("/api/sessions", response_model=SessionState, status_code=201, responses=ERRORS)
    def create_session(config: NetworkConfig, who: Who, response: Response) -> dict:
        """Start a session: a network built from `config` on its dataset. Keep the returned id secret; the
        owner cookie set with the first session must come with every request on it."""
        if not who.owner:
            who = Visitor(SessionStore.new_owner(), who.client)
            response.set_cookie(OWNER_COOKIE, who.owner, httponly=True, samesite="strict", path="/api/sessions")
        return pg.create(config, who)

    @app.get("/api/sessions/{sid}", response_model=SessionState, responses=ERRORS)
    def get_session(sid: SessionId, who: Who) -> dict:
        with pg.store.use(sid, who) as run:
            return pg.state(sid, run)

    @app.delete("/api/sessions/{sid}", status_code=204, responses=ERRORS)
    def delete_session(sid: SessionId, who: Who) -> Response:
        pg.store.delete(sid, who)
        return Response(status_code=204)

    @app.put("/api/sessions/{sid}/config", response_model=SessionState, responses=ERRORS)
    def reconfigure(sid: SessionId, config: NetworkConfig, who: Who) -> dict:
        """Rebuild the network from a new config (an uploaded dataset is kept unless the config brings data)."""
        return pg.reconfigure(sid, config, who)

    @app.post("/api/sessions/{sid}/reset", response_model=SessionState, responses=ERRORS)
    def reset(sid: SessionId, who: Who) -> dict:
        """Back to the starting weights (the same ones: they come from the config's seed)."""
        with pg.store.use(sid, who) as run:
            run.reset()
            return pg.state(sid, run)

    @app.post("/api/sessions/{sid}/train", response_model=TrainResult, responses=ERRORS)
    def train(sid: SessionId, request: TrainRequest, who: Who) -> dict:
        """Train for some steps or epochs: at most `steps_per_request` optimizer steps, and about a second of work,
        per call (`new_losses` has one loss per step taken: ask again for the rest)."""
        with pg.store.use(sid, who) as run:
            new = run.train(request.steps, request.epochs, pg.train_seconds)
            return {"state": pg.state(sid, run), "new_losses": new}

    @app.post("/api/sessions/{sid}/dataset", response_model=SessionState, responses=ERRORS)
    async def upload_dataset(sid: SessionId, who: Who,
                             file: Annotated[UploadFile, File(description="CSV, header row first")],
                             target: Annotated[str | None, Form(max_length=100)] = None,
                             task: Annotated[Literal["classification", "regression"] | None, Form()] = None) -> dict:
        """Train on your own CSV (at most 1 MB, 5000 rows, 16 feature columns); `target` names the label column,
        `task` says whether its numbers are classes or values to fit (by default: whole numbers are classes)."""
        content = await file.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            return _error(413, f"{file.filename}: the file is over {MAX_UPLOAD_BYTES} bytes")
        return await run_in_threadpool(pg.upload, sid, content, file.filename or "upload.csv", target, task, who)

    @app.get("/api/sessions/{sid}/data", response_model=DataPoints, responses=ERRORS)
    def data(sid: SessionId, who: Who) -> dict:
        with pg.store.use(sid, who) as run:
            d: Dataset = run.data
            test = np.zeros(len(d.x), dtype=bool)
            test[run.test_rows] = True
            return {"x": d.x.tolist(), "y": d.y.tolist(), "feature_names": d.feature_names, "test": test.tolist()}

    @app.get("/api/sessions/{sid}/walkthrough", response_model=Walkthrough, responses=ERRORS)
    def get_walkthrough(sid: SessionId, who: Who, example: Example = 0) -> dict:
        """Forward one neuron at a time, then backward, for one example: every number the engine computed."""
        with pg.store.use(sid, who) as run:
            return walkthrough(run, example)

    @app.get("/api/sessions/{sid}/weights/{layer}/{row}/{col}", response_model=WeightDerivation, responses=ERRORS)
    def get_weight(sid: SessionId, layer: Annotated[int, Path(ge=1, le=MAX_LAYERS)],
                   row: Annotated[int, Path(ge=0, lt=MAX_WIDTH)], col: Annotated[int, Path(ge=0, lt=MAX_WIDTH)],
                   who: Who, example: Example = 0) -> dict:
        """How ∂L/∂w of one weight came to be, for one example, checked by finite differences."""
        with pg.store.use(sid, who) as run:
            return weight_derivation(run, layer, row, col, example)

    @app.get("/api/sessions/{sid}/explanation", responses={**ERRORS, 200: {"content": {
        "text/markdown": {}, "application/json": {}}}})
    def get_explanation(sid: SessionId, who: Who, example: Example = 0,
                        format: Literal["markdown", "json"] = "markdown") -> Response:  # noqa: A002
        """gg.explain's account of one example's backward pass, as Markdown or its documented JSON."""
        with pg.store.use(sid, who) as run:
            text = explanation(run, example, format)
        if format == "json":
            return Response(text, media_type="application/json")
        return PlainTextResponse(text, media_type="text/markdown")

    @app.get("/api/sessions/{sid}/model.safetensors", responses={**ERRORS, 200: {"content": {
        "application/octet-stream": {}}}})
    def download(sid: SessionId, who: Who) -> Response:
        """The network's state dict as safetensors (PyTorch's names: loads into the same torch.nn.Sequential)."""
        with pg.store.use(sid, who) as run, tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.safetensors")
            gg.save(run.model.state_dict(), path)
            content = FilePath(path).read_bytes()
        return Response(content, media_type="application/octet-stream",
                        headers={"Content-Disposition": 'attachment; filename="glassgrad-playground.safetensors"'})

    return app


def run(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the playground (on localhost unless told otherwise) and print where to open it."""
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    print(f"glassgrad playground: http://{shown}:{port}/  (Ctrl+C to stop)", flush=True)
    uvicorn.run(create_app(allowed_hosts=own_names(host)), host=host, port=port, log_level="warning")


@contextmanager
def served(timeout: float = 20.0) -> Iterator[str]:
    """The playground in a background thread on a free localhost port, for a notebook, a browser test or a bench:
    yields its URL, and stops the server on exit."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        server.should_exit = True
        raise RuntimeError(f"the playground server did not start on port {port} within {timeout:g} s")
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def own_names(host: str) -> list[str]:
    """The Host names a server bound to `host` answers to, besides IP addresses: localhost, the name it was bound
    to, and this machine's names (what a visitor on the network types). Never the names of other sites."""
    return sorted({"localhost", host.lower(), socket.gethostname().lower(), socket.getfqdn().lower()})
