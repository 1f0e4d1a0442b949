"""A REINFORCE step and a VAE's KL term with torch.distributions (the actions are given, not sampled)."""
import torch
import torch.nn as nn
from torch.distributions import Bernoulli, Categorical, Normal, kl_divergence

policy = nn.Linear(4, 3)
with torch.no_grad():
    policy.weight.copy_(torch.linspace(-1, 1, 12).reshape(3, 4))
    policy.bias.fill_(0.1)
states = torch.linspace(-2, 2, 20).reshape(5, 4)
actions = torch.tensor([0, 2, 1, 1, 0])
returns = torch.tensor([1.0, -0.5, 2.0, 0.3, -1.0])
dist = Categorical(logits=policy(states))
loss = -(dist.log_prob(actions) * returns).sum() - 0.01 * dist.entropy().mean()
loss.backward()
print(round(loss.item(), 5), [round(g, 5) for g in policy.weight.grad.flatten().tolist()])
print(dist.sample().shape, dist.sample((7,)).shape, dist.sample().dtype == torch.int64)

mu = torch.tensor([0.5, -1.0, 0.2], requires_grad=True)
log_var = torch.tensor([0.1, -0.3, 0.0], requires_grad=True)
q = Normal(mu, torch.exp(0.5 * log_var))
kl = kl_divergence(q, Normal(torch.zeros(3), torch.ones(3))).sum()
closed = -0.5 * torch.sum(1 + log_var - mu ** 2 - log_var.exp())
kl.backward()
print(round(kl.item(), 6), round(closed.item(), 6), mu.grad.tolist(), log_var.grad.tolist())
z = q.rsample((4,))
print(z.shape, z.requires_grad, q.log_prob(torch.tensor([0.0, 0.0, 0.0])).tolist())
coin = Bernoulli(logits=torch.tensor([0.0, 2.0]))
print(coin.probs.tolist(), coin.log_prob(torch.tensor([1.0, 0.0])).tolist(), coin.entropy().tolist())
