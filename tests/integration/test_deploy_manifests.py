"""The deployment files in deploy/ are checked by the tools that will read them:
kubernetes-validate (the API schemas of Kubernetes 1.28, strict) for the manifests, the
Compose client's own `config` for deploy/compose.yml, and nginx for the nginx files. They
are also checked against this repository: every command they run is one `scopebot`
accepts, no secret value is written in them, and the compose nginx file is the template
rendered, not a copy that drifts."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.runtime.balancer import BalancerSettings, Nginx
from bot.runtime.cli import build_parser
from tests.integration.nginx_front import need_nginx
from tests.integration.servers import ROOT

DEPLOY = ROOT / "deploy"
MANIFESTS = sorted((DEPLOY / "kubernetes").glob("*.yaml"))
K8S_VERSION = "1.28.0"
SECRET_VARIABLES = {"DATABASE_URL", "REDIS_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN",
                    "SCOPEBOT_API_TOKEN", "SCOPEBOT_REST_TOKEN"}


def _documents() -> list[tuple[Path, dict]]:
    return [(path, doc) for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]


def _containers(doc: dict) -> list[dict]:
    return doc.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])


def _kinds() -> dict[tuple[str, str], dict]:
    return {(doc["kind"], doc["metadata"]["name"]): doc for _path, doc in _documents()}


def test_every_manifest_is_valid_kubernetes():
    import kubernetes_validate

    assert MANIFESTS
    for _path, doc in _documents():
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)  # raises, naming the field


def test_the_validator_does_catch_a_wrong_manifest():
    import kubernetes_validate

    deployment = copy.deepcopy(_kinds()[("Deployment", "scopebot-rasa")])
    deployment["spec"]["replicas"] = "two"
    _containers(deployment)[0]["imagePullPolicyy"] = "Always"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)


def test_rasa_and_actions_have_deployments_services_and_rasa_an_ingress():
    kinds = _kinds()
    for role, port in (("rasa", 5005), ("actions", 5055)):
        deployment, service = kinds[("Deployment", f"scopebot-{role}")], kinds[("Service", f"scopebot-{role}")]
        assert deployment["spec"]["replicas"] >= 2
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= labels.items()
        assert service["spec"]["ports"][0]["port"] == port
    ingress = kinds[("Ingress", "scopebot")]
    backends = {p["backend"]["service"]["name"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
    assert backends == {"scopebot-rasa"}  # the action server is never exposed
    rasa_command = _containers(kinds[("Deployment", "scopebot-rasa")])[0]["command"]
    assert "http://scopebot-actions:5055/webhook" in rasa_command
    assert {kinds[("Service", n)]["spec"]["type"] for n in ("scopebot-postgres", "scopebot-redis")} == {"ExternalName"}


def test_secrets_come_from_a_secret_reference_and_the_action_server_gets_none():
    kinds = _kinds()
    assert not [k for k in kinds if k[0] == "Secret"]  # the Secret itself is never committed
    for (_kind, name), doc in kinds.items():
        for container in _containers(doc):
            for var in container.get("env", []):
                if var["name"] in SECRET_VARIABLES:
                    assert "value" not in var and "secretKeyRef" in var["valueFrom"], (name, var)
            if name == "scopebot-actions":
                assert {v["name"] for v in container.get("env", [])}.isdisjoint(SECRET_VARIABLES)
            if name in ("scopebot-actions", "scopebot-rasa"):  # the token the action servers require
                [token] = [v for v in container["env"] if v["name"] == "SCOPEBOT_ACTION_TOKEN"]
                assert token["valueFrom"]["secretKeyRef"]["key"] == "SCOPEBOT_ACTION_TOKEN"


def _accepted_by_scopebot(command: list[str]) -> None:
    assert command[0] == "scopebot"
    args = build_parser().parse_args(command[1:])  # SystemExit on an unknown option
    assert args.command in {"run", "actions"}
    # In a container, loopback is the container's own: the other containers must reach it.
    assert args.host == "0.0.0.0", command


def test_commands_in_manifests_and_compose_are_real_scopebot_commands():
    for _path, doc in _documents():
        for container in _containers(doc):
            _accepted_by_scopebot(container["command"])
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text())
    for service in ("rasa", "actions"):
        _accepted_by_scopebot(compose["services"][service]["command"])


def _compose_command() -> list[str]:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    reason = "no Compose client (make test installs Debian's docker-compose: scripts/deploy-tools.sh)"
    if os.environ.get("CI"):
        pytest.fail(reason + " (CI=true: the deploy checks must run)")
    pytest.skip(reason)


def _compose_config(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SECRET_VARIABLES | {"SCOPEBOT_ACTION_TOKEN"}}
    return subprocess.run([*_compose_command(), "-f", str(DEPLOY / "compose.yml"), "config"], cwd=DEPLOY,
                          env={**clean, **env}, capture_output=True, text=True, timeout=60)


def test_compose_file_passes_the_compose_clients_schema_and_needs_the_external_urls():
    urls = {"DATABASE_URL": "postgresql://bot@db.internal/scopebot", "REDIS_URL": "redis://cache.internal:6379/0"}
    done = _compose_config({**urls, "SCOPEBOT_ACTION_TOKEN": "t" * 32})
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load(done.stdout)
    assert set(config["services"]) == {"rasa", "actions", "nginx"}
    assert config["services"]["rasa"]["environment"]["DATABASE_URL"] == "postgresql://bot@db.internal/scopebot"
    assert config["services"]["rasa"]["deploy"]["replicas"] >= 2
    assert not {"postgres", "redis"} & set(config["services"])  # external services
    assert config["services"]["actions"]["environment"]["SCOPEBOT_ACTION_TOKEN"] == "t" * 32
    assert config["services"]["rasa"]["environment"]["SCOPEBOT_ACTION_TOKEN"] == "t" * 32
    refused = _compose_config({})
    assert refused.returncode != 0 and "DATABASE_URL" in refused.stderr
    refused = _compose_config(urls)
    assert refused.returncode != 0 and "SCOPEBOT_ACTION_TOKEN" in refused.stderr


def test_compose_nginx_file_is_the_template_rendered():
    command = ["nginx-config", "--listen", "8080", "--replica", "rasa:5005"]
    done = subprocess.run([sys.executable, "-m", "bot.runtime.cli", *command], cwd=ROOT, capture_output=True, text=True,
                          timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "SCOPEBOT_MAX_BODY_BYTES": ""})
    assert done.returncode == 0, done.stderr
    assert (DEPLOY / "nginx" / "compose.conf").read_text() == done.stdout, (
        "deploy/nginx/compose.conf is stale: scopebot nginx-config --listen 8080 --replica rasa:5005 "
        "> deploy/nginx/compose.conf")


def test_config_for_replicas_on_other_machines_passes_nginx_t(tmp_path):
    need_nginx()
    nginx = Nginx(tmp_path, ["127.0.0.2:5005", "127.0.0.3:5005"], BalancerSettings(listen="127.0.0.1:18081"))
    assert "test is successful" in nginx.check()
    assert "server 127.0.0.3:5005 max_fails=1" in (tmp_path / "scopebot.conf").read_text()
