"""Helpers for the character-level language model of 04_dinosaur_island.

Vocabulary convention of the course: the sorted unique characters of the
corpus, with the newline ``'\\n'`` (end of a name) at index 0 and ``a``..``z``
at 1..26.
"""

import numpy as np  # noqa: F401  (used by the helpers of the dinosaur assignment)
