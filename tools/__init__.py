"""Instructor tooling of the course: releases, demo grading, class grading, benchmarks.

Run ``python -m tools --help`` (or the Makefile targets) from the repository root.
"""
