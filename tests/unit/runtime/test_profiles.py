"""Deployment profiles and server security settings, without starting anything."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.runtime.profiles import (
    DB_PASSWORD_VAR,
    REDIS_PASSWORD_VAR,
    Profile,
    ProfileError,
    check_services,
    parse_database_url,
    parse_redis_url,
)
from bot.runtime.security import ServerSecurity

DB = Path("/srv/scopebot/var/scopebot.db")


def test_embedded_is_the_default_and_needs_nothing():
    profile = Profile.from_env({})
    assert profile.name == "embedded" and profile.postgres is None and profile.redis is None
    endpoints = yaml.safe_load(profile.endpoints_yaml("http://localhost:5055/webhook", DB))
    assert endpoints["tracker_store"] == {"type": "SQL", "dialect": "sqlite", "db": str(DB)}
    assert "lock_store" not in endpoints  # Rasa's in-memory lock store
    assert check_services(profile) == [] and profile.child_env() == {}


def test_production_profile_from_urls_keeps_passwords_out_of_the_file():
    env = {"DATABASE_URL": "postgresql://bot:s%40cret@db.internal:6543/scopebot",
           "REDIS_URL": "redis://:r3dis@cache.internal:6380/2"}
    profile = Profile.from_env(env)
    assert profile.name == "production"
    text = profile.endpoints_yaml("http://localhost:5055/webhook", DB)
    assert "s@cret" not in text and "r3dis" not in text
    assert f"${{{DB_PASSWORD_VAR}}}" in text and f"${{{REDIS_PASSWORD_VAR}}}" in text
    assert profile.child_env() == {DB_PASSWORD_VAR: "s@cret", REDIS_PASSWORD_VAR: "r3dis"}
    endpoints = yaml.safe_load(text)
    store, lock = endpoints["tracker_store"], endpoints["lock_store"]
    assert store["type"] == "bot.rasa_ext.tracker_store.ReconnectingSQLTrackerStore"
    assert (store["dialect"], store["url"], store["port"], store["db"], store["username"]) == (
        "postgresql", "db.internal", 6543, "scopebot", "bot")
    assert (lock["type"], lock["url"], lock["port"], lock["db"]) == (
        "bot.rasa_ext.lock_store.AtomicRedisLockStore", "cache.internal", 6380, 2)
    assert "query" not in store and "use_ssl" not in lock and "username" not in lock


def test_libpq_parameters_in_database_url_reach_the_store():
    profile = Profile.from_env({
        "DATABASE_URL": "postgresql://bot@db.internal/scopebot?sslmode=verify-full&sslrootcert=/etc/ca.pem"
                        "&application_name=scopebot"})
    assert "sslmode=verify-full" in profile.describe()
    store = yaml.safe_load(profile.endpoints_yaml("http://x/webhook", DB))["tracker_store"]
    assert store["query"] == {"sslmode": "verify-full", "sslrootcert": "/etc/ca.pem", "application_name": "scopebot"}


def test_the_store_builds_its_engine_with_the_url_parameters_and_bounded_waits(monkeypatch):
    """What SQLAlchemy would hand psycopg2: the URL's sslmode, plus timeouts it did not set."""
    import sqlalchemy as sa

    from bot.rasa_ext.tracker_store import libpq_defaults

    url = sa.engine.url.URL.create("postgresql", "bot", None, "db", 5432, "scopebot",
                                   query={"sslmode": "require", "connect_timeout": "2"})
    assert url.render_as_string().endswith("?connect_timeout=2&sslmode=require")
    args = libpq_defaults(dict(url.query))
    assert "connect_timeout" not in args, "the URL's own value wins"
    assert args["options"] == "-c statement_timeout=10000" and args["tcp_user_timeout"] > 0
    assert "options" not in libpq_defaults({"options": "-c search_path=x"})


def test_unknown_database_url_parameters_are_refused():
    with pytest.raises(ProfileError, match="sslmdoe"):
        parse_database_url("postgresql://db/scopebot?sslmdoe=require")


def test_rediss_and_acl_users_are_accepted():
    r = parse_redis_url("rediss://scopebot:pw%21@cache.internal:6380/1?ssl_ca_certs=/etc/redis-ca.pem")
    assert (r.tls, r.username, r.password, r.db, r.ca_certs) == (True, "scopebot", "pw!", 1, "/etc/redis-ca.pem")
    assert "TLS" in r.describe() and "pw!" not in r.describe()
    profile = Profile.from_env({"DATABASE_URL": "postgresql://db/scopebot",
                                "REDIS_URL": "rediss://scopebot:pw%21@cache.internal:6380/1"})
    text = profile.endpoints_yaml("http://x/webhook", DB)
    assert "pw!" not in text and profile.child_env() == {REDIS_PASSWORD_VAR: "pw!"}
    lock = yaml.safe_load(text)["lock_store"]
    assert (lock["username"], lock["use_ssl"]) == ("scopebot", True)
    plain = parse_redis_url("redis://cache")
    assert (plain.tls, plain.username) == (False, None)
    with pytest.raises(ProfileError, match="rediss://"):
        parse_redis_url("redis://cache?ssl_ca_certs=/x.pem")


def test_the_lock_store_reads_its_settings_from_the_endpoint():
    from rasa.utils.endpoints import EndpointConfig

    from bot.rasa_ext.lock_store import AtomicRedisLockStore

    config = EndpointConfig(url="cache.internal", type="bot.rasa_ext.lock_store.AtomicRedisLockStore", port=6380,
                            db=1, username="scopebot", password="pw", use_ssl=True, key_prefix="scopebot")
    store = AtomicRedisLockStore(endpoint_config=config)
    assert (store.host, store.port, store.db, store.username, store.use_ssl) == (
        "cache.internal", 6380, 1, "scopebot", True)
    client = store.client  # built, not connected
    kwargs = client.connection_pool.connection_kwargs
    assert (kwargs["username"], kwargs["password"], kwargs["host"]) == ("scopebot", "pw", "cache.internal")
    assert "SSL" in client.connection_pool.connection_class.__name__


def test_production_without_redis_is_one_replica_with_memory_locks():
    profile = Profile.from_env({"DATABASE_URL": "postgresql://localhost/scopebot"})
    assert profile.redis is None and "one replica only" in profile.describe()
    assert "lock_store" not in yaml.safe_load(profile.endpoints_yaml("http://x/webhook", DB))


@pytest.mark.parametrize("env, says", [
    ({"REDIS_URL": "redis://localhost"}, "DATABASE_URL is not"),
    ({"DATABASE_URL": "mysql://localhost/x"}, "postgresql://"),
    ({"DATABASE_URL": "postgresql://localhost"}, "name a database"),
    ({"DATABASE_URL": "postgresql://localhost/x", "REDIS_URL": "http://localhost"}, "redis://"),
    ({"DATABASE_URL": "postgresql://localhost/x", "REDIS_URL": "redis://localhost/zero"}, "database number"),
])
def test_half_or_wrong_configuration_is_refused_with_the_reason(env, says):
    with pytest.raises(ProfileError, match=says):
        Profile.from_env(env)


def test_url_defaults():
    pg = parse_database_url("postgres://db/scopebot")
    assert (pg.host, pg.port, pg.username, pg.password) == ("db", 5432, None, None)
    r = parse_redis_url("redis://cache")
    assert (r.host, r.port, r.db, r.password) == ("cache", 6379, 0, None)


def test_unreachable_services_are_named_quickly():
    profile = Profile.from_env({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/scopebot",
                                "REDIS_URL": "redis://127.0.0.1:2/0"})
    problems = check_services(profile)
    assert len(problems) == 2
    assert "DATABASE_URL" in problems[0] and "127.0.0.1:1" in problems[0]
    assert "REDIS_URL" in problems[1]


# ----- security ------------------------------------------------------------------------------
def test_api_is_off_by_default():
    s = ServerSecurity.from_env({})
    assert not s.enable_api and s.rasa_args() == [] and "off" in s.status_line()
    assert s.child_env() == {"SANIC_REQUEST_MAX_SIZE": str(1024 * 1024)}


def test_api_on_needs_a_real_token():
    with pytest.raises(ValueError, match="SCOPEBOT_API_TOKEN"):
        ServerSecurity.from_env({"SCOPEBOT_ENABLE_API": "true"})
    with pytest.raises(ValueError, match="16"):
        ServerSecurity.from_env({"SCOPEBOT_ENABLE_API": "1", "SCOPEBOT_API_TOKEN": "short"})
    s = ServerSecurity.from_env({"SCOPEBOT_ENABLE_API": "yes", "SCOPEBOT_API_TOKEN": "t" * 24,
                                 "SCOPEBOT_API_CORS": "https://ops.example.com"})
    assert s.rasa_args() == ["--enable-api", "--auth-token", "t" * 24, "--cors", "https://ops.example.com"]
    assert "t" * 24 not in s.status_line()


def test_body_limit_is_configurable_but_sane():
    assert ServerSecurity.from_env({"SCOPEBOT_MAX_BODY_BYTES": "65536"}).max_body_bytes == 65536
    for bad in ("lots", "10"):
        with pytest.raises(ValueError):
            ServerSecurity.from_env({"SCOPEBOT_MAX_BODY_BYTES": bad})
