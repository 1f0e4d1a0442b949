"""MSE, L1, SmoothL1 and Huber losses with every reduction, and their gradients."""
import torch
import torch.nn as nn

pred = torch.tensor([[0.5, 2.0], [-1.0, 3.5], [0.0, 0.2]], requires_grad=True)
target = torch.tensor([[1.0, 1.0], [-1.5, 0.5], [0.1, 0.0]])
for loss_fn in [nn.MSELoss(), nn.L1Loss(reduction="sum"), nn.SmoothL1Loss(beta=0.5), nn.HuberLoss(delta=0.8),
                nn.MSELoss(reduction="none"), nn.SmoothL1Loss(reduction="none")]:
    pred.grad = None
    loss = loss_fn(pred, target)
    loss.sum().backward()
    print(loss.tolist(), pred.grad.tolist())
