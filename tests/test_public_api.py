"""The public API is small and deliberate: this list changes only on purpose."""

from __future__ import annotations

import aifab


def test_public_api_is_exactly_this() -> None:
    assert sorted(aifab.__all__) == sorted(
        [
            "Catalogue",
            "Design",
            "DesignGraph",
            "Diagnostic",
            "InputError",
            "LoadedDesign",
            "Location",
            "ValidationResult",
            "__version__",
            "build_graph",
            "export_design",
            "load_catalogue",
            "load_design",
            "validate",
        ]
    )
    for name in aifab.__all__:
        assert getattr(aifab, name) is not None


def test_end_to_end_through_the_public_api() -> None:
    loaded = aifab.load_design("stacks/uk-sovereign-training", env="prod")
    result = aifab.validate(loaded.design, aifab.load_catalogue())
    assert result.valid
    assert result.graph.deployment_order()[0] == ["dev", "uk"]
