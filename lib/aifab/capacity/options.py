"""Every default the design-level estimate introduces, named, documented, sourced and overridable.

>>> from aifab.capacity import EstimateOptions
>>> EstimateOptions().utilisation
0.8
>>> EstimateOptions.from_settings({"utilisation": 0.6}).utilisation
0.6

Each field carries its description and source in the JSON schema (``json_schema_extra["source"]``);
:meth:`EstimateOptions.assumptions` lists them with their values, and every estimate reports the
options it used, so a number can always be traced to the assumption behind it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aifab.design.component import StrictNumbers
from aifab.validation_errors import describe, input_error

__all__ = ["Assumption", "EstimateOptions"]

_GIB = 2**30


def _opt(default: Any, description: str, source: str, **constraints: Any) -> Any:
    return Field(default, description=description, json_schema_extra={"source": source}, **constraints)


class Assumption(BaseModel):
    """One option as used by an estimate: its name, value, what it means and where it comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    value: Any
    description: str
    source: str


class EstimateOptions(StrictNumbers):
    """Knobs of :func:`aifab.capacity.estimate_design`. Every field is a documented default."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    utilisation: float = _opt(
        0.8,
        "Average fraction of peak IT power drawn over a year (energy, carbon and energy cost scale with it).",
        "assumption: a busy, shared training cluster; measure yours (DCGM power telemetry) and override",
        ge=0,
        le=1,
    )
    compute_dtype: Literal["fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8"] = _opt(
        "bf16",
        "Precision of the expected GEMM figure and of training-time and inference estimates "
        "(falls back to fp16, then the first precision the catalogue knows, when missing).",
        "convention: mixed-precision bf16 training is the norm for large models (Llama 3 paper, 2024)",
    )
    achievable_gemm_efficiency: float = _opt(
        0.7,
        "Fraction of datasheet dense TFLOP/s a large GEMM reaches.",
        "aifab.models.compute default: large dense GEMMs typically reach ~70 % of peak",
        gt=0,
        le=1,
    )
    checkpoint_bytes_per_parameter: float = _opt(
        14.0,
        "Bytes per parameter in a checkpoint (mixed-precision Adam: 2 + 4 + 4 + 4).",
        "aifab.models.storage default: bf16 weights, fp32 master weights, Adam m and v",
        gt=0,
    )
    host_overhead_factor: float = _opt(
        1.8,
        "Node power / (accelerators x TDP) for cloud accelerator instances whose catalogue entry gives no "
        "max_power_kw (CPUs, memory, NICs, fans, PSU losses). Used only to estimate energy and carbon of cloud pools.",
        "derived from the catalogue: DGX H100 10.2 kW / (8 x 700 W) = 1.82; DGX B200 14.3 kW / (8 x 1000 W) = 1.79",
        ge=1,
    )
    management_fraction_of_compute: float = _opt(
        0.03,
        "Management plane (control-plane servers, in-band and out-of-band Ethernet) as a fraction of on-prem "
        "compute power.",
        "assumption (low confidence): a DGX SuperPOD SU's management servers and Ethernet switches draw a few "
        "per cent of its compute power; override with your bill of materials",
        ge=0,
        le=1,
    )
    storage_kw_per_gbs: float = _opt(
        0.03,
        "Power of on-prem file systems per GB/s of stated throughput (lustre, weka, gpfs, nfs at an on-prem site).",
        "assumption (low confidence): an all-flash 2U appliance serving ~90 GB/s draws ~2.5-3 kW; "
        "override with your storage vendor's figure",
        ge=0,
    )
    default_pue: float = _opt(
        1.56,
        "PUE used only when a site states no pue, no cooling and no region.",
        "Uptime Institute 2024 industry average, as in the catalogue's air-cooling entry",
        ge=1,
        le=3,
    )
    pcie_gbs_per_direction: float = _opt(
        31.5,
        "Per-GPU scale-up bandwidth per direction for accelerators without NVLink-class links "
        "(catalogue intra_node_gbs unknown).",
        "PCIe Gen4 x16: 16 GT/s x 16 lanes x 128/130 / 8 = 31.5 GB/s per direction",
        gt=0,
    )
    allreduce_sweep_bytes: tuple[int, ...] = _opt(
        (2**10, 2**16, 2**22, 2**28, _GIB, 8 * _GIB),
        "Message sizes of the expected all-reduce sweep (bytes); the expected block always reports 1 GiB.",
        "nccl-tests style sweep, thinned to six points from latency-bound to bandwidth-bound",
        min_length=1,
    )
    serving_bytes_per_parameter: float = _opt(
        2.0,
        "Bytes per parameter of served weights.",
        "bf16 weights (aifab.models.compute InferenceInput default)",
        gt=0,
    )
    serving_memory_headroom: float = _opt(
        1.2,
        "HBM needed per replica = weights x this factor (room for KV cache and activations); sets the "
        "accelerators per replica (the smallest power of two that holds it, whole nodes beyond one node).",
        "assumption: keep ~20 % of HBM for KV cache; long contexts need more",
        ge=1,
    )
    serving_batch_size: int = _opt(
        1,
        "Concurrent sequences per replica in the decode-throughput ceiling.",
        "aifab.models.compute default (single-stream decode; batching multiplies the memory-bound ceiling)",
        ge=1,
    )
    rack_power_kw: float | None = _opt(
        None,
        "Provisioned power per rack (PDUs); None means the site's cooling limit.",
        "aifab.models.power default: rack power defaults to the cooling limit",
        gt=0,
    )
    node_leaf_media: Literal["optical", "aoc", "dac"] = _opt(
        "optical",
        "Node-to-leaf cabling (optical needs a transceiver at each end; DAC and AOC none).",
        "aifab.models.fabric default",
    )
    switch_link_media: Literal["optical", "aoc", "dac"] = _opt(
        "optical",
        "Leaf-spine and spine-core cabling.",
        "aifab.models.fabric default",
    )
    fsx_capacity_notation: Literal["either", "binary", "aws-console"] = _opt(
        "either",
        "How capacity_tib of an FSx for Lustre file system maps to AWS's GiB sizes: 'binary' (1 TiB = 1024 GiB), "
        "'aws-console' (AWS's own notation: '1.2 TiB, 2.4 TiB and increments of 2.4 TiB' for 1200/2400 GiB "
        "steps, i.e. 1 TiB = 1000 GiB) or 'either'.",
        "AWS FSx for Lustre CreateFileSystem StorageCapacity (GiB) and the FSx console's TiB labels",
    )
    hours_per_year: float = _opt(8760.0, "Hours in a year of operation.", "365 x 24", gt=0)

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> EstimateOptions:
        """Options with ``settings`` applied over the defaults; bad names or values are :class:`InputError`."""
        try:
            return cls.model_validate(settings)
        except ValidationError as exc:
            unknown = "unknown option; known: " + ", ".join(cls.model_fields)
            raise input_error(exc, "estimate options", describe_error=lambda e: describe(e, unknown)) from None

    def assumptions(self) -> tuple[Assumption, ...]:
        """Every option with its value, description and source, in declaration order."""
        rows = []
        for name, info in type(self).model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            rows.append(
                Assumption(
                    name=name,
                    value=getattr(self, name),
                    description=info.description or "",
                    source=str(extra.get("source", "")),
                )
            )
        return tuple(rows)
