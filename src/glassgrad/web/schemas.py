"""The playground's JSON API as pydantic models: every request is bounded here, so no handler sees a huge input.

The bounds (layers, widths, rows, steps per request) keep one request's work to well under a second on a laptop,
and they are published in the OpenAPI schema, which the fuzz tests read.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_LAYERS = 8  # linear layers, output layer included
MAX_WIDTH = 64
MAX_ROWS = 5000
MAX_FEATURES = 16
MAX_CLASSES = 10
MAX_UPLOAD_BYTES = 1_000_000
MAX_STEPS_PER_REQUEST = 2000
MAX_INLINE_ROWS = 64

Activation = Literal["identity", "relu", "leaky_relu", "tanh", "sigmoid"]
DatasetName = Literal["xor", "moons", "circles", "spirals", "blobs", "plane", "gaussian"]
REGRESSION_SETS = ("plane", "gaussian")
Feature = Literal["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]  # x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂
Regularization = Literal["none", "l1", "l2"]
LossName = Literal["mse", "bce", "cross_entropy"]
OptimizerName = Literal["sgd", "momentum", "adam"]
Finite = Annotated[float, Field(ge=-1e6, le=1e6, allow_inf_nan=False)]
Width = Annotated[int, Field(ge=1, le=MAX_WIDTH)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InlineData(Strict):
    """A handful of rows given in the request itself: how the lessons reproduce the articles' worked numbers."""

    x: list[Annotated[list[Finite], Field(min_length=1, max_length=MAX_FEATURES)]] = Field(
        min_length=1, max_length=MAX_INLINE_ROWS)
    y: list[Finite] = Field(min_length=1, max_length=MAX_INLINE_ROWS)

    @model_validator(mode="after")
    def _rectangular(self) -> InlineData:
        if len(self.x) != len(self.y):
            raise ValueError(f"data: {len(self.x)} rows of x but {len(self.y)} targets y")
        if len({len(r) for r in self.x}) != 1:
            raise ValueError("data: every row of x needs the same number of features")
        return self


class LayerParams(Strict):
    """Explicit starting values of one linear layer: weight (out × in) and bias (out), as in PyTorch."""

    weight: list[Annotated[list[Finite], Field(min_length=1, max_length=MAX_WIDTH)]] = Field(
        min_length=1, max_length=MAX_WIDTH)
    bias: list[Finite] | None = Field(None, max_length=MAX_WIDTH)


class NetworkConfig(Strict):
    """Everything that defines a run: with the same config, the same weights and the same training follow."""

    dataset: DatasetName = Field("moons", description="plane and gaussian are regressions (loss mse)")
    samples: int = Field(200, ge=4, le=MAX_ROWS, description="rows of the built-in dataset")
    noise: float = Field(0.1, ge=0.0, le=1.0)
    hidden: list[Width] = Field(default_factory=lambda: [8, 8], max_length=MAX_LAYERS - 1,
                                description="widths of the hidden layers")
    activations: list[Activation] = Field(default_factory=lambda: ["tanh", "tanh", "sigmoid"], min_length=1,
                                          max_length=MAX_LAYERS,
                                          description="one per linear layer, the output layer's last")
    loss: LossName = "bce"
    optimizer: OptimizerName = "adam"
    lr: float = Field(0.03, gt=0.0, le=10.0)
    batch_size: int = Field(16, ge=1, le=MAX_ROWS)
    bias: bool = True
    seed: int = Field(0, ge=0, le=2**31 - 1)
    features: list[Feature] | None = Field(None, min_length=1, max_length=7, description=(
        "the network's inputs, computed from a 2-D dataset's x1, x2 (x1sq = x1², x1x2 = x1·x2, sinx1 = sin x1, …); "
        "None: the data's columns as they are"))
    regularization: Regularization = Field("none", description="l2 adds λ·Σ w² over every weight (not the biases) "
                                           "to the loss, l1 adds λ·Σ |w|")
    regularization_rate: float = Field(0.0, ge=0.0, le=10.0, description="λ")
    test_fraction: float = Field(0.0, ge=0.0, le=0.9, description="share of the rows held out as test data "
                                 "(never trained on; chosen by the seed)")
    data: InlineData | None = Field(None, description="rows given inline; replaces the built-in dataset")
    weights: list[LayerParams] | None = Field(None, max_length=MAX_LAYERS,
                                              description="explicit starting weights, one entry per layer")

    @model_validator(mode="after")
    def _consistent(self) -> NetworkConfig:
        layers = len(self.hidden) + 1
        if len(self.activations) != layers:
            raise ValueError(f"activations: {len(self.hidden)} hidden layers + the output layer need {layers} "
                             f"activations, got {len(self.activations)}")
        out_act = self.activations[-1]
        if self.loss == "bce" and out_act != "sigmoid":
            raise ValueError(f"loss 'bce' needs a probability: make the output activation 'sigmoid' (not '{out_act}')")
        if self.loss == "cross_entropy" and out_act != "identity":
            raise ValueError("loss 'cross_entropy' applies softmax itself: make the output activation 'identity' "
                             f"(not '{out_act}')")
        if self.features is not None and len(set(self.features)) != len(self.features):
            raise ValueError(f"features: each input at most once, got {self.features}")
        if self.weights is not None and len(self.weights) != layers:
            raise ValueError(f"weights: the network has {layers} layers, got starting values for {len(self.weights)}")
        return self


class TrainRequest(Strict):
    """Train for a number of optimizer steps or of whole epochs (one of the two), in one bounded chunk."""

    steps: int | None = Field(None, ge=1, le=MAX_STEPS_PER_REQUEST)
    epochs: int | None = Field(None, ge=1, le=100)

    @model_validator(mode="after")
    def _one_of(self) -> TrainRequest:
        if (self.steps is None) == (self.epochs is None):
            raise ValueError("give exactly one of 'steps' or 'epochs'")
        return self


class LayerSnapshot(BaseModel):
    name: str
    weight: list[list[float]]
    bias: list[float] | None
    weight_grad: list[list[float]] | None
    bias_grad: list[float] | None
    grad_norm: float | None = Field(description="‖∂L/∂W‖ of the last step: small means vanishing gradients")


class Grid(BaseModel):
    """A square of points over the input plane, row by row from the top (x2 = y_max) down, left to right."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float
    nx: int
    ny: int


class Boundary(Grid):
    """The model's output at every grid point, float32 (what the page paints), packed as base64."""

    kind: Literal["probability", "classes", "regression"] = Field(
        description="probability: ŷ = P(class 1); classes: the winning class's probability and `classes`; "
                    "regression: ŷ itself, coloured from `range[0]` (orange) to `range[1]` (blue)")
    values: str = Field(description="nx·ny little-endian float32, base64")
    classes: str | None = Field(description="classes kind: the winning class per point, nx·ny uint8, base64")
    range: list[float] = Field(description="the colour scale's ends: [0, 1], or the training targets' min and max")


class LayerPictures(BaseModel):
    """Every neuron of one layer over the plane: what it outputs and the δ it receives (units × ny × nx each)."""

    outputs: str = Field(description="a (inputs: the feature's value), little-endian float32, base64")
    deltas: str | None = Field(description="δ = ∂ℓ/∂z at each point (None for the inputs); see NeuronPictures")
    output_scale: float = Field(description="the largest |a| over this layer's pictures")
    delta_scale: float | None = Field(description="the largest |δ| over this layer's pictures")


class NeuronPictures(Grid):
    """Each neuron's picture over the input plane (layer 0 is the inputs, then each linear layer).

    δ at a point p is ∂ℓ/∂z of the neuron for one example put at p with the label of the training example
    nearest to p (ℓ the data loss of that one example, without the penalty): the δ that example would get there.
    At a training point it is that example's own δ; negative δ means gradient descent raises z there.
    """

    layers: list[LayerPictures]


class Evaluation(BaseModel):
    step: int
    loss: float | None = Field(description="data loss on the training rows")
    test_loss: float | None = Field(description="data loss on the test rows (None without a test split)")


class SessionState(BaseModel):
    session_id: str
    config: NetworkConfig
    sizes: list[int]
    data_source: str
    classes: int
    step: int
    epoch: int
    inputs: list[str] = Field(description="the network's inputs: the features (x1, x1², sin(x1), …) or columns")
    train_rows: int
    test_rows: int
    loss: float | None = Field(description="data loss on the training rows (the penalty not included)")
    accuracy: float | None
    test_loss: float | None = Field(description="data loss on the test rows; None without a test split")
    test_accuracy: float | None
    penalty: float | None = Field(description="λ·Σ w² (l2) or λ·Σ |w| (l1) of the current weights; None without")
    losses: list[float] = Field(description="the minimized loss (data + penalty) of each step's batch (the last "
                                            "steps, up to 2000)")
    history: list[Evaluation] = Field(description="training and test loss after each train request")
    layers: list[LayerSnapshot]
    boundary: Boundary | None
    neurons: NeuronPictures | None


class TrainResult(BaseModel):
    state: SessionState
    new_losses: list[float]


class DataPoints(BaseModel):
    x: list[list[float]]
    y: list[float]
    feature_names: list[str]
    test: list[bool] = Field(description="which rows are held out as test data")


class Lesson(BaseModel):
    id: str
    title: str
    article: str
    text: str
    config: NetworkConfig


class Options(BaseModel):
    datasets: list[str]
    regression_datasets: list[str]
    features: list[str]
    regularizations: list[str]
    activations: list[str]
    losses: list[str]
    optimizers: list[str]
    limits: dict[str, int]
    lessons: list[Lesson]


class Term(BaseModel):
    """One product in a sum: e.g. w·a in z = Σ w·a + b, or w·δ where backward paths meet."""

    label: str
    factors: list[float]
    value: float
    penalty: float | None = Field(None, description="a weight's gradient: the regularization path's share "
                                  "(2λw for l2, λ·sign(w) for l1), included in value")


class Step(BaseModel):
    phase: Literal["forward", "backward"]
    kind: Literal["neuron", "loss"]
    layer: int = Field(description="1-based linear layer; 0 for the input, len(sizes)-1 is the output")
    unit: int
    title: str
    formula: str
    terms: list[Term] = Field(description="forward: the products in z = Σ w·a + b; backward: the paths that meet")
    grads: list[Term] = Field(description="backward: ∂L/∂w and ∂L/∂b of this neuron's incoming links")
    values: dict[str, float]


class Walkthrough(BaseModel):
    example: int
    x: list[float]
    y: float
    loss: float
    steps: list[Step]


class CheckRow(BaseModel):
    h: float
    central: float
    forward: float
    rel_error: float


class WeightDerivation(BaseModel):
    layer: int
    row: int
    col: int
    example: int
    formula: str
    factors: list[Term]
    penalty: Term | None = Field(None, description="the path through the penalty λ·R, from gg.explain")
    value: float
    engine_grad: float
    central_difference: float
    rel_error: float
    sweep: list[CheckRow]
    explain: str | None = Field(None, description="gg.explain's derivation of this weight element, factored where "
                                "paths meet (derivation(W, index=(row, col))), as text")


class ErrorBody(BaseModel):
    detail: str


class ValidationIssue(BaseModel):
    """One reason a request was refused: where (`loc`, e.g. ["body", "hidden", 0]) and why."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    """A 422: the request is outside the schema; every issue found, not the input that caused it."""

    detail: list[ValidationIssue]
