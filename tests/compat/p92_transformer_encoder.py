"""A small Transformer encoder classifier over token embeddings, with a causal and a key-padding mask."""
import torch
import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 8)
        layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(8))
        self.head = nn.Linear(8, 3)

    def forward(self, tokens, pad):
        mask = torch.triu(torch.ones(tokens.shape[1], tokens.shape[1], dtype=torch.bool), 1)
        h = self.encoder(self.embed(tokens), mask=mask, src_key_padding_mask=pad)
        return self.head(h.mean(1))


model = Classifier()
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_((torch.arange(p.numel()) * 1.7 + i).sin().reshape(p.shape) * 0.5)
model.eval()
tokens = torch.tensor([[1, 4, 2, 0], [3, 3, 9, 5]])
pad = torch.tensor([[False, False, False, True], [False, False, False, False]])
logits = model(tokens, pad)
loss = nn.functional.cross_entropy(logits, torch.tensor([2, 0]))
loss.backward()
print(logits.flatten().tolist(), loss.item())
print([p.grad.norm().item() for p in model.parameters()])
print(len(model.state_dict()), list(model.state_dict())[1:4])
print(nn.Transformer.generate_square_subsequent_mask(3).tolist())
