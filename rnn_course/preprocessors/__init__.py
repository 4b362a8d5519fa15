"""The course's nbgrader preprocessors (named in ``nbgrader_config.py``).

* ``GuardedExecute``: execution in a sandboxed kernel with the integrity guard;
* ``SafeDeduplicateIds`` and ``SafeOverwriteCells``: nbgrader's sanitizing
  steps, mended where a broken submission made them crash.
"""

from .deduplicate_ids import SafeDeduplicateIds
from .guarded_execute import GuardedExecute
from .overwrite_cells import SafeOverwriteCells

__all__ = ["GuardedExecute", "SafeDeduplicateIds", "SafeOverwriteCells"]
