"""torch.save / torch.load of a state dict through an in-memory file."""
import io

import torch
import torch.nn as nn

model = nn.Linear(3, 2)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[0.1, 0.2, 0.3], [-0.4, 0.5, -0.6]]))
    model.bias.copy_(torch.tensor([0.05, -0.05]))
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
state = torch.load(buffer, weights_only=True)
restored = nn.Linear(3, 2)
restored.load_state_dict(state)
x = torch.tensor([[1.0, 2.0, 3.0]])
print(restored(x).tolist(), model(x).tolist())
print(state["weight"].sum().item(), state["bias"].tolist())
