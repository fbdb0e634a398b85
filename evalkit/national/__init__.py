"""The national level: per-instansi analysis, national figures from sufficient statistics.

Above one regency the data are partitioned by instansi (a regency, a province, a
ministry): no rating, survey or training crosses an instansi. Each instansi's study
folder is loaded and reduced on its own (in-process or on a Dask cluster) to at most a
few thousand numbers (:mod:`.stats`); the nation's figures are computed from their sums,
never from pooled raw rows, and equal the pooled computation (:mod:`.reference`).

Modules: :mod:`.layout` (the data set's folders, a synthetic nation), :mod:`.stats`
(sufficient statistics), :mod:`.kappa` (Fleiss' kappa), :mod:`.training` (the training
effect), :mod:`.results` (the national results.json, the funnel),
:mod:`.reference` (the pooled single-process reference), :mod:`.run` (executors and
outputs), :mod:`.report` (HTML, figure, workbook).
"""

from .layout import (
    INSTANSI_FILE,
    Partition,
    instansi_folder,
    is_national,
    partitions,
    simulate_national,
)
from .results import funnel, national_results
from .run import compute_partitions, national_dir, open_client, run_national
from .stats import PartitionStats, combine, partition_statistics

__all__ = [
    "INSTANSI_FILE",
    "Partition",
    "PartitionStats",
    "combine",
    "compute_partitions",
    "funnel",
    "instansi_folder",
    "is_national",
    "national_dir",
    "national_results",
    "open_client",
    "partition_statistics",
    "partitions",
    "run_national",
    "simulate_national",
]
