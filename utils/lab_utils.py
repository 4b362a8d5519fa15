"""Helpers of the ungraded companion labs in notebooks/."""
