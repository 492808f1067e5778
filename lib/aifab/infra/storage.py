"""Realisers for the storage area (work in progress: being written in this change)."""

from __future__ import annotations
