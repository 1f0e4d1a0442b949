"""A decoder's upsampling (nearest and bilinear) and a batch of variable-length sequences, padded."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

x = torch.arange(12.0).reshape(1, 1, 3, 4).requires_grad_()
up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
y = up(x)
print(up, tuple(y.shape), [round(v, 5) for v in y[0, 0, 1].tolist()])
z = F.interpolate(x, size=(5, 3), mode="bilinear", align_corners=True).sum() * F.interpolate(x, scale_factor=1.5)
(y.sum() + (z ** 2).sum()).backward()
print([round(v, 4) for v in x.grad.flatten().tolist()])
print(F.interpolate(torch.tensor([[[1.0, 2.0, 4.0]]]), size=5, mode="linear").tolist())

words = [torch.tensor([4, 1, 7]), torch.tensor([2]), torch.tensor([5, 3])]
batch = pad_sequence(words, batch_first=True, padding_value=-1)
print(batch.tolist(), batch.dtype == torch.int64)
print(pad_sequence(words, padding_side="left").tolist())
lengths = torch.tensor([len(w) for w in words])
mask = torch.arange(batch.shape[1])[None, :] < lengths[:, None]
print(mask.tolist())
