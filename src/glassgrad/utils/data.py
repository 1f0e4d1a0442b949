"""torch.utils.data's names, from gg.data (the same objects: one implementation)."""

from glassgrad.data import (
                            BatchSampler,
                            ConcatDataset,
                            DataLoader,
                            Dataset,
                            IterableDataset,
                            RandomSampler,
                            Sampler,
                            SequentialSampler,
                            Subset,
                            SubsetRandomSampler,
                            TensorDataset,
                            WeightedRandomSampler,
                            default_collate,
                            default_convert,
                            get_worker_info,
                            random_split,
)

__all__ = ["BatchSampler", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset", "RandomSampler", "Sampler",
           "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset", "WeightedRandomSampler",
           "default_collate", "default_convert", "get_worker_info", "random_split"]
