"""cross_entropy on (N, C, H, W) logits against (N, H, W) class maps (segmentation), with ignore_index."""
import torch
import torch.nn.functional as F

logits = torch.linspace(-2, 2, 2 * 3 * 2 * 2).reshape(2, 3, 2, 2).sin().requires_grad_()
target = torch.tensor([[[0, 1], [2, 1]], [[1, 1], [0, -100]]])
loss = F.cross_entropy(logits, target)
loss.backward()
print(loss.item(), logits.grad.sum().item(), logits.grad[0, :, 0, 0].tolist())
print(F.cross_entropy(logits, target, reduction="none").tolist())
print(F.nll_loss(F.log_softmax(logits, dim=1), target.clamp(min=0), reduction="sum").item())
