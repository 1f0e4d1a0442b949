"""CrossEntropyLoss with class weights, label smoothing and ignore_index; NLLLoss after log_softmax."""
import torch
import torch.nn as nn
import torch.nn.functional as F

logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 0.3], [-1.0, 3.0, 0.0], [0.5, 0.5, 2.5]], requires_grad=True)
target = torch.tensor([0, 2, 1, -100])
for loss_fn in [nn.CrossEntropyLoss(), nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5])),
                nn.CrossEntropyLoss(label_smoothing=0.1), nn.CrossEntropyLoss(reduction="sum")]:
    logits.grad = None
    loss = loss_fn(logits, target)
    loss.backward()
    print(loss.item(), logits.grad.tolist())
print(F.nll_loss(F.log_softmax(logits, dim=1), torch.tensor([0, 2, 1, 1])).item())
probs = torch.softmax(torch.tensor([[1.0, 2.0, 3.0]]), dim=1)
print(F.cross_entropy(torch.tensor([[0.2, 0.3, 0.5]]), probs).item())
