"""The course's nbgrader preprocessors (named in ``nbgrader_config.py``).

* ``GuardedExecute``: execution in a sandboxed kernel with the integrity guard;
* ``SafeDeduplicateIds`` and ``SafeOverwriteCells``: nbgrader's sanitizing
  steps, mended where a broken submission made them crash;
* ``SafeFeedback``: feedback that keeps nothing the grading kernel printed,
  only scores, verdicts and the student's own outputs.
"""

from .deduplicate_ids import SafeDeduplicateIds
from .guarded_execute import GuardedExecute
from .overwrite_cells import SafeOverwriteCells
from .safe_feedback import SafeFeedback

__all__ = ["GuardedExecute", "SafeDeduplicateIds", "SafeFeedback", "SafeOverwriteCells"]
