"""What the browser tests share: Debian's Chromium, its flags, and what to do without it.

Playwright drives ``/usr/bin/chromium`` (never a browser of its own). The
flags suit a headless run as root on a machine whose only network is the
package registries: without the background-networking ones, Chromium's own
connections are refused, many at a time.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def in_ci():
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(what, how):
    """Skip the test, or fail it when CI=true: CI must have every part."""
    message = f"{what} is needed by the browser tests; install it with `{how}`."
    if in_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def screenshot_folder(request, folder, label):
    """Make ``folder`` empty of old screenshots and print its path (even under pytest's capture)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n[{label}] screenshots: {folder}")
    return folder
