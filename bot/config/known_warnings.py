"""Known, harmless warnings of the libraries scopebot runs on, silenced where processes start.

Rasa 3.6 pins old releases of SQLAlchemy, setuptools, Sanic-CORS, pyparsing and Click;
each prints deprecation notices on import that say nothing to someone running the bot
and bury the lines that matter (where to talk to it, what failed). They are silenced by
message and by the module that raises them, so a new or unknown warning still shows.

spaCy's W036 ("the component 'matcher' does not have any patterns defined") comes from
the attribute ruler of the project's own pipeline (``bot/nlu/spacy_pipeline.py``) and is
printed for messages at run time. Changing the pipeline would change the trained model's
fingerprint, so the warning is filtered where the pipeline runs instead.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

#: (message pattern, pattern of the file that raised it): a warning is dropped only when both
#: match. Written as literal patterns so the linear-time regex test reads them too.
_PATTERNS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (re.compile(r"\[W036\]"), re.compile(r"spacy/")),
    (re.compile(r"Deprecated API features detected"), re.compile(r"rasa/")),  # SQLAlchemy 2.0 notice
    (re.compile(r"Calling URL\(\) directly is deprecated"), re.compile(r"rasa/")),
    (re.compile(r"pkg_resources is deprecated"), re.compile(r"rasa/|spacy/|apscheduler/")),
    (re.compile(r"jax\.xla_computation is deprecated"), re.compile(r"tensorflow/")),
    (re.compile(r"Deprecated call to `pkg_resources\.declare_namespace"), re.compile(r"pkg_resources/")),
    (re.compile(r"distutils Version classes are deprecated"), re.compile(r"sanic_cors/")),
    (re.compile(r"'\w+' deprecated - use '\w+'"), re.compile(r"matplotlib/|packaging/")),  # pyparsing renames
    (re.compile(r"[^\n]{0,200}?will be removed in Click 9\.0|[^\n]{0,200}?only be available in 'shell_completion'"),
     re.compile(r"typer/|spacy/cli/")),
)
KNOWN: tuple[tuple[str, str], ...] = tuple((m.pattern, f.pattern) for m, f in _PATTERNS)


def is_known(message: str, filename: str) -> bool:
    path = filename.replace("\\", "/")
    return any(m.match(message) and f.search(path) for m, f in _PATTERNS)


def install() -> None:
    """Drop the :data:`KNOWN` warnings when they are shown.

    Filters (``warnings.filterwarnings``) are not enough: SQLAlchemy and setuptools add
    their own filters in front of ours when they are imported. So the filtering is done
    where a warning is printed, which no library overrides; everything else prints as before.
    """
    shown = warnings.showwarning
    if getattr(shown, "_scopebot", False):
        return

    def showwarning(message: Any, category: type[Warning], filename: str, lineno: int,
                    file: Any = None, line: Any = None) -> None:
        if not is_known(str(message), filename):
            shown(message, category, filename, lineno, file, line)

    showwarning._scopebot = True  # type: ignore[attr-defined]
    warnings.showwarning = showwarning
