"""Helpers shared by the application assignments (05 to 07): data generation and plots."""

import numpy as np  # noqa: F401
