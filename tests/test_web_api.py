"""The playground's JSON API: every endpoint, its numbers against PyTorch and the articles, and its refusals.

PyTorch (float64) is the oracle for the walkthrough's forward values, deltas and weight gradients; the lessons
are checked against the figures the articles print. Malformed, out-of-bounds and oversized requests must get a
4xx with a message, and one session must never see or change another.
"""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
import torch
from fastapi.testclient import TestClient
from safetensors.numpy import load as load_safetensors

from glassgrad.web import server
from glassgrad.web.schemas import MAX_STEPS_PER_REQUEST, MAX_UPLOAD_BYTES
from glassgrad.web.sessions import SessionNotFound, SessionStore, Visitor


@pytest.fixture
def client() -> TestClient:
    return TestClient(server.create_app(capacity=4, train_seconds=60))  # step counts exact on a loaded machine


def lesson(client: TestClient, lesson_id: str) -> dict:
    lessons = {entry["id"]: entry for entry in client.get("/api/options").json()["lessons"]}
    return lessons[lesson_id]["config"]


def create(client: TestClient, **config) -> dict:
    r = client.post("/api/sessions", json=config)
    assert r.status_code == 201, r.text
    return r.json()


def unpack(packed: str, dtype: type = np.float32) -> np.ndarray:
    """A grid the API sends as base64 of little-endian float32 (or uint8)."""
    return np.frombuffer(base64.b64decode(packed), dtype=np.dtype(dtype).newbyteorder("<"))


SMALL = dict(dataset="moons", samples=60, noise=0.1, hidden=[3, 2], activations=["tanh", "relu", "sigmoid"],
             loss="bce", optimizer="sgd", lr=0.1, batch_size=8, seed=3)


# ------------------------------------------------------------------------------------------ page and options
def test_page_and_static_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert '<script type="module" src="/static/app.js">' in page.text
    for name in ("app.js", "api.js", "graph.js", "plots.js", "urlstate.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200, name
    assert client.get("/static/nope.js").status_code == 404


def test_options_publish_limits_and_lessons(client):
    options = client.get("/api/options").json()
    assert {"xor", "moons", "circles", "spirals", "blobs"} <= set(options["datasets"])
    assert options["limits"] == {"layers": 8, "width": 64, "rows": 5000, "upload_bytes": 1_000_000,
                                 "steps_per_request": MAX_STEPS_PER_REQUEST}
    assert {"seed004-one-weight", "seed002-perceptron", "seed001-two-paths"} <= {x["id"] for x in options["lessons"]}


def test_openapi_schema_documents_the_bounds(client):
    schema = client.get("/openapi.json").json()
    config = schema["components"]["schemas"]["NetworkConfig"]["properties"]
    assert config["hidden"]["maxItems"] == 7 and config["hidden"]["items"]["maximum"] == 64
    assert config["samples"]["maximum"] == 5000
    assert config["lr"]["exclusiveMinimum"] == 0 and config["lr"]["maximum"] == 10
    assert "/api/sessions/{sid}/train" in schema["paths"]


# ------------------------------------------------------------------------------------------ sessions
def test_create_returns_a_secret_id_and_the_network(client):
    state = create(client, **SMALL)
    assert len(state["session_id"]) >= 32
    assert state["sizes"] == [2, 3, 2, 1]
    assert [np.shape(layer["weight"]) for layer in state["layers"]] == [(3, 2), (2, 3), (1, 2)]
    assert state["step"] == 0 and state["losses"] == [] and state["layers"][0]["weight_grad"] is None
    assert state["boundary"]["nx"] * state["boundary"]["ny"] == len(unpack(state["boundary"]["values"])) == 100 * 100
    assert client.get(f"/api/sessions/{state['session_id']}").json()["layers"] == state["layers"]


def test_same_seed_gives_the_same_weights_other_seeds_do_not(client):
    a, b = create(client, **SMALL), create(client, **SMALL)
    c = create(client, **{**SMALL, "seed": 4})
    assert a["session_id"] != b["session_id"]
    assert a["layers"] == b["layers"]
    assert a["layers"][0]["weight"] != c["layers"][0]["weight"]


def test_sessions_are_isolated(client):
    a, b = create(client, **SMALL), create(client, **SMALL)
    client.post(f"/api/sessions/{a['session_id']}/train", json={"steps": 5})
    after_a = client.get(f"/api/sessions/{a['session_id']}").json()
    after_b = client.get(f"/api/sessions/{b['session_id']}").json()
    assert after_a["step"] == 5 and after_b["step"] == 0
    assert after_b["layers"] == b["layers"] and after_a["layers"] != a["layers"]


def test_unknown_malformed_and_deleted_ids(client):
    sid = create(client, **SMALL)["session_id"]
    assert client.get("/api/sessions/" + "A" * 32).status_code == 404
    assert "no such session" in client.get("/api/sessions/" + "A" * 32).json()["detail"]
    assert client.get("/api/sessions/bad%20id!!").status_code == 422
    assert client.post("/api/sessions/" + "B" * 40 + "/train", json={"steps": 1}).status_code == 404
    assert client.delete(f"/api/sessions/{sid}").status_code == 204
    assert client.get(f"/api/sessions/{sid}").status_code == 404
    assert client.delete(f"/api/sessions/{sid}").status_code == 404


class Clock:
    """An injected clock: tests move time, nothing sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def visitors(n: int, client: str = "10.0.0.1") -> list[Visitor]:
    return [Visitor(SessionStore.new_owner(), client) for _ in range(n)]


def test_one_client_cannot_evict_other_clients_sessions():
    store: SessionStore[str] = SessionStore(capacity=8, per_client=3)
    others = [Visitor(SessionStore.new_owner(), f"10.0.0.{i}") for i in range(2, 7)]
    theirs = [(store.create(lambda: "theirs", v)[0], v) for v in others]  # five clients, one session each
    attacker = Visitor(SessionStore.new_owner(), "10.0.0.66")
    made = [store.create(lambda: "mine", attacker)[0] for _ in range(64)]
    for sid, v in theirs:
        with store.use(sid, v) as item:
            assert item == "theirs"
    assert len(store) == 8  # 5 others + the attacker's 3 newest
    alive = [sid for sid in made if _alive(store, sid, attacker)]
    assert alive == made[-3:]
    # a store full of many clients' sessions: a newcomer pushes out the biggest holder's oldest, not the others'
    newcomer = Visitor(SessionStore.new_owner(), "10.0.0.99")
    store.create(lambda: "new", newcomer)
    assert [sid for sid in made if _alive(store, sid, attacker)] == made[-2:]
    assert all(_alive(store, sid, v) for sid, v in theirs)


def _alive(store: SessionStore, sid: str, v: Visitor) -> bool:
    try:
        with store.use(sid, v):
            return True
    except SessionNotFound:
        return False


def test_idle_sessions_expire_and_use_keeps_them_alive():
    clock = Clock()
    store: SessionStore[str] = SessionStore(capacity=8, idle_seconds=600, clock=clock)
    (a, va), (b, vb) = [(store.create(lambda: "run", v)[0], v) for v in visitors(2)]
    for _ in range(5):  # an hour of use, ten minutes apart less a second: a stays, b idles out
        clock.now += 599
        assert _alive(store, a, va)
    assert not _alive(store, b, vb) and len(store) == 1
    clock.now += 600
    assert not _alive(store, a, va) and len(store) == 0
    sid = store.create(lambda: "run", va)[0]  # long work counts as use from when it ended
    with store.use(sid, va):
        clock.now += 10_000
    clock.now += 599
    assert _alive(store, sid, va)


def test_a_session_is_its_owners_alone():
    store: SessionStore[str] = SessionStore()
    owner, thief = Visitor(SessionStore.new_owner(), "10.0.0.1"), Visitor(SessionStore.new_owner(), "10.0.0.1")
    sid = store.create(lambda: "run", owner)[0]
    near = owner.owner[:-1] + ("y" if owner.owner.endswith("x") else "x")  # one character off
    for who in (thief, Visitor("", "10.0.0.1"), Visitor(near, "10.0.0.1")):
        with pytest.raises(SessionNotFound, match="no such session"):
            store.use(sid, who).__enter__()
        with pytest.raises(SessionNotFound):
            store.replace(sid, "stolen", who)
        with pytest.raises(SessionNotFound):
            store.delete(sid, who)
    with store.use(sid, owner) as item:
        assert item == "run"


def test_another_client_with_the_id_cannot_take_the_session_over():
    app = server.create_app()
    owner, other = TestClient(app), TestClient(app)
    state = create(owner, **SMALL)
    sid = state["session_id"]
    cookie = owner.cookies["glassgrad_owner"]
    assert len(cookie) == 32
    for method, path, kw in [("get", "", {}), ("post", "/train", {"json": {"steps": 1}}), ("get", "/data", {}),
                             ("put", "/config", {"json": SMALL}), ("post", "/reset", {}),
                             ("get", "/model.safetensors", {}), ("get", "/walkthrough", {}), ("delete", "", {})]:
        r = getattr(other, method)(f"/api/sessions/{sid}{path}", **kw)
        assert r.status_code == 404 and "no such session" in r.json()["detail"], (method, path)
    other.cookies.set("glassgrad_owner", "x" * 32)  # a guessed token
    assert other.get(f"/api/sessions/{sid}").status_code == 404
    assert owner.get(f"/api/sessions/{sid}").json()["step"] == 0  # untouched, still the owner's
    second = create(owner, **SMALL)  # the same visitor keeps the same token for all its sessions
    assert owner.cookies["glassgrad_owner"] == cookie and second["session_id"] != sid
    created = owner.post("/api/sessions", json=SMALL)
    assert "set-cookie" not in created.headers
    first = TestClient(app).post("/api/sessions", json=SMALL)
    assert {"httponly", "samesite=strict", "path=/api/sessions"} <= set(
        part.strip().lower() for part in first.headers["set-cookie"].split(";"))


def test_sessions_expire_in_the_app_by_the_injected_clock():
    clock = Clock()
    client = TestClient(server.create_app(idle_seconds=60, clock=clock))
    sid = create(client, **SMALL)["session_id"]
    clock.now += 59
    assert client.get(f"/api/sessions/{sid}").status_code == 200
    clock.now += 59
    assert client.post(f"/api/sessions/{sid}/train", json={"steps": 1}).status_code == 200
    clock.now += 61
    assert client.get(f"/api/sessions/{sid}").status_code == 404


def test_a_train_request_stops_at_its_time_limit_and_says_how_far_it_got():
    quick = TestClient(server.create_app(train_seconds=0.0))  # every request: one step, then the deadline
    slow = TestClient(server.create_app(train_seconds=60))
    a, b = create(quick, **SMALL)["session_id"], create(slow, **SMALL)["session_id"]
    r = quick.post(f"/api/sessions/{a}/train", json={"steps": 50}).json()
    assert len(r["new_losses"]) == 1 and r["state"]["step"] == 1
    while r["state"]["step"] < 50:  # the page asks again for the rest
        r = quick.post(f"/api/sessions/{a}/train", json={"steps": 50 - r["state"]["step"]}).json()
    whole = slow.post(f"/api/sessions/{b}/train", json={"steps": 50}).json()
    assert whole["state"]["step"] == 50
    assert r["state"]["layers"] == whole["state"]["layers"]  # the same steps, however they were split


def test_store_is_bounded_and_evicts_the_least_recently_used(client):
    ids = [create(client, **SMALL)["session_id"] for _ in range(4)]
    client.get(f"/api/sessions/{ids[0]}")  # used: ids[1] is now the oldest
    create(client, **SMALL)
    assert client.get(f"/api/sessions/{ids[1]}").status_code == 404
    assert client.get(f"/api/sessions/{ids[0]}").status_code == 200
    assert len(client.app.state.playground.store) == 4


# ------------------------------------------------------------------------------------------ the articles' numbers
def test_seed004_one_weight_lesson_shows_the_articles_numbers(client):
    state = create(client, **lesson(client, "seed004-one-weight"))
    walk = client.get(f"/api/sessions/{state['session_id']}/walkthrough").json()
    assert walk["loss"] == pytest.approx(4.0)  # L = (12 − 2·5)²
    neuron = [s for s in walk["steps"] if s["phase"] == "backward" and s["kind"] == "neuron"][0]
    assert neuron["grads"][0]["value"] == pytest.approx(-20.0)  # ∂L/∂w = −20


def test_seed002_perceptron_lesson_numbers_and_update(client):
    state = create(client, **lesson(client, "seed002-perceptron"))
    sid = state["session_id"]
    walk = client.get(f"/api/sessions/{sid}/walkthrough").json()
    forward = walk["steps"][0]
    assert forward["values"]["a"] == pytest.approx(1.2)
    neuron = [s for s in walk["steps"] if s["phase"] == "backward" and s["kind"] == "neuron"][0]
    assert neuron["values"]["upstream"] == pytest.approx(1.4)  # dC/da
    assert neuron["grads"][0]["value"] == pytest.approx(2.1)  # dC/dw
    trained = client.post(f"/api/sessions/{sid}/train", json={"steps": 1}).json()["state"]
    assert trained["layers"][0]["weight"][0][0] == pytest.approx(0.59)


def test_seed001_two_paths_meet_and_are_summed(client):
    state = create(client, **lesson(client, "seed001-two-paths"))
    walk = client.get(f"/api/sessions/{state['session_id']}/walkthrough").json()
    first = [s for s in walk["steps"] if s["phase"] == "backward" and s["layer"] == 1][0]
    assert len(first["terms"]) == 2 and "2 paths meet" in first["formula"]
    assert sum(t["value"] for t in first["terms"]) == pytest.approx(first["values"]["upstream"], abs=1e-15)


# ------------------------------------------------------------------------------------------ walkthrough vs PyTorch
def torch_pass(state: dict, x: list[float], y: float, loss: str, activations: list[str]):
    """The same example through torch.nn.functional in float64: z, a per layer and their gradients."""
    a = torch.tensor([x], dtype=torch.float64)
    params, zs, acts = [], [], []
    fns = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid, "identity": lambda t: t,
           "leaky_relu": torch.nn.functional.leaky_relu}
    for layer, act in zip(state["layers"], activations):
        w = torch.tensor(layer["weight"], dtype=torch.float64, requires_grad=True)
        b = torch.tensor(layer["bias"], dtype=torch.float64, requires_grad=True)
        z = torch.nn.functional.linear(a, w, b)
        z.retain_grad()
        a = fns[act](z)
        if a is not z:
            a.retain_grad()
        params.append((w, b))
        zs.append(z)
        acts.append(a)
    target = torch.tensor([[y]], dtype=torch.float64)
    if loss == "bce":
        value = torch.nn.functional.binary_cross_entropy(a, target)
    elif loss == "mse":
        value = torch.nn.functional.mse_loss(a, target)
    else:
        value = torch.nn.functional.cross_entropy(a, torch.tensor([int(y)]))
    value.backward()
    return value, params, zs, acts


@pytest.mark.parametrize("config", [
    SMALL,
    {**SMALL, "hidden": [4], "activations": ["leaky_relu", "identity"], "loss": "mse", "seed": 7},
    {**SMALL, "dataset": "blobs", "hidden": [5], "activations": ["sigmoid", "identity"], "loss": "cross_entropy"},
])
def test_walkthrough_numbers_equal_pytorch(client, config):
    state = create(client, **config)
    sid = state["session_id"]
    data = client.get(f"/api/sessions/{sid}/data").json()
    example = 5
    walk = client.get(f"/api/sessions/{sid}/walkthrough", params={"example": example}).json()
    loss, params, zs, acts = torch_pass(state, data["x"][example], data["y"][example], config["loss"],
                                        config["activations"])
    assert walk["loss"] == pytest.approx(loss.item(), rel=1e-12)
    assert walk["x"] == data["x"][example]
    for s in walk["steps"]:
        if s["kind"] == "loss":
            continue
        li, k = s["layer"] - 1, s["unit"]
        if s["phase"] == "forward":
            assert s["values"]["z"] == pytest.approx(zs[li][0, k].item(), rel=1e-12, abs=1e-15)
            assert s["values"]["a"] == pytest.approx(acts[li][0, k].item(), rel=1e-12, abs=1e-15)
            assert sum(t["value"] for t in s["terms"]) == pytest.approx(s["values"]["z"], rel=1e-12, abs=1e-14)
        else:
            delta = zs[li].grad[0, k].item()
            assert s["values"]["delta"] == pytest.approx(delta, rel=1e-10, abs=1e-15)
            assert s["values"]["upstream"] == pytest.approx(acts[li].grad[0, k].item(), rel=1e-10, abs=1e-15)
            assert s["values"]["upstream"] * s["values"]["local"] == pytest.approx(delta, rel=1e-10, abs=1e-15)
            assert type(s["values"]["local"]) is float  # a number on the page, also where backward uses a mask
            assert sum(t["value"] for t in s["terms"]) == pytest.approx(s["values"]["upstream"], rel=1e-10,
                                                                        abs=1e-15)
            w_grad, b_grad = params[li][0].grad[k].tolist(), params[li][1].grad[k].item()
            assert [g["value"] for g in s["grads"]] == pytest.approx(w_grad + [b_grad], rel=1e-10, abs=1e-15)
    kinds = [(s["phase"], s["kind"]) for s in walk["steps"]]
    neurons = sum(state["sizes"][1:])
    assert kinds == [("forward", "neuron")] * neurons + [("forward", "loss"), ("backward", "loss")] + [
        ("backward", "neuron")] * neurons


def test_weight_derivation_equals_pytorch_and_finite_differences(client):
    state = create(client, **SMALL)
    sid = state["session_id"]
    data = client.get(f"/api/sessions/{sid}/data").json()
    _, params, _, _ = torch_pass(state, data["x"][3], data["y"][3], "bce", SMALL["activations"])
    grad = params[1][0].grad
    row, col = np.unravel_index(int(grad.abs().argmax()), grad.shape)  # a weight the gradient reaches
    d = client.get(f"/api/sessions/{sid}/weights/2/{row}/{col}", params={"example": 3}).json()
    expected = grad[row, col].item()
    assert expected != 0
    assert d["engine_grad"] == pytest.approx(expected, rel=1e-10)
    assert d["value"] == pytest.approx(expected, rel=1e-10)
    assert np.prod([f["value"] for f in d["factors"]]) == pytest.approx(expected, rel=1e-10)
    assert d["central_difference"] == pytest.approx(expected, rel=1e-6)
    assert d["rel_error"] < 1e-6
    errors = {row["h"]: row["rel_error"] for row in d["sweep"]}
    assert errors[1e-5] < errors[1e-1]  # a large step measures the secant, not the tangent
    assert "∂L/∂W2" in d["explain"]


def test_walkthrough_and_weight_refuse_what_does_not_exist(client):
    sid = create(client, **SMALL)["session_id"]
    r = client.get(f"/api/sessions/{sid}/walkthrough", params={"example": 60})
    assert r.status_code == 400 and "rows 0 to 59" in r.json()["detail"]
    assert client.get(f"/api/sessions/{sid}/walkthrough", params={"example": -1}).status_code == 422
    assert client.get(f"/api/sessions/{sid}/walkthrough", params={"example": "x"}).status_code == 422
    r = client.get(f"/api/sessions/{sid}/weights/4/0/0")
    assert r.status_code == 400 and "layers 1 to 3" in r.json()["detail"]
    r = client.get(f"/api/sessions/{sid}/weights/1/3/0")
    assert r.status_code == 400 and "3×2" in r.json()["detail"]
    assert client.get(f"/api/sessions/{sid}/weights/0/0/0").status_code == 422


# ------------------------------------------------------------------------------------------ training
def test_training_steps_follow_sgd_and_the_loss_falls(client):
    config = {**SMALL, "samples": 200, "batch_size": 200, "lr": 0.5}
    state = create(client, **config)
    sid = state["session_id"]
    data = client.get(f"/api/sessions/{sid}/data").json()
    # one full-batch step is w − lr·∂L/∂w, with the gradient from PyTorch
    w = [torch.tensor(layer["weight"], dtype=torch.float64, requires_grad=True) for layer in state["layers"]]
    b = [torch.tensor(layer["bias"], dtype=torch.float64, requires_grad=True) for layer in state["layers"]]
    a = torch.tensor(data["x"], dtype=torch.float64)
    for wi, bi, act in zip(w, b, (torch.tanh, torch.relu, torch.sigmoid)):
        a = act(torch.nn.functional.linear(a, wi, bi))
    torch.nn.functional.binary_cross_entropy(a, torch.tensor(data["y"], dtype=torch.float64)[:, None]).backward()
    one = client.post(f"/api/sessions/{sid}/train", json={"steps": 1}).json()
    for layer, wi in zip(one["state"]["layers"], w):
        np.testing.assert_allclose(layer["weight"], (wi - 0.5 * wi.grad).detach().numpy(), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(layer["weight_grad"], wi.grad.numpy(), rtol=1e-10, atol=1e-14)
        assert layer["grad_norm"] == pytest.approx(float(wi.grad.norm()), rel=1e-10)
    more = client.post(f"/api/sessions/{sid}/train", json={"steps": 300}).json()
    assert len(more["new_losses"]) == 300 and more["state"]["step"] == 301
    assert more["new_losses"][-1] < 0.6 * one["new_losses"][0]
    assert more["state"]["accuracy"] > 0.8


def test_epochs_count_whole_passes_over_the_data(client):
    sid = create(client, **{**SMALL, "samples": 100, "batch_size": 16})["session_id"]  # 7 steps per epoch
    r = client.post(f"/api/sessions/{sid}/train", json={"epochs": 2}).json()
    assert r["state"]["step"] == 14 and r["state"]["epoch"] == 2
    client.post(f"/api/sessions/{sid}/train", json={"steps": 3})
    r = client.post(f"/api/sessions/{sid}/train", json={"epochs": 1}).json()  # finishes the epoch begun
    assert r["state"]["step"] == 21 and r["state"]["epoch"] == 3


def test_training_requests_are_bounded(client):
    sid = create(client, **{**SMALL, "samples": 5000, "batch_size": 1})["session_id"]
    r = client.post(f"/api/sessions/{sid}/train", json={"epochs": 1})
    assert r.status_code == 400 and "limit is 2000" in r.json()["detail"]
    for body in ({"steps": MAX_STEPS_PER_REQUEST + 1}, {"steps": 0}, {}, {"steps": 1, "epochs": 1},
                 {"steps": "many"}, {"steps": 1, "extra": 1}):
        r = client.post(f"/api/sessions/{sid}/train", json=body)
        assert r.status_code == 422, body
        assert r.json()["detail"]


def test_reset_restores_the_starting_weights(client):
    state = create(client, **SMALL)
    sid = state["session_id"]
    client.post(f"/api/sessions/{sid}/train", json={"steps": 10})
    again = client.post(f"/api/sessions/{sid}/reset").json()
    assert again["layers"] == state["layers"] and again["step"] == 0 and again["losses"] == []


def test_diverging_training_is_a_400_not_a_500(client):
    sid = create(client, dataset="moons", samples=50, hidden=[8], activations=["relu", "identity"], loss="mse",
                 optimizer="sgd", lr=10, batch_size=50)["session_id"]
    r = client.post(f"/api/sessions/{sid}/train", json={"steps": 200})
    assert r.status_code == 400 and "too large" in r.json()["detail"]
    assert client.get(f"/api/sessions/{sid}").status_code == 200
    r = client.get(f"/api/sessions/{sid}/walkthrough")
    assert r.status_code == 400 and "diverged" in r.json()["detail"]
    assert client.post(f"/api/sessions/{sid}/reset").json()["loss"] is not None


def test_reconfigure_keeps_the_session(client):
    sid = create(client, **SMALL)["session_id"]
    r = client.put(f"/api/sessions/{sid}/config", json={**SMALL, "hidden": [5], "activations": ["relu", "sigmoid"]})
    assert r.status_code == 200 and r.json()["session_id"] == sid and r.json()["sizes"] == [2, 5, 1]


# ------------------------------------------------------------------------------------------ validation
@pytest.mark.parametrize("change, words", [
    ({"hidden": [8] * 8, "activations": ["relu"] * 9}, "at most 7"),
    ({"hidden": [65], "activations": ["relu", "sigmoid"]}, "less than or equal to 64"),
    ({"hidden": [0], "activations": ["relu", "sigmoid"]}, "greater than or equal to 1"),
    ({"samples": 5001}, "less than or equal to 5000"),
    ({"lr": 0}, "greater than 0"),
    ({"lr": 100}, "less than or equal to 10"),
    ({"batch_size": 0}, "greater than or equal to 1"),
    ({"dataset": "mnist"}, "'xor'"),
    ({"activations": ["tanh", "sigmoid"]}, "need 3 activations"),
    ({"activations": ["tanh", "tanh", "identity"]}, "output activation 'sigmoid'"),
    ({"loss": "cross_entropy"}, "output activation 'identity'"),
    ({"optimizer": "lbfgs"}, "'sgd'"),
    ({"unknown": 1}, "Extra inputs"),
    ({"hidden": "8,8"}, "valid list"),
    ({"weights": [{"weight": [[1.0]]}]}, "3 layers"),
    ({"data": {"x": [[1.0], [2.0, 3.0]], "y": [0, 1]}}, "same number of features"),
    ({"data": {"x": [[1.0]], "y": [0, 1]}}, "1 rows of x but 2 targets"),
])
def test_bad_configs_get_422_with_a_message(client, change, words):
    r = client.post("/api/sessions", json={**SMALL, **change})
    assert r.status_code == 422, r.text
    assert words in json.dumps(r.json()["detail"], ensure_ascii=False)


def test_malformed_bodies_are_4xx(client):
    assert client.post("/api/sessions", content=b"{not json", headers={"content-type": "application/json"}
                       ).status_code == 422
    assert client.post("/api/sessions", content=b'{"lr": NaN}', headers={"content-type": "application/json"}
                       ).status_code == 422
    assert client.post("/api/sessions", json=[1, 2]).status_code == 422
    big = json.dumps({"hidden": [1] * 600_000})
    r = client.post("/api/sessions", content=big.encode(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["detail"]


def test_configs_that_do_not_fit_the_data_are_400(client):
    r = client.post("/api/sessions", json={**SMALL, "dataset": "blobs"})  # 3 classes, one sigmoid output
    assert r.status_code == 400 and "cross_entropy" in r.json()["detail"]
    r = client.post("/api/sessions", json={**SMALL, "hidden": [2], "activations": ["tanh", "identity"],
                                           "loss": "cross_entropy", "data": {"x": [[1.0], [2.0]], "y": [0.5, 1.5]}})
    assert r.status_code == 400 and "class labels" in r.json()["detail"]
    r = client.post("/api/sessions", json={**SMALL, "hidden": [], "activations": ["identity"], "loss": "mse",
                                           "data": {"x": [[1.0]], "y": [1.0]}, "weights": [{"weight": [[1.0, 2.0]]}]})
    assert r.status_code == 400 and "1×1" in r.json()["detail"]


# ------------------------------------------------------------------------------------------ uploads
def upload(client: TestClient, sid: str, content: bytes, target: str | None = None, name: str = "mine.csv",
           data: dict | None = None):
    data = {**(data or {}), **({} if target is None else {"target": target})}
    return client.post(f"/api/sessions/{sid}/dataset", files={"file": (name, io.BytesIO(content), "text/csv")},
                       data=data)


def test_upload_csv_trains_on_it(client):
    sid = create(client, **SMALL)["session_id"]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    y = (x[:, 0] + x[:, 2] > 0).astype(int)
    rows = "\n".join(f"{a:.6f},{label},{b:.6f},{c:.6f}" for (a, b, c), label in zip(x, y))
    r = upload(client, sid, f"f1,label,f2,f3\n{rows}\n".encode(), target="label")
    assert r.status_code == 200, r.text
    state = r.json()
    assert state["data_source"] == "upload: mine.csv" and state["sizes"] == [3, 3, 2, 1]
    assert state["boundary"] is None  # three features: no 2-D picture
    data = client.get(f"/api/sessions/{sid}/data").json()
    assert data["feature_names"] == ["f1", "f2", "f3"] and data["y"] == y.tolist()
    np.testing.assert_allclose(data["x"], np.round(x, 6))
    trained = client.post(f"/api/sessions/{sid}/train", json={"epochs": 3}).json()["state"]
    assert trained["step"] == 15 and trained["accuracy"] is not None
    kept = client.put(f"/api/sessions/{sid}/config", json={**SMALL, "hidden": [4], "activations": ["relu", "sigmoid"]})
    assert kept.json()["data_source"] == "upload: mine.csv" and kept.json()["sizes"] == [3, 4, 1]


def test_upload_picks_a_loss_the_targets_allow(client):
    sid = create(client, **SMALL)["session_id"]
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{['cat', 'dog', 'eel'][i % 3]}" for i in range(30))
    state = upload(client, sid, f"a,b,animal\n{rows}\n".encode()).json()
    assert state["config"]["loss"] == "cross_entropy" and state["config"]["activations"][-1] == "identity"
    assert state["sizes"] == [2, 3, 2, 3] and state["classes"] == 3
    rows = "\n".join(f"{i},{i * 0.5 + 0.25}" for i in range(20))
    state = upload(client, sid, f"x,price\n{rows}\n".encode()).json()
    assert state["config"]["loss"] == "mse" and state["sizes"][-1] == 1 and state["accuracy"] is None


@pytest.mark.parametrize("content, words", [
    (b"a,b,y\n1,2,0\n3,4\n", "row"),
    (b"a,b,y\n1,two,0\n3,4,1\n", "two"),
    (b"", "no rows"),
    (b"\xff\xfe\x00garbage", "mine.csv is not UTF-8 text"),
    (b"a,b,y\n1,2,0\n3,nan,1\n", "mine.csv line 3, column 'b': 'nan' is not a finite number"),
    (b"a,b,y\n1,inf,0\n", "line 2, column 'b': 'inf' is not a finite number"),
    (b"a,b,y\n1,2,0\n3,1e39,1\n", "'1e39' is outside float32's range"),
    (b"a,b,y\n1," + b"9" * 140_000 + b",0\n", "a cell is longer than 131072 characters"),
    (b"a b y\n1 2 0\n", "single column 'a b y'"),
    (b"a,y\n" + b"".join(b"%d,%d\n" % (i, i % 11) for i in range(30)),
     "class labels 0 to 9; the target column 'y' has 0 to 10 (inferred: whole numbers, read as class indices; "
     "pass task='regression'"),
], ids=["ragged", "text", "empty", "utf16", "nan", "inf", "float32", "huge cell", "spaces", "11 classes"])
def test_bad_csv_is_400_with_a_message(client, content, words):
    sid = create(client, **SMALL)["session_id"]
    r = upload(client, sid, content)
    assert r.status_code == 400, r.text
    assert words in r.json()["detail"]
    assert client.get(f"/api/sessions/{sid}").json()["data_source"] == "moons"  # nothing changed


def test_upload_reads_bom_semicolons_and_the_task_asked_for(client):
    sid = create(client, **SMALL)["session_id"]
    rows = "".join(f"{i};{i % 2 * 0.5};{i % 11}\n" for i in range(33))
    state = upload(client, sid, ("\ufeffa;b;grade\n" + rows).encode(), data={"task": "regression"}).json()
    assert state["config"]["loss"] == "mse" and state["sizes"][0] == 2 and state["classes"] == 0
    data = client.get(f"/api/sessions/{sid}/data").json()
    assert data["feature_names"] == ["a", "b"] and data["y"] == [float(i % 11) for i in range(33)]
    state = upload(client, sid, b"a,y\n1,0\n2,1\n3,2\n", data={"task": "classification"}).json()
    assert state["config"]["loss"] == "cross_entropy" and state["classes"] == 3
    r = upload(client, sid, b"a,y\n1,0.5\n", data={"task": "classification"})
    assert r.status_code == 400 and "'0.5' is not a class index" in r.json()["detail"]
    assert upload(client, sid, b"a,y\n1,0\n", data={"task": "cluster"}).status_code == 422


def test_upload_limits(client):
    sid = create(client, **SMALL)["session_id"]
    r = upload(client, sid, b"a,y\n" + b"1,0\n" * 5001)
    assert r.status_code == 400 and "5000 rows" in r.json()["detail"]
    r = upload(client, sid, b"a,y\n" + b"1.000000000,0\n" * (MAX_UPLOAD_BYTES // 14 + 10))
    assert r.status_code == 413
    r = upload(client, sid, b"a,y\n1,0\n2,1\n", target="nope")
    assert r.status_code == 400 and "nope" in r.json()["detail"]
    assert client.post(f"/api/sessions/{sid}/dataset").status_code == 422  # no file
    assert upload(client, "C" * 32, b"a,y\n1,0\n").status_code == 404


# ------------------------------------------------------------------------------------------ downloads
def test_download_is_safetensors_with_pytorch_names(client):
    state = create(client, **SMALL)
    sid = state["session_id"]
    r = client.get(f"/api/sessions/{sid}/model.safetensors")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    tensors = load_safetensors(r.content)
    assert sorted(tensors) == ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"]
    np.testing.assert_array_equal(tensors["2.weight"], state["layers"][1]["weight"])
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2), torch.nn.ReLU(),
                                torch.nn.Linear(2, 1), torch.nn.Sigmoid()).double()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()})
    data = client.get(f"/api/sessions/{sid}/data").json()
    walk = client.get(f"/api/sessions/{sid}/walkthrough", params={"example": 2}).json()
    out = model(torch.tensor([data["x"][2]], dtype=torch.float64)).item()
    assert walk["steps"][len(walk["steps"]) // 2 - 2]["values"]["a"] == pytest.approx(out, rel=1e-12)


def test_explanation_exports(client):
    sid = create(client, **lesson(client, "seed004-one-weight"))["session_id"]
    md = client.get(f"/api/sessions/{sid}/explanation", params={"format": "markdown"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "Backward pass of `L`" in md.text and "-20" in md.text
    js = client.get(f"/api/sessions/{sid}/explanation", params={"format": "json"})
    doc = js.json()
    assert {"schema", "nodes", "steps", "derivations"} <= set(doc)
    assert client.get(f"/api/sessions/{sid}/explanation", params={"format": "pdf"}).status_code == 422


# ------------------------------------------------------------------------------------------ serve
def test_run_binds_localhost_and_prints_the_url(monkeypatch, capsys):
    calls = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.update(kw, app=app))
    server.run()
    assert calls["host"] == "127.0.0.1" and calls["port"] == 8000
    assert "http://127.0.0.1:8000/" in capsys.readouterr().out
    served = TestClient(calls["app"], base_url="http://127.0.0.1:8000")
    assert served.get("/api/options").status_code == 200
    rebound = TestClient(calls["app"], base_url="http://attacker.example:8000")  # DNS rebinding: refused
    assert rebound.get("/api/options").status_code == 400
    server.run(host="::1", port=9000)
    assert "http://[::1]:9000/" in capsys.readouterr().out


@pytest.mark.parametrize("bind", ["127.0.0.1", "localhost", "::1", "127.0.0.2", "0.0.0.0", "::", "192.168.1.20"])
def test_host_header_is_checked_for_every_bind(monkeypatch, bind):
    calls = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.update(kw, app=app))
    server.run(host=bind, port=8000)
    app = calls["app"]
    for host in ("attacker.example", "attacker.example:8000", "127.0.0.1.nip.io", "localhost.attacker.example", ""):
        r = TestClient(app).get("/api/options", headers={"Host": host})
        assert r.status_code == 400 and "is not this server's" in r.json()["detail"], host
    shown = f"[{bind}]" if ":" in bind else bind
    for host in (f"{shown}:8000", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "10.0.0.5:8000", "app.localhost"):
        assert TestClient(app).get("/api/options", headers={"Host": host}).status_code == 200, host


def test_security_headers_on_every_response(client):
    for path in ("/", "/static/app.js", "/api/options", "/api/sessions/" + "A" * 32, "/nope"):
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["x-frame-options"] == "DENY" and r.headers["referrer-policy"] == "no-referrer"
        policy = r.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe" not in policy
    assert "https://cdn.jsdelivr.net" in client.get("/docs").headers["content-security-policy"]  # Swagger UI's CDN


def test_options_answers_with_the_allowed_methods(client):
    r = client.options("/api/sessions/" + "A" * 32)
    assert r.status_code == 204 and r.headers["allow"] == "DELETE, GET, OPTIONS"
    assert client.options("/api/sessions").headers["allow"] == "OPTIONS, POST"
    assert client.options("/api/sessions/abcdefgh/train").headers["allow"] == "OPTIONS, POST"
    assert client.options("/static/app.js").headers["allow"] == "GET, HEAD, OPTIONS"
    r = client.options("/nowhere")
    assert r.status_code == 404 and "no such path" in r.json()["detail"]


# ------------------------------------------------------------------------------ TensorFlow Playground's views
def grid_points(grid: dict) -> np.ndarray:
    """The (x1, x2) of every point of a grid the API sends: row by row from the top, left to right."""
    gx, gy = np.meshgrid(np.linspace(grid["x_min"], grid["x_max"], grid["nx"]),
                         np.linspace(grid["y_max"], grid["y_min"], grid["ny"]))
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def torch_model(state: dict, activations: list[str]) -> torch.nn.Sequential:
    fns = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "identity": torch.nn.Identity}
    layers = []
    for layer, act in zip(state["layers"], activations):
        linear = torch.nn.Linear(len(layer["weight"][0]), len(layer["weight"])).double()
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(layer["weight"], dtype=torch.float64))
            linear.bias.copy_(torch.tensor(layer["bias"], dtype=torch.float64))
        layers += [linear, fns[act]()]
    return torch.nn.Sequential(*layers)


@pytest.mark.parametrize("kind, rate", [("l2", 0.03), ("l1", 0.05)])
def test_regularization_adds_its_path_to_every_weight_gradient(client, kind, rate):
    plain = create(client, **SMALL)
    reg = create(client, **SMALL, regularization=kind, regularization_rate=rate)
    assert reg["layers"] == plain["layers"]  # same seed, same weights: only the loss differs
    weights = [np.array(layer["weight"]) for layer in reg["layers"]]
    penalty = rate * sum((w ** 2).sum() if kind == "l2" else np.abs(w).sum() for w in weights)
    assert reg["penalty"] == pytest.approx(penalty, rel=1e-12) and plain["penalty"] is None
    extra = [2 * rate * w if kind == "l2" else rate * np.sign(w) for w in weights]  # ∂(λR)/∂w
    for layer, row, col in [(1, 2, 1), (2, 1, 0), (3, 0, 1)]:
        a = client.get(f"/api/sessions/{plain['session_id']}/weights/{layer}/{row}/{col}", params={"example": 4}).json()
        b = client.get(f"/api/sessions/{reg['session_id']}/weights/{layer}/{row}/{col}", params={"example": 4}).json()
        assert a["penalty"] is None and b["penalty"]["value"] == pytest.approx(extra[layer - 1][row, col], rel=1e-14)
        assert b["engine_grad"] - a["engine_grad"] == pytest.approx(extra[layer - 1][row, col], rel=1e-9, abs=1e-15)
        assert [f["value"] for f in b["factors"]] == [f["value"] for f in a["factors"]]  # the data path is unchanged
        assert b["value"] == pytest.approx(b["engine_grad"], rel=1e-12)
        assert b["rel_error"] < 1e-6  # the finite differences see the penalty too
        assert f"∂L/∂W{layer}[{row}, {col}] = " in b["explain"] and "∂L/∂R · ∂R/∂W" in b["explain"]  # two paths
        last = float(b["explain"].rstrip().rsplit("= ", 1)[1])  # the derivation ends with this element's gradient
        assert last == pytest.approx(b["engine_grad"], rel=1e-5, abs=1e-9)
    # and the whole per-example gradient against PyTorch, loss = bce + λ·R
    data = client.get(f"/api/sessions/{reg['session_id']}/data").json()
    model = torch_model(reg, SMALL["activations"])
    out = model(torch.tensor([data["x"][4]], dtype=torch.float64))
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    r = sum((m.weight ** 2).sum() if kind == "l2" else m.weight.abs().sum() for m in linears)
    loss = torch.nn.functional.binary_cross_entropy(out, torch.tensor([[data["y"][4]]], dtype=torch.float64)) + rate * r
    loss.backward()
    walk = client.get(f"/api/sessions/{reg['session_id']}/walkthrough", params={"example": 4}).json()
    assert walk["loss"] == pytest.approx(loss.item(), rel=1e-12)
    forward_loss = [s for s in walk["steps"] if s["phase"] == "forward" and s["kind"] == "loss"][0]
    assert forward_loss["values"]["R"] * rate == pytest.approx(penalty, rel=1e-12) and "L = E + λ·R" in forward_loss[
        "formula"]
    for s in walk["steps"]:
        if s["phase"] == "backward" and s["kind"] == "neuron":
            w_grad = linears[s["layer"] - 1].weight.grad[s["unit"]].tolist()
            assert [g["value"] for g in s["grads"][:len(w_grad)]] == pytest.approx(w_grad, rel=1e-10, abs=1e-15)
            shares = extra[s["layer"] - 1][s["unit"]]
            assert [g["penalty"] for g in s["grads"][:len(w_grad)]] == pytest.approx(shares.tolist(), rel=1e-14)
            assert s["grads"][-1]["penalty"] is None  # the bias is not regularized
            assert ("+ 2λ·w" if kind == "l2" else "+ λ·sign(w") in s["grads"][0]["label"]


def test_training_minimizes_data_loss_plus_penalty(client):
    config = {**SMALL, "samples": 100, "batch_size": 100, "lr": 0.5, "regularization": "l2", "regularization_rate": 0.1}
    state = create(client, **config)
    sid = state["session_id"]
    data = client.get(f"/api/sessions/{sid}/data").json()
    model = torch_model(state, SMALL["activations"])
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    out = model(torch.tensor(data["x"], dtype=torch.float64))
    loss = torch.nn.functional.binary_cross_entropy(out, torch.tensor(data["y"], dtype=torch.float64)[:, None])
    (loss + 0.1 * sum((m.weight ** 2).sum() for m in linears)).backward()
    one = client.post(f"/api/sessions/{sid}/train", json={"steps": 1}).json()
    for layer, m in zip(one["state"]["layers"], linears):
        np.testing.assert_allclose(layer["weight"], (m.weight - 0.5 * m.weight.grad).detach().numpy(), rtol=1e-10)
    assert one["state"]["loss"] is not None and one["state"]["penalty"] > 0


def test_a_test_split_is_held_out_and_reported(client):
    config = {**SMALL, "test_fraction": 0.3, "batch_size": 42}
    state = create(client, **config)
    sid = state["session_id"]
    assert (state["train_rows"], state["test_rows"]) == (42, 18)
    data = client.get(f"/api/sessions/{sid}/data").json()
    test = np.array(data["test"])
    assert test.sum() == 18 and create(client, **config)["test_rows"] == 18
    assert client.get(f"/api/sessions/{create(client, **config)['session_id']}/data").json()["test"] == data["test"]
    x, y = np.array(data["x"]), np.array(data["y"])
    model = torch_model(state, SMALL["activations"])

    def bce(rows):
        out = model(torch.tensor(x[rows], dtype=torch.float64))
        return torch.nn.functional.binary_cross_entropy(out, torch.tensor(y[rows], dtype=torch.float64)[:, None])

    assert state["test_loss"] == pytest.approx(bce(test).item(), rel=1e-12)
    assert state["loss"] == pytest.approx(bce(~test).item(), rel=1e-12)
    assert state["history"] == [{"step": 0, "loss": state["loss"], "test_loss": state["test_loss"]}]
    bce(~test).backward()  # a batch of 42 is all the training rows, and none of the test rows
    trained = client.post(f"/api/sessions/{sid}/train", json={"steps": 1}).json()["state"]
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    for layer, m in zip(trained["layers"], linears):
        np.testing.assert_allclose(layer["weight_grad"], m.weight.grad.numpy(), rtol=1e-10, atol=1e-15)
    assert trained["history"][-1]["step"] == 1 and trained["test_accuracy"] is not None
    assert client.post(f"/api/sessions/{sid}/train", json={"epochs": 1}).json()["state"]["step"] == 2  # 42 rows: 1


def test_input_features_feed_the_network(client):
    config = {**SMALL, "features": ["x1", "x2", "x1sq", "x1x2", "sinx2"]}
    state = create(client, **config)
    sid = state["session_id"]
    assert state["sizes"] == [5, 3, 2, 1] and state["inputs"] == ["x1", "x2", "x1²", "x1·x2", "sin(x2)"]
    data = client.get(f"/api/sessions/{sid}/data").json()
    a, b = data["x"][6]
    walk = client.get(f"/api/sessions/{sid}/walkthrough", params={"example": 6}).json()
    assert walk["x"] == pytest.approx([a, b, a * a, a * b, np.sin(b)], rel=1e-15)
    assert "w[1]1,3·x1²" in walk["steps"][0]["terms"][2]["label"]
    loss, *_ = torch_pass(state, walk["x"], data["y"][6], "bce", SMALL["activations"])
    assert walk["loss"] == pytest.approx(loss.item(), rel=1e-12)
    neurons = state["neurons"]  # the input pictures are the features over the plane
    points = grid_points(neurons)
    inputs = unpack(neurons["layers"][0]["outputs"]).reshape(5, -1)
    np.testing.assert_array_equal(inputs[2], np.float32(points[:, 0] ** 2))
    np.testing.assert_array_equal(inputs[4], np.float32(np.sin(points[:, 1])))
    r = client.post("/api/sessions", json={**config, "features": ["x1", "x1"]})
    assert r.status_code == 422 and "at most once" in r.text
    r = client.post("/api/sessions", json={**lesson(client, "seed004-one-weight"), "features": ["x1"]})
    assert r.status_code == 400 and "two columns" in r.json()["detail"]


def test_boundary_is_one_forward_of_the_grid(client):
    state = create(client, **SMALL)
    sid = state["session_id"]
    client.post(f"/api/sessions/{sid}/train", json={"steps": 20})
    state = client.get(f"/api/sessions/{sid}").json()
    b = state["boundary"]
    assert (b["nx"], b["ny"], b["kind"], b["range"]) == (100, 100, "probability", [0.0, 1.0])
    expected = torch_model(state, SMALL["activations"])(torch.tensor(grid_points(b))).detach().numpy()[:, 0]
    np.testing.assert_allclose(unpack(b["values"]), expected.astype(np.float32), rtol=1e-6)
    blobs = create(client, **{**SMALL, "dataset": "blobs", "hidden": [4], "activations": ["tanh", "identity"],
                              "loss": "cross_entropy"})["boundary"]
    logits = torch_model(create(client, **{**SMALL, "dataset": "blobs", "hidden": [4],
                                            "activations": ["tanh", "identity"], "loss": "cross_entropy"}),
                         ["tanh", "identity"])(torch.tensor(grid_points(blobs)))
    assert blobs["kind"] == "classes"
    np.testing.assert_array_equal(unpack(blobs["classes"], np.uint8), logits.argmax(1).numpy())
    np.testing.assert_allclose(unpack(blobs["values"]), torch.softmax(logits, 1).max(1).values.detach().numpy(),
                               rtol=1e-6)


@pytest.mark.parametrize("config", [SMALL, {**SMALL, "dataset": "gaussian", "activations": ["tanh", "relu", "identity"],
                                            "loss": "mse", "test_fraction": 0.5}])
def test_neuron_pictures_are_each_neurons_output_and_delta(client, config):
    state = create(client, **config)
    sid = state["session_id"]
    client.post(f"/api/sessions/{sid}/train", json={"steps": 15})
    state = client.get(f"/api/sessions/{sid}").json()
    data = client.get(f"/api/sessions/{sid}/data").json()
    pictures = state["neurons"]
    points = grid_points(pictures)
    assert (pictures["nx"], pictures["ny"]) == (20, 20) and len(pictures["layers"]) == 4
    train = ~np.array(data["test"])
    x, y = np.array(data["x"])[train], np.array(data["y"])[train]
    acts = config["activations"]
    for p in (0, 57, 211, 399):  # one example at the point, labelled like its nearest training example, in torch
        label = y[np.argmin(((x - points[p]) ** 2).sum(1))]
        loss, _, zs, a = torch_pass(state, points[p].tolist(), label, config["loss"], acts)
        for li, layer in enumerate(pictures["layers"][1:]):
            units = len(state["layers"][li]["weight"])
            outputs, deltas = (unpack(layer[k]).reshape(units, -1) for k in ("outputs", "deltas"))
            np.testing.assert_allclose(outputs[:, p], a[li][0].detach().numpy(), rtol=1e-6, atol=1e-7)
            np.testing.assert_allclose(deltas[:, p], zs[li].grad[0].numpy(), rtol=1e-5, atol=1e-7)
            assert layer["delta_scale"] == pytest.approx(np.abs(deltas).max(), rel=1e-6)
    assert state["layers"][0]["weight_grad"] is not None  # the pictures' backward leaves the weights' .grad alone
    after = client.get(f"/api/sessions/{sid}").json()["layers"]
    assert [layer["weight_grad"] for layer in after] == [layer["weight_grad"] for layer in state["layers"]]


def test_regression_sets_train_with_a_continuous_output(client):
    config = {**SMALL, "dataset": "plane", "samples": 200, "activations": ["tanh", "tanh", "identity"], "loss": "mse",
              "optimizer": "adam", "lr": 0.03, "test_fraction": 0.2}
    state = create(client, **config)
    sid = state["session_id"]
    data = client.get(f"/api/sessions/{sid}/data").json()
    y = np.array(data["y"])[~np.array(data["test"])]
    assert state["accuracy"] is None and state["classes"] == 0
    assert state["boundary"]["kind"] == "regression" and state["boundary"]["range"] == [y.min(), y.max()]
    trained = client.post(f"/api/sessions/{sid}/train", json={"steps": 300}).json()["state"]
    assert trained["loss"] < 0.2 * state["loss"] and trained["test_loss"] < 0.2 * state["test_loss"]
    r = client.post("/api/sessions", json={**config, "loss": "bce", "activations": ["tanh", "tanh", "sigmoid"]})
    assert r.status_code == 400 and "between 0 and 1" in r.json()["detail"]
