"""Adam, AdamW and amsgrad on the same model: their trajectories (float64)."""
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
x = torch.linspace(-1, 1, 16).reshape(8, 2)
y = torch.sin(3 * x[:, :1]) + x[:, 1:]
for make in [lambda p: torch.optim.Adam(p, lr=0.05), lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.1),
             lambda p: torch.optim.Adam(p, lr=0.05, amsgrad=True, weight_decay=0.01),
             lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.5, 0.9))]:
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.linspace(-0.4, 0.4, p.numel()).reshape(p.shape))
    opt = make(model.parameters())
    for _ in range(25):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    print(loss.item())
