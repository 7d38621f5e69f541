"""The training patch gives Rasa's cache the same verdicts as Rasa's own fingerprints.

Tokens: equal tokens get equal fingerprints, also across processes (the cache is on disk), and
any change to a token (a field reassigned, ``set``, a dict in its data changed in place, 1
turned into True) gives a different one, wherever Rasa's own fingerprint changes too; a token
holding an object gets Rasa's own value.

Sparse features: equal matrices give equal fingerprints, and any change to a value, a
coordinate, the shape, the dtype or the feature's name gives a different one.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from bot.rasa_ext import fingerprints


@pytest.fixture()
def patched():
    with fingerprints.PATCH.applied() as done:
        assert done
        yield


def _rasa_token_fingerprint(token) -> str:
    from rasa.nlu.tokenizers.tokenizer import Token

    return fingerprints.PATCH.original(Token, "fingerprint")(token)


def _token(**data):
    from rasa.nlu.tokenizers.tokenizer import Token

    return Token("calls", 12, lemma="call", data=data or {"pos": "NOUN"})


TOKENS = (dict(pos="NOUN"), dict(pos="NOUN", pattern={"phone": True, "email": False}),
          dict(pos=None, extra=[1, 2.5, "x"], nested={"a": {"b": [True]}}))


def test_equal_tokens_get_equal_fingerprints(patched):
    for data in TOKENS:
        token, twin = _token(**data), _token(**data)
        assert token.fingerprint() == twin.fingerprint() == token.fingerprint()  # remembered too
    assert len({_token(**data).fingerprint() for data in TOKENS}) == len(TOKENS)


def test_token_fingerprints_are_the_same_in_another_process(patched):
    """The training cache lives on disk, so a digest must not depend on the process."""
    code = ("from bot.rasa_ext import fingerprints; fingerprints.install(); "
            "from rasa.nlu.tokenizers.tokenizer import Token; "
            f"print(*(Token('calls', 12, lemma='call', data=d).fingerprint() for d in {TOKENS!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "7"}).stdout.split()
    assert out == [_token(**data).fingerprint() for data in TOKENS]


@pytest.mark.parametrize("change", [
    lambda t: setattr(t, "lemma", "calling"),
    lambda t: setattr(t, "text", "Calls"),
    lambda t: setattr(t, "start", 13),
    lambda t: setattr(t, "end", 20),
    lambda t: t.set("pos", "VERB"),
    lambda t: t.data["pattern"].__setitem__("phone", False),  # a dict changed in place
    lambda t: t.data["pattern"].__setitem__("count", True),  # 1 -> True: equal in Python, not printed alike
    lambda t: t.data["list"].append("more"),
])
def test_a_changed_token_is_fingerprinted_afresh(patched, change):
    token = _token(pos="NOUN", pattern={"phone": True, "count": 1}, list=["a"])
    before = token.fingerprint()
    rasa_before = _rasa_token_fingerprint(token)
    change(token)
    assert _rasa_token_fingerprint(token) != rasa_before  # Rasa's cache would see the change...
    assert token.fingerprint() != before  # ...and so does ours


def test_a_token_holding_an_object_is_never_remembered(patched):
    class Opaque:
        def __init__(self) -> None:
            self.value = "a"

        def __str__(self) -> str:
            return self.value

    token = _token(thing=Opaque())
    first = token.fingerprint()
    token.data["thing"].value = "b"
    assert token.fingerprint() == _rasa_token_fingerprint(token) != first


def _features(matrix, origin="CountVectorsFeaturizer"):
    from rasa.shared.nlu.training_data.features import Features

    return Features(matrix, "sequence", "text", origin)


def test_equal_sparse_features_get_equal_fingerprints(patched):
    dense = np.array([[0, 1.0, 0], [2.0, 0, 3.0]])
    assert _features(sp.coo_matrix(dense)).fingerprint() == _features(sp.coo_matrix(dense)).fingerprint()


@pytest.mark.parametrize("other", [
    lambda: _features(sp.coo_matrix(np.array([[0, 1.0, 0], [2.0, 0, 4.0]]))),  # a value
    lambda: _features(sp.coo_matrix(np.array([[1.0, 0, 0], [2.0, 0, 3.0]]))),  # a coordinate
    lambda: _features(sp.coo_matrix(np.array([[0, 1.0, 0, 0], [2.0, 0, 3.0, 0]]))),  # the shape
    lambda: _features(sp.coo_matrix(np.array([[0, 1, 0], [2, 0, 3]], dtype=np.int64))),  # the dtype
    lambda: _features(sp.coo_matrix(np.array([[0, 1.0, 0], [2.0, 0, 3.0]])), origin="RegexFeaturizer"),
])
def test_any_difference_changes_the_sparse_fingerprint(patched, other):
    base = _features(sp.coo_matrix(np.array([[0, 1.0, 0], [2.0, 0, 3.0]])))
    assert other().fingerprint() != base.fingerprint()


def test_dense_features_keep_rasas_fingerprint(patched):
    from rasa.shared.nlu.training_data.features import Features

    patched_value = _features(np.array([[0.5, 1.0]])).fingerprint()
    own = fingerprints.PATCH.original(Features, "fingerprint")(_features(np.array([[0.5, 1.0]])))
    assert patched_value == own


def test_uninstall_gives_rasa_its_methods_back():
    from rasa.nlu.tokenizers.tokenizer import Token
    from rasa.shared.nlu.training_data.features import Features

    before = (Token.__dict__["fingerprint"], Features.__dict__["fingerprint"])
    with fingerprints.PATCH.applied():
        assert Token.__dict__["fingerprint"] is fingerprints.token_fingerprint
    assert (Token.__dict__["fingerprint"], Features.__dict__["fingerprint"]) == before


def test_the_training_entry_point_is_rasas_command_line():
    from bot.runtime.childenv import rasa_env, rasa_train_cmd

    python, flag, module, _train = rasa_train_cmd()
    out = subprocess.run([python, flag, module, "--version"], env=rasa_env(), capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and "Rasa Version" in out.stdout
