"""Instructor package of the course "Recurrent neural networks from scratch".

Installed with the course's development environment (never in a student's):
the ``rnn-course`` command (``rnn_course.cli``) and what nbgrader plugs in.

    rnn_course.cli              rnn-course release|demo|grade|selfgrade|bench|check
      -> grading                class grading: parallel workers, gradebook, CSV, score table
      -> submissions            demo and test submissions (attempts/<id>.py: wrong answers)
      -> benchmarks/            figures for ../shared/spec/targets.md
      -> layout                 assignment ids, paths, cell kinds, markers, reference code
    rnn_course.preprocessors    nbgrader preprocessors named in nbgrader_config.py
      -> sandbox                bubblewrap isolation of grading kernels
      -> guard                  integrity guard; runs inside the student's kernel

Importing this package is cheap and imports nothing: ``guard`` runs inside the
sandboxed grading kernel, where only this file and ``guard.py`` are visible.
"""
