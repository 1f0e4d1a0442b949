"""gg.data: datasets and batching (torch.utils.data's names), toy sets, the digits, and your own CSV."""

from glassgrad.data.dataset import ConcatDataset, IterableDataset, Subset, random_split
from glassgrad.data.digits import digits
from glassgrad.data.loader import DataLoader, Dataset, TensorDataset, default_collate, default_convert, get_worker_info
from glassgrad.data.sampler import (
                                   BatchSampler,
                                   RandomSampler,
                                   Sampler,
                                   SequentialSampler,
                                   SubsetRandomSampler,
                                   WeightedRandomSampler,
)
from glassgrad.data.table import CSVDataset, from_csv
from glassgrad.data.text import TEXT, characters
from glassgrad.data.toy import blobs, circles, gaussian, linear, moons, plane, spirals, xor

__all__ = ["BatchSampler", "CSVDataset", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset",
           "RandomSampler", "Sampler", "SequentialSampler", "Subset", "SubsetRandomSampler", "TEXT", "TensorDataset",
           "WeightedRandomSampler", "blobs", "characters", "circles", "default_collate", "default_convert", "digits",
           "from_csv", "gaussian", "get_worker_info", "linear", "moons", "plane", "random_split", "spirals", "xor"]
