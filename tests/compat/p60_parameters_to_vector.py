"""Flatten all parameters into one vector and back (as in evolution strategies or line searches)."""
import torch
import torch.nn as nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters

model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
vec = torch.linspace(-1, 1, sum(p.numel() for p in model.parameters()))
vector_to_parameters(vec, model.parameters())
print(model[0].weight.tolist(), model[1].bias.tolist())
flat = parameters_to_vector(model.parameters())
print(flat.shape[0], (flat - vec).abs().max().item(), flat.requires_grad)
print(model(torch.tensor([[1.0, 2.0]])).item())
