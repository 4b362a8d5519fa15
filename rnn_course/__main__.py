"""``python -m rnn_course``: the same as the ``rnn-course`` command."""

import sys

from .cli import main

sys.exit(main())
