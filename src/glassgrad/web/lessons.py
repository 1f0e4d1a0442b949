"""The playground's lessons: the articles' worked examples as ready-made networks whose numbers the page shows.

Each is a config with inline data and explicit starting weights, so stepping through its backward pass
reproduces the figures the article prints (seed 002: dC/da = 1.4, dC/dw = 2.1; seed 004: L = 4, ∂L/∂w = −20).
"""

from __future__ import annotations

from glassgrad.web.schemas import Lesson, NetworkConfig

_ONE_WEIGHT = dict(hidden=[], activations=["identity"], loss="mse", optimizer="sgd", batch_size=1, bias=False)

LESSONS = [
    Lesson(id="seed004-one-weight", title="One weight: L = (y − w·x)²", article="004_31de3fa48beae6a5.txt",
           text="w = 2, x = 5, target 12: the prediction is 10, the loss (12 − 10)² = 4 and ∂L/∂w = −20, "
                "so gradient descent makes w larger.",
           config=NetworkConfig(**_ONE_WEIGHT, lr=0.01, data={"x": [[5.0]], "y": [12.0]},
                                weights=[{"weight": [[2.0]]}])),
    Lesson(id="seed002-perceptron", title="A perceptron learns: a = i·w", article="002_86959c1683fbc8d2.txt",
           text="i = 1.5, w = 0.8, target 0.5: a = 1.2, C = (a − y)², dC/da = 1.4 and dC/dw = 2.1; one step with "
                "learning rate 0.1 takes w to 0.59, and repeated steps take it on towards 1/3.",
           config=NetworkConfig(**_ONE_WEIGHT, lr=0.1, data={"x": [[1.5]], "y": [0.5]},
                                weights=[{"weight": [[0.8]]}])),
    Lesson(id="seed001-two-paths", title="Two paths meet: a 1-1-2-1 linear network", article="001_d6427f524a82b0f6.txt",
           text="Nine parameters w[i]j,k and b[i]j. The hidden neuron of layer 1 reaches the output along two paths, "
                "so its gradient is the sum of two chain-rule products: step backward to layer 1 and see the sum.",
           config=NetworkConfig(hidden=[1, 2], activations=["identity", "identity", "identity"], loss="mse",
                                optimizer="sgd", lr=0.05, batch_size=1, data={"x": [[1.0]], "y": [1.0]},
                                weights=[{"weight": [[0.5]], "bias": [0.1]},
                                         {"weight": [[1.0], [-0.5]], "bias": [0.2, 0.1]},
                                         {"weight": [[0.8, 1.2]], "bias": [0.0]}])),
    Lesson(id="seed003-sigmoid-chain", title="A sigmoid chain derived by hand", article="003_49bd8dfbb3d437dd.txt",
           text="x → z₁ = w₁x → a₁ = σ(z₁) → z₂ = w₂a₁ → ŷ = σ(z₂) → E. Backward you meet ∂ŷ/∂z₂ = ŷ(1 − ŷ), "
                "∂z₂/∂a₁ = w₂ and ∂a₁/∂z₁ = a₁(1 − a₁). The loss here is (y − ŷ)², twice the article's ½(y − ŷ)², "
                "so every gradient is twice the article's.",
           config=NetworkConfig(hidden=[1], activations=["sigmoid", "sigmoid"], loss="mse", optimizer="sgd", lr=0.5,
                                batch_size=1, bias=False, data={"x": [[1.0]], "y": [1.0]},
                                weights=[{"weight": [[0.5]]}, {"weight": [[-0.3]]}])),
    Lesson(id="xor", title="XOR needs a hidden layer", article="",
           text="No straight line separates XOR's classes; a few tanh neurons bend the boundary. Train, watch it form.",
           config=NetworkConfig(dataset="xor", samples=200, noise=0.1, hidden=[4], activations=["tanh", "sigmoid"],
                                loss="bce", optimizer="adam", lr=0.05, batch_size=16)),
    Lesson(id="vanishing", title="Vanishing gradients", article="004_31de3fa48beae6a5.txt",
           text="Six sigmoid layers: look at the per-layer gradient norms. The first layers get gradients orders of "
                "magnitude smaller than the last. Switch the activations to relu and compare.",
           config=NetworkConfig(dataset="circles", hidden=[8, 8, 8, 8, 8], activations=["sigmoid"] * 6,
                                loss="bce", optimizer="sgd", lr=0.5, batch_size=16)),
]
