"""Facility and energy: a site with its power budget, cooling, PUE and grid.

A site is where physical things sit: an on-prem or colocation data hall, or an AWS region (where the
power and cooling are the provider's and only the region, its grid and PUE matter).

>>> from aifab.blueprints.facility import Site
>>> hall = Site(id="slough-dh2", provider="colo", country="GB", grid_zone="GB",
...             power_budget_kw=2500, cooling="direct-liquid", max_kw_per_rack=80, pue=1.25,
...             renewable_share=0.6, energy_usd_per_mwh=180)
>>> hall.power_budget_kw
2500.0
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from aifab.design.component import Component, Link, Ref
from aifab.errors import Diagnostic

Cooling = Literal["air", "rear-door", "direct-liquid", "immersion"]


class Site(Component):
    """A data centre site or cloud region, with the power, cooling and energy facts capacity models use.

    ``pue``, ``grid_gco2e_per_kwh`` and ``max_kw_per_rack`` default to the catalogue (by region, grid
    zone or cooling technology) when left unset; set them to override with your own measured values.
    """

    kind: Literal["site"] = "site"
    area: ClassVar[str] = "facility"
    deployable: ClassVar[bool] = False
    needs_boundary: ClassVar[bool] = True
    catalogue_refs: ClassVar[dict[str, str]] = {"region": "region", "grid_zone": "grid_zone", "cooling": "cooling"}

    provider: Literal["aws", "onprem", "colo"]
    region: str | None = Field(default=None, description="cloud region code, for provider 'aws'")
    country: Annotated[str | None, Field(pattern=r"^[A-Z]{2}$")] = None
    grid_zone: str | None = Field(default=None, description="catalogue grid zone, for on-prem and colo sites")
    power_budget_kw: Annotated[float | None, Field(gt=0, le=2_000_000)] = None
    cooling: Cooling | None = None
    max_kw_per_rack: Annotated[float | None, Field(gt=0, le=500)] = None
    rack_units_per_rack: Annotated[int, Field(ge=10, le=60)] = 42
    pue: Annotated[float | None, Field(ge=1.0, le=3.0)] = None
    grid_gco2e_per_kwh: Annotated[float | None, Field(ge=0, le=2000)] = None
    renewable_share: Annotated[float, Field(ge=0, le=1)] = 0.0
    energy_usd_per_mwh: Annotated[float | None, Field(ge=0, le=10_000)] = None

    inside: Annotated[Ref | None, Link("inside", ("sovereign_boundary",))] = None

    @model_validator(mode="after")
    def _provider_fields(self) -> Site:
        if self.provider == "aws" and not self.region:
            raise ValueError("a site with provider 'aws' needs region (e.g. 'eu-west-2')")
        if self.provider != "aws" and self.region:
            raise ValueError(f"region is for provider 'aws' sites; a {self.provider} site sets grid_zone and country")
        return self

    def check(self) -> list[Diagnostic]:
        problems = super().check()
        if self.provider != "aws":
            missing = [f for f in ("power_budget_kw", "cooling") if getattr(self, f) is None]
            if missing:
                problems.append(
                    self.problem(
                        "site-facility-unspecified",
                        f"an {self.provider} site should state {' and '.join(missing)} "
                        "so power and cooling can be checked",
                        "warning",
                    )
                )
            if self.grid_zone is None and self.grid_gco2e_per_kwh is None:
                problems.append(
                    self.problem(
                        "site-grid-unspecified",
                        "set grid_zone (catalogue) or grid_gco2e_per_kwh so carbon can be estimated",
                        "warning",
                    )
                )
        return problems
