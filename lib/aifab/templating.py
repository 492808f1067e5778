"""One jinja2 setup for every generated text (reports, policy index, blueprint reference).

Templates live in a ``templates/`` folder of the package that renders them; missing variables are
errors (StrictUndefined), and Markdown is not HTML-escaped.

>>> env = template_environment("aifab.report", cell=str)
>>> env.undefined.__name__
'StrictUndefined'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2


def template_environment(package: str, **filters: Callable[..., Any]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(filters)
    return env
