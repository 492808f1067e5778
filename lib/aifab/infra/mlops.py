"""Realisers for the mlops area (work in progress: being written in this change)."""

from __future__ import annotations
