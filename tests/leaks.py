"""What must never leave the instructor's side: solution code, hidden tests, hidden values."""

import html
import re
from html.parser import HTMLParser

from rnn_course.layout import HIDDEN_REGION_RE as HIDDEN_RE
from rnn_course.layout import SOLUTION_REGION_RE as SOLUTION_RE

NUMBER_RE = re.compile(r"-?\d+\.\d{5,}")


def _norm(text):
    return re.sub(r"\s+", " ", text).strip()


def notebook_text(nb):
    return "\n".join(c.source for c in nb.cells)


def _regions(source_nb, pattern):
    return [m.group(1) for c in source_nb.cells for m in pattern.finditer(c.source)]


def fragments(source_nb, release_nb, pattern):
    # release_nb: a notebook, or the visible text itself
    """Lines and long numbers of the regions matching ``pattern`` that the release does not show.

    A line shared with the visible part of the notebook (a blank line, ``)``,
    a visible seeded value) is not a secret, so it is left out.
    """
    visible = _norm(release_nb if isinstance(release_nb, str) else notebook_text(release_nb))
    found = set()
    for region in _regions(source_nb, pattern):
        for line in region.splitlines():
            line = _norm(line)
            if len(line) >= 12 and line not in visible:
                found.add(line)
        for number in NUMBER_RE.findall(region):
            if number not in visible:
                found.add(number)
    return sorted(found)


def public_text(source_nb):
    """What the instructor means students to see: the source with solution and hidden regions cut out."""
    text = notebook_text(source_nb)
    return SOLUTION_RE.sub("", HIDDEN_RE.sub("", text))


def hidden_fragments(source_nb, release_nb):
    return fragments(source_nb, release_nb, HIDDEN_RE)


def solution_fragments(source_nb, release_nb):
    return fragments(source_nb, release_nb, SOLUTION_RE)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(path):
    """The visible text of an HTML file (tags dropped, entities resolved), whitespace collapsed."""
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return _norm(html.unescape("".join(parser.parts)))


def leaked(fragments_, text):
    text = _norm(text)
    return [f for f in fragments_ if f in text]
