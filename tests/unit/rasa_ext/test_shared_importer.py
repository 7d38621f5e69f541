"""The shared-importer patch: ``rasa train`` reads its data once, and training gets what Rasa's own would.

One importer per set of paths (however the paths are spelled), a fresh one for other paths or
when the config names importers of its own, nothing kept from a call with extra arguments,
Rasa's own method back after ``uninstall``, and: what training reads from the importer after
Rasa's validation has used it equals what a fresh importer reads (but for the flags training's
own story generator sets the same way).
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import pytest

from bot.rasa_ext import shared_importer

NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - good morning
- intent: describe_operation
  examples: |
    - we need [phone](channel) support at night
    - our [chat](channel) queue is handled in house
"""
STORIES = """\
version: "3.1"
stories:
- story: greet
  steps:
  - intent: greet
  - action: utter_greet
- story: starts with an action
  steps:
  - action: utter_greet
  - intent: greet
  - action: utter_greet
rules:
- rule: describe
  steps:
  - intent: describe_operation
  - action: utter_greet
"""
DOMAIN = """\
version: "3.1"
intents:
- greet
- describe_operation
entities:
- channel
responses:
  utter_greet:
  - text: hi
"""


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "nlu.yml").write_text(NLU)
    (tmp_path / "data" / "stories.yml").write_text(STORIES)
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "config.yml").write_text('recipe: default.v1\nlanguage: en\nassistant_id: test\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture()
def patched():
    with shared_importer.PATCH.applied() as done:
        assert done
        yield


def _load(config="config.yml", domain="domain.yml", data=("data",), args=None):
    from rasa.shared.importers.importer import TrainingDataImporter

    return TrainingDataImporter.load_from_config(config, domain, list(data) if isinstance(data, tuple) else data, args)


def test_the_validations_importer_goes_to_the_training_once(project, patched):
    validation = _load()  # rasa train's validation passes no extra arguments
    assert _load(args={"augmentation_factor": 50}) is validation  # training passes its own
    assert _load(args={"augmentation_factor": 50}) is not validation  # a later call: a fresh one, as Rasa


def test_the_handover_does_not_read_the_config_again(project, patched, monkeypatch):
    """The kept importer came from a config without importers of its own: training's call takes it
    without reading the config file a second time."""
    validation = _load()
    reads = []
    monkeypatch.setattr(shared_importer, "_names_own_importers", lambda path: reads.append(path) or False)
    assert _load(args={"augmentation_factor": 50}) is validation
    assert reads == []
    _load(args={"augmentation_factor": 50})  # nothing kept any more: the config is read as before
    assert reads == ["config.yml"]


def test_the_same_paths_however_spelled(project, patched):
    validation = _load()
    assert _load(config=str(project / "config.yml"), domain="./domain.yml", data=str(project / "data")) is validation
    none_first = _load(domain=None)
    assert _load(domain=None, args={"augmentation_factor": 50}) is none_first


def test_a_call_with_extra_arguments_keeps_nothing(project, patched):
    """``rasa train core --runs`` calls with the same paths and new arguments each run: each gets its own."""
    first = _load(args={"exclusion_percentage": 50})
    assert _load(args={"exclusion_percentage": 50}) is not first
    assert _load() is not first


def test_other_paths_give_another_importer(project, patched):
    (project / "more").mkdir()
    (project / "more" / "nlu.yml").write_text(NLU)
    other = _load(data=("more",))
    assert _load() is not other
    elsewhere = _load(domain=None)
    assert _load() is not elsewhere


def test_a_config_naming_its_own_importers_gets_a_fresh_one_each_time(project, patched):
    (project / "config.yml").write_text(
        "recipe: default.v1\nlanguage: en\nassistant_id: test\nimporters:\n- name: RasaFileImporter\n")
    assert _load() is not _load()


def test_without_the_patch_rasa_builds_one_per_call(project):
    assert _load() is not _load()


def test_uninstall_gives_rasa_its_own_method_back(project):
    from rasa.shared.importers.importer import TrainingDataImporter

    own = TrainingDataImporter.__dict__["load_from_config"]
    with shared_importer.PATCH.applied():
        assert TrainingDataImporter.__dict__["load_from_config"] is not own
        first = _load()
    assert TrainingDataImporter.__dict__["load_from_config"] is own
    with shared_importer.PATCH.applied():
        assert _load() is not first  # a new installation remembers nothing of the last one


def test_training_reads_after_the_validation_what_a_fresh_importer_reads(project, patched):
    """Rasa's validation (as ``rasa train`` runs it) must leave the shared importer's data as read,
    but for the flags training's own story generator sets the same way."""
    import rasa.cli.utils
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.training_data.structures import StoryGraph
    from rasa.shared.importers.importer import TrainingDataImporter

    def unpredictable(stories: StoryGraph) -> list:
        return [e.unpredictable for step in stories.story_steps for e in step.events if isinstance(e, ActionExecuted)]

    shared = _load()
    rasa.cli.utils.validate_files(False, 5, shared)
    for_training = _load(args={"augmentation_factor": 50})
    assert for_training is shared
    fresh = shared_importer.PATCH.original(TrainingDataImporter, "load_from_config")(
        "config.yml", "domain.yml", ["data"], {})
    assert fresh is not shared
    for language in (None, "en"):  # the training graph's provider asks with the config's language
        args = () if language is None else (language,)
        assert for_training.get_nlu_data(*args).fingerprint() == fresh.get_nlu_data(*args).fingerprint()
    assert for_training.get_domain().fingerprint() == fresh.get_domain().fingerprint()
    assert for_training.get_stories().fingerprint() == fresh.get_stories().fingerprint()
    assert for_training.get_config() == fresh.get_config()
    # the validation marked the first action of the story that starts with one as unpredictable
    assert unpredictable(for_training.get_stories()) != unpredictable(fresh.get_stories())
    from rasa.shared.core.generator import TrainingDataGenerator

    for importer in (for_training, fresh):  # training's generator marks the same, and then they agree
        TrainingDataGenerator(importer.get_stories(), importer.get_domain(), remove_duplicates=True,
                              unique_last_num_states=None, augmentation_factor=0).generate()
    assert unpredictable(for_training.get_stories()) == unpredictable(fresh.get_stories())


def test_the_nlu_files_are_read_once_for_the_domain_and_the_training(project, monkeypatch):
    from rasa.shared.importers.rasa import RasaFileImporter

    own = RasaFileImporter.get_nlu_data
    reads: list[object] = []

    def counted(self, language="en"):
        reads.append(language)
        return own(self, language)

    monkeypatch.setattr(RasaFileImporter, "get_nlu_data", counted)
    for patch_on, expected in ((False, 2), (True, 1)):
        reads.clear()
        with shared_importer.PATCH.applied() if patch_on else nullcontext():
            importer = _load()
            importer.get_domain()  # reads the NLU data for its responses
            importer.get_nlu_data("en")  # what the training graph asks for
        assert len(reads) == expected, (patch_on, reads)


@pytest.mark.parametrize("version", ["3.7.0", "4.0.1"])
def test_not_applied_on_another_rasa_release(project, version):
    from rasa.shared.importers.importer import TrainingDataImporter

    own = TrainingDataImporter.__dict__["load_from_config"]
    with shared_importer.PATCH.applied(version) as done:
        assert not done
        assert TrainingDataImporter.__dict__["load_from_config"] is own
