"""Pure, typed capacity models: fabric, collectives, compute, storage, power and energy.

No I/O, no Pulumi, no catalogue look-ups: callers pass numbers, every default is documented in the
module that owns it, and bad input raises :class:`aifab.errors.InputError`.

>>> from aifab.models import FabricSizingInput, size_fat_tree
>>> size_fat_tree(FabricSizingInput(nodes=128, gpus_per_node=8, link_gbps=400, switch_radix=64)).spine
16
"""

from aifab.models.collectives import (
    CollectiveInput,
    CollectiveResult,
    busbw_factor,
    collective_sweep,
    expected_collective,
)
from aifab.models.compute import (
    DtypeCompute,
    InferenceCapacity,
    InferenceInput,
    PoolCompute,
    PoolComputeInput,
    TrainingEstimate,
    TrainingInput,
    inference_capacity,
    pool_compute,
    training_time,
)
from aifab.models.energy import CostBreakdownLine, CostLine, EnergyEstimate, EnergyInput, estimate_energy
from aifab.models.fabric import (
    CloudFabric,
    FabricSizing,
    FabricSizingInput,
    cloud_fabric,
    leaf_port_split,
    size_fat_tree,
)
from aifab.models.power import PowerInput, PowerSizing, size_power
from aifab.models.storage import (
    CheckpointInput,
    CheckpointSizing,
    DataLoading,
    DataLoadingInput,
    LustreSizing,
    VectorDbInput,
    VectorDbSizing,
    checkpoint_sizing,
    data_loading_throughput,
    size_lustre,
    size_vector_db,
)

__all__ = [
    "CheckpointInput",
    "CheckpointSizing",
    "CloudFabric",
    "CollectiveInput",
    "CollectiveResult",
    "CostBreakdownLine",
    "CostLine",
    "DataLoading",
    "DataLoadingInput",
    "DtypeCompute",
    "EnergyEstimate",
    "EnergyInput",
    "FabricSizing",
    "FabricSizingInput",
    "InferenceCapacity",
    "InferenceInput",
    "LustreSizing",
    "PoolCompute",
    "PoolComputeInput",
    "PowerInput",
    "PowerSizing",
    "TrainingEstimate",
    "TrainingInput",
    "VectorDbInput",
    "VectorDbSizing",
    "busbw_factor",
    "checkpoint_sizing",
    "cloud_fabric",
    "collective_sweep",
    "data_loading_throughput",
    "estimate_energy",
    "expected_collective",
    "inference_capacity",
    "leaf_port_split",
    "pool_compute",
    "size_fat_tree",
    "size_lustre",
    "size_power",
    "size_vector_db",
    "training_time",
]
