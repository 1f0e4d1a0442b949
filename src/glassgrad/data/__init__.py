"""gg.data: datasets and batching (torch.utils.data's names), toy sets, the digits, and your own CSV."""

from glassgrad.data.digits import digits
from glassgrad.data.loader import DataLoader, Dataset, TensorDataset
from glassgrad.data.table import CSVDataset, from_csv
from glassgrad.data.toy import blobs, circles, linear, moons, spirals, xor

__all__ = ["CSVDataset", "DataLoader", "Dataset", "TensorDataset", "blobs", "circles", "digits", "from_csv",
           "linear", "moons", "spirals", "xor"]
