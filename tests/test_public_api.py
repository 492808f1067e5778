"""The public API is small and deliberate: this list changes only on purpose."""

from __future__ import annotations

import aifactory


def test_public_api_is_exactly_this() -> None:
    assert sorted(aifactory.__all__) == sorted(
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
    for name in aifactory.__all__:
        assert getattr(aifactory, name) is not None


def test_end_to_end_through_the_public_api() -> None:
    loaded = aifactory.load_design("stacks/uk-sovereign-training", env="prod")
    result = aifactory.validate(loaded.design, aifactory.load_catalogue())
    assert result.valid
    assert result.graph.deployment_order()[0] == ["experimentation", "uk"]
