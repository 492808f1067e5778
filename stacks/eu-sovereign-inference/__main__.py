"""Pulumi program for the EU sovereign training and inference reference architecture.

At this stage it validates the design for the selected stack (environment) and exports a summary;
a design with errors never reaches the cloud. Cloud resources are added by the deployment layer.
"""

from pathlib import Path

import pulumi

from aifactory.catalogue import load_catalogue
from aifactory.design.loader import load_design
from aifactory.validate import validate

loaded = load_design(Path(__file__).parent, env=pulumi.get_stack())
result = validate(loaded.design, load_catalogue(loaded.catalogue_file))
for diagnostic in result.warnings:
    pulumi.log.warn(str(diagnostic))
if not result.valid:
    raise pulumi.RunError("design is invalid:\n" + "\n".join(str(d) for d in result.errors))

pulumi.export("design", loaded.design.name)
pulumi.export("components", len(loaded.design.components))
pulumi.export("deployment_order", result.graph.deployment_order())
