"""nbgrader configuration of the course "Recurrent neural networks from scratch".

Every path is anchored to this file's folder, so nbgrader finds the course
from any working directory that loads this file (the project's commands pass
it explicitly).
"""

import os

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = COURSE_ROOT
c.CourseDirectory.course_id = "rnn-from-scratch"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(COURSE_ROOT, "gradebook.db")

# Files never copied into a release or into autograded/<student>/: besides
# nbgrader's defaults, any Python module or extension a student submits next
# to the notebook. A file named rnn_utils.py, check_utils.py or numpy.py would
# otherwise be imported instead of the installed course helpers or numpy,
# because the kernel puts the notebook's folder first on sys.path. Files the
# submission's code writes beside the notebook while it is graded are removed
# before feedback is generated (GuardedExecute), so they never reach a student.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "__pycache__",
    "feedback",
    "*.py",
    "*.pyc",
    "*.pyo",
    "*.pyd",
    "*.so",
    "*.pth",
    ".course_*",  # the grader's own files beside a graded notebook (integrity verdict, isolation report)
]

# The student version: solution regions become a marked block for the
# student's code, test cells are locked, hidden tests are removed.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.LockCells.lock_grade_cells = True
c.LockCells.lock_readonly_cells = True

# Autograding: a test cell the student deleted is put back from the source.
c.OverwriteCells.add_missing_cells = True

# Execution under grading: one runaway cell costs that cell only.
c.Execute.timeout = 60  # seconds per cell
c.Execute.interrupt_on_timeout = True  # interrupt it, then go on with the next cell
c.Execute.startup_timeout = 120
# Minimal tracebacks: an error shows its type and message only, never the
# lines of the (hidden) test that raised it.
#
# Grading mode: kernels started by nbgrader (autograde, validate, the
# Validate button) set RNN_COURSE_GRADING=1 before the first cell.
# rnn_utils.grading_mode() reads it, and the notebooks with a long training
# run use it to train for fewer iterations; no test is weakened, the tests run
# their own short, seeded checks either way. Progress bars are text bars
# there. (Autograding also arms the
# integrity guard there: rnn_course.preprocessors.GuardedExecute.)
c.Execute.extra_arguments = [
    "--HistoryManager.hist_file=:memory:",
    "--InteractiveShell.xmode=Minimal",
    "--IPKernelApp.exec_lines=import os as _os; _os.environ['RNN_COURSE_GRADING'] = '1'; del _os",
    # tqdm.auto's widget bars would be frozen at "0%" in any static copy of the
    # notebook: under grading they are plain text bars.
    "--IPKernelApp.exec_lines=import tqdm.auto as _a, tqdm.std as _s; _a.tqdm, _a.trange = _s.tqdm, _s.trange; del _a, _s",
]

# Autograding runs every notebook through rnn_course.preprocessors.GuardedExecute:
# nbgrader's Execute in a sandboxed kernel (bubblewrap: no access to the
# course folder or the gradebook, no network, its own user id, bounded memory,
# processes and CPU time). The checks in the test cells record what the
# submission computed; GuardedExecute then decides every test cell's grade in
# this process, by comparing those records with the reference solution's
# (rnn_course/verdict.py, rnn_course/reference.py), and runs an integrity
# check that takes every test point away from a submission that replaced
# numpy's comparisons, the course helpers or the builtins the tests rely on,
# or whose test cells did not run as written. See rnn_course/sandbox.py
# and rnn_course/guard.py. Isolation: GuardedExecute.sandbox ("auto",
# "require", "off"; default: $RNN_COURSE_SANDBOX or "auto") and
# GuardedExecute.limits (memory, processes, CPU time, file size).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "rnn_course.preprocessors.SafeDeduplicateIds",  # nbgrader's, mended for duplicated cells
    "nbgrader.preprocessors.OverwriteKernelspec",
    "rnn_course.preprocessors.SafeOverwriteCells",  # nbgrader's, mended for deleted or stripped cells
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "rnn_course.preprocessors.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback: hidden test regions are removed from what the student sees, and
# nothing the grading kernel printed, displayed or raised is kept: a test cell
# shows its points and verdict (course text), every other cell the outputs of
# the notebook as the student submitted it (rnn_course/preprocessors/safe_feedback.py).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "rnn_course.preprocessors.SafeFeedback",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
