"""Benchmark workloads that verify built infrastructure performs as designed.

``workloads/`` holds the standalone measuring scripts (one JSON result each, :mod:`aifab.bench.result`);
the rest runs them locally or on a cluster and verifies what they measured against the capacity models.
"""
