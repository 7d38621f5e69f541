"""The known library warnings are dropped where they are shown; anything else still shows."""

from __future__ import annotations

import subprocess
import sys

from bot.config.known_warnings import is_known
from tests.integration.servers import ROOT

SITE = "/venv/lib/python3.10/site-packages/"


def test_known_warnings_are_matched_by_message_and_file():
    assert is_known("[W036] The component 'matcher' does not have any patterns defined.",
                    SITE + "spacy/pipeline/attributeruler.py")
    assert is_known("Deprecated API features detected! These feature(s) are not compatible with SQLAlchemy 2.0.",
                    SITE + "rasa/core/tracker_store.py")
    assert is_known("'setParseAction' deprecated - use 'set_parse_action'", SITE + "packaging/markers.py")
    # the same words from elsewhere, or other words from the same place, still show
    assert not is_known("[W036] The component 'matcher' does not have any patterns defined.", "/work/mine.py")
    assert not is_known("Something new broke", SITE + "rasa/core/tracker_store.py")


def test_a_process_that_installs_them_prints_only_the_unknown_ones():
    code = ("from bot.config.known_warnings import install; install()\n"
            "import warnings\n"
            "warnings.warn_explicit(\"[W036] The component 'matcher' does not have any patterns defined.\", "
            f"UserWarning, '{SITE}spacy/pipeline/attributeruler.py', 150)\n"
            "warnings.warn('something new', UserWarning)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "something new" in proc.stderr and "W036" not in proc.stderr
