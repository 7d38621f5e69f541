"""The REST channel's body checks (pure function; the HTTP path is in tests/integration)."""

from __future__ import annotations

import pytest

from channels.rest import MAX_MESSAGE_CHARS, body_problem


@pytest.mark.parametrize("raw,status", [
    (b"{not json", 400), (b"", 400), (b"[]", 400), (b'"hi"', 400), (b'{"sender": "x"}', 400),
    (b'{"message": "hi"}', 400), (b'{"sender": "", "message": "hi"}', 400),
    (b'{"sender": "x", "message": 5}', 400), (b'{"sender": 7, "message": "hi"}', 400),
    (('{"sender": "x", "message": "' + "a" * (MAX_MESSAGE_CHARS + 1) + '"}').encode(), 413),
    (b"\xff\xfe", 400),
])
def test_bad_bodies(raw, status):
    problem = body_problem(raw)
    assert problem is not None and problem[0] == status and problem[1]


@pytest.mark.parametrize("raw", [b'{"sender": "x", "message": ""}',
                                 b'{"sender": "x", "message": "hi", "metadata": {}}'])
def test_good_bodies(raw):
    assert body_problem(raw) is None
