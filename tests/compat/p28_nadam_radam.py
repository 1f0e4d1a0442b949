"""NAdam and RAdam (with and without decoupled weight decay) on a small network (float64)."""
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
x = torch.linspace(-1, 1, 10).reshape(5, 2)
y = torch.tensor([0, 1, 1, 0, 1])
for make in [lambda p: torch.optim.NAdam(p, lr=0.02), lambda p: torch.optim.NAdam(p, lr=0.02, weight_decay=0.1),
             lambda p: torch.optim.RAdam(p, lr=0.02), lambda p: torch.optim.RAdam(p, lr=0.02, weight_decay=0.1,
                                                                             decoupled_weight_decay=True)]:
    model = nn.Sequential(nn.Linear(2, 5), nn.GELU(), nn.Linear(5, 2))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.linspace(-0.5, 0.3, p.numel()).reshape(p.shape))
    opt = make(model.parameters())
    for _ in range(20):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    print(loss.item())
