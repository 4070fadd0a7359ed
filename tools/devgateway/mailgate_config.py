# Writing mailgate's TOML configuration for test daemons: the base settings that point
# a daemon at a test Redis and at its listening sockets, a deep merge of a test's
# overrides onto them, and a small TOML writer (Python's tomllib only reads).
# It does not validate settings: the daemons' own config loader does that.
import json
import re
from pathlib import Path


class OctalInteger(int):
    """An integer written in TOML as 0o..., for permission bits such as socket_mode."""


def base_config(redis, policyd_listen, milter_socket, log_level="info"):
    """The settings every test daemon needs; `redis` is a RedisServer."""
    return {
        "log": {"destination": "stderr", "level": log_level, "file": ""},
        "redis": {
            "host": redis.host,
            "port": redis.port,
            "socket": "",
            "password": redis.password or "",
            "database": 0,
            "key_prefix": "mailgate:",
        },
        # Postfix's smtpd runs as user postfix and must be able to connect to the sockets.
        "policyd": {"listen": list(policyd_listen), "socket_mode": OctalInteger(0o666)},
        "milter": {"socket": milter_socket, "socket_mode": OctalInteger(0o666)},
        # No DNS server answers on 127.0.0.1:53 here: tests that want SPF (on by default)
        # enable it and point dns.servers at their own server.
        "spf": {"enabled": False},
        # Both daemons read the same secret, as they would from one production file.
        "policy_header": {"secret": "devgateway-policy-header-secret-0123456789"},
    }


def merge_config(base, overrides):
    """A copy of `base` with `overrides` merged in, tables recursively.

    A value of None in overrides removes that key."""
    merged = dict(base)
    for key, value in (overrides or {}).items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_config(merged[key], value)
        else:
            merged[key] = value
    return merged


def write_config(path, document):
    Path(path).write_text(render_toml(document))


def render_toml(document):
    lines = ["# Written by devgateway for a test daemon."]
    _render_table(lines, [], document)
    return "\n".join(lines) + "\n"


def _render_table(lines, path, table):
    scalars = {key: value for key, value in table.items()
               if not isinstance(value, dict) and not _is_array_of_tables(value)}
    if path and (scalars or not table):
        lines += ["", f"[{_dotted(path)}]"]
    lines += [f"{_key(key)} = {_value(value)}" for key, value in scalars.items()]
    for key, value in table.items():
        if isinstance(value, dict):
            _render_table(lines, path + [key], value)
        elif _is_array_of_tables(value):
            for item in value:
                lines += ["", f"[[{_dotted(path + [key])}]]"]
                _render_table_body(lines, path + [key], item)


def _render_table_body(lines, path, table):
    # The [[header]] is written; its nested tables follow as [path.key].
    for key, value in table.items():
        if not isinstance(value, dict) and not _is_array_of_tables(value):
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in table.items():
        if isinstance(value, dict) or _is_array_of_tables(value):
            _render_table(lines, path, {key: value})


def _is_array_of_tables(value):
    return isinstance(value, list) and value and all(isinstance(item, dict) for item in value)


def _dotted(path):
    return ".".join(_key(part) for part in path)


def _key(key):
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, OctalInteger):
        return f"0o{int(value):o}"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, Path):
        return json.dumps(str(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} as TOML")
