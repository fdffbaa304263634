"""config/hub.yaml: the shipped demo, the core sections, integration sections, rule folders."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from kozani_hub.config.errors import ConfigError
from kozani_hub.config.hub_config import LoadedConfig, load_hub_config, unknown_integrations
from kozani_hub.config.loader import load_yaml
from kozani_hub.config.schema import LogLevel
from tests.config.conftest import WriteFile

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "config"

MINIMAL = textwrap.dedent("""
    hub:
      name: Test district
      latitude: 40.3
      longitude: 21.79
""")


def problems(config_dir: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_hub_config(config_dir)
    return [f"{Path(issue.file).name}:{issue.line}: {issue.message}"
            for issue in caught.value.issues]


def test_the_shipped_configuration_loads_on_a_fresh_clone() -> None:
    # No secrets.yaml and no KOZANI_API_TOKEN: the demo must still start.
    loaded = load_hub_config(SHIPPED, env={})
    hub = loaded.core.hub
    assert hub.name == "Kozani demo district"
    assert (hub.latitude, hub.longitude, hub.elevation) == (40.3007, 21.7887, 710)
    assert hub.time_zone == "Europe/Athens"
    assert loaded.core.http is not None
    assert len(loaded.core.http.tokens) == 1
    assert "demo" in loaded.integrations
    assert loaded.config_dir == SHIPPED
    assert loaded.roots[0] == SHIPPED
    assert set(loaded.rule_dirs) <= {REPO / "rules"}


def test_the_shipped_configuration_needs_nothing_beside_it(tmp_path: Path) -> None:
    # A fresh clone has no secrets.yaml and no database; it is the files git tracks.
    config = tmp_path / "config"
    shutil.copytree(SHIPPED, config, ignore=shutil.ignore_patterns("*.db*", "secrets.yaml"))
    loaded = load_hub_config(config, env={})
    assert loaded.rule_dirs == ()
    assert loaded.roots == (config,)


def test_the_shipped_token_can_come_from_the_environment() -> None:
    loaded = load_hub_config(SHIPPED, env={"KOZANI_API_TOKEN": "a-token-of-my-own-choosing"})
    assert loaded.core.http is not None
    assert loaded.core.http.tokens[0].get_secret_value() == "a-token-of-my-own-choosing"


def test_the_shipped_secrets_example_is_a_mapping_of_secrets() -> None:
    secrets = load_yaml(SHIPPED / "secrets.example.yaml", roots=[SHIPPED])
    assert isinstance(secrets, dict)
    assert len(secrets["api_token"]) >= 16


def test_a_secret_without_secrets_yaml_says_to_copy_the_example(
    write: WriteFile, tmp_path: Path
) -> None:
    write("config/hub.yaml", MINIMAL + "http:\n  tokens: [!secret api_token]\n")
    write("config/secrets.example.yaml", (SHIPPED / "secrets.example.yaml").read_text())
    (message,) = problems(tmp_path / "config")
    assert message.startswith("hub.yaml:6: secret 'api_token' cannot be found: ")
    assert "copy" in message
    assert "secrets.example.yaml to secrets.yaml" in message


def test_defaults_fill_what_is_not_written(write: WriteFile, tmp_path: Path) -> None:
    write("config/hub.yaml", MINIMAL)
    (tmp_path / "rules").mkdir()
    loaded = load_hub_config(tmp_path / "config")
    hub = loaded.core.hub
    assert (hub.elevation, hub.time_zone, hub.rules, hub.trace_runs) == (
        0, "Europe/Athens", ("../rules",), 10)
    assert hub.tzinfo.key == "Europe/Athens"
    assert loaded.core.http is None
    assert loaded.core.logger.level is LogLevel.INFO
    assert loaded.integrations == {}
    assert loaded.rule_dirs == (tmp_path / "rules",)
    assert loaded.roots == (tmp_path / "config", tmp_path / "rules")


def test_rule_folders_outside_the_config_folder_are_roots(write: WriteFile,
                                                          tmp_path: Path) -> None:
    write("config/hub.yaml", MINIMAL + "  rules: [../city-rules, local]\n")
    write("city-rules/water/tanks.yaml", "- id: tank\n")
    write("config/local/dim.yaml", "- id: dim\n")
    loaded = load_hub_config(tmp_path / "config")
    assert loaded.rule_dirs == (tmp_path / "city-rules", tmp_path / "config" / "local")
    assert loaded.roots == (tmp_path / "config", *loaded.rule_dirs)
    assert loaded.rule_files() == [tmp_path / "city-rules/water/tanks.yaml",
                                   tmp_path / "config/local/dim.yaml"]


def test_a_rule_folder_that_does_not_exist_is_reported(write: WriteFile, tmp_path: Path) -> None:
    write("config/hub.yaml", MINIMAL + "  rules:\n    - ../rules\n    - ../rulez\n")
    (tmp_path / "rules").mkdir()
    assert problems(tmp_path / "config") == [
        f"hub.yaml:7: rule folder '../rulez' not found: {tmp_path}/rulez is nothing"
    ]


def test_every_problem_in_hub_yaml_is_reported_with_its_line(write: WriteFile,
                                                             tmp_path: Path) -> None:
    write("config/hub.yaml", """
        hub:
          name: Test district
          latitude: north
          longitude: 221.79
          time_zone: Europe/Athen
          trace_run: 5
        http:
          port: 80800
          tokens: [short]
        logger:
          level: loud
        Demo: {}
    """)
    assert problems(tmp_path / "config") == [
        "hub.yaml:3: expected a number for 'latitude', found 'north'",
        "hub.yaml:4: expected at most 180 for 'longitude', found 221.79",
        "hub.yaml:5: unknown time zone 'Europe/Athen'; did you mean 'Europe/Athens'?",
        "hub.yaml:6: unknown key 'trace_run'; did you mean 'trace_runs'?",
        "hub.yaml:8: expected at most 65535 for 'port', found 80800",
        "hub.yaml:9: a bearer token needs at least 16 characters; this one has 5",
        "hub.yaml:11: expected one of 'debug', 'info', 'warning', 'error' or 'critical' for "
        "'level', found 'loud'",
        "hub.yaml:12: 'Demo' is not an integration name: names use lower-case letters, digits "
        "and '_'",
    ]


def test_a_short_secret_token_is_reported_without_its_value(write: WriteFile,
                                                            tmp_path: Path) -> None:
    write("config/secrets.yaml", "api_token: tiny-secret\n")
    write("config/hub.yaml", MINIMAL + "http:\n  tokens:\n    - !secret api_token\n")
    (message,) = problems(tmp_path / "config")
    assert message == "hub.yaml:7: a bearer token needs at least 16 characters; this one has 11"


def test_http_written_without_tokens_is_refused(write: WriteFile, tmp_path: Path) -> None:
    write("config/hub.yaml", MINIMAL + "http:\n")
    assert problems(tmp_path / "config") == ["hub.yaml:5: missing required key 'tokens'"]


def test_missing_hub_section_and_wrong_top_level(write: WriteFile, tmp_path: Path) -> None:
    write("a/hub.yaml", "demo: {}\n")
    write("b/hub.yaml", "- hub\n")
    assert problems(tmp_path / "a") == ["hub.yaml:1: missing required key 'hub'"]
    assert problems(tmp_path / "b") == [
        "hub.yaml:1: expected a mapping of sections (hub:, http:, and one per integration), "
        "found a list"
    ]


def test_missing_hub_yaml_or_folder_is_explained(tmp_path: Path) -> None:
    assert problems(tmp_path) == [
        "hub.yaml:None: not found; a configuration folder needs a hub.yaml (config/hub.yaml is "
        "an example)"
    ]
    (message,) = problems(tmp_path / "nowhere")
    assert message.endswith("give one with -c DIR")


def test_logger_levels_ignore_case(write: WriteFile, tmp_path: Path) -> None:
    write("config/hub.yaml", MINIMAL + "logger:\n  level: WARNING\n  logs: {demo: Debug}\n")
    logger = load_hub_config(tmp_path / "config").core.logger
    assert logger.level is LogLevel.WARNING
    assert logger.logs == {"demo": LogLevel.DEBUG}


class ModbusSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    host: str
    port: int = 502


def loaded_with_sections(write: WriteFile, tmp_path: Path) -> LoadedConfig:
    write("config/hub.yaml", MINIMAL + textwrap.dedent("""\
        modbus:
          host: 10.0.0.5
          prot: 5020
        demo:
        hue: {}
        htpp: {}
    """))
    return load_hub_config(tmp_path / "config")


def test_integration_sections_keep_file_order_and_marks(write: WriteFile,
                                                        tmp_path: Path) -> None:
    loaded = loaded_with_sections(write, tmp_path)
    assert list(loaded.integrations) == ["modbus", "demo", "hue", "htpp"]
    assert loaded.integrations["demo"] == {}
    assert loaded.section_mark("demo")[1] == 8


def test_integration_sections_validate_at_their_lines(write: WriteFile, tmp_path: Path) -> None:
    loaded = loaded_with_sections(write, tmp_path)
    model, issues = loaded.validate_integration("modbus", ModbusSection)
    assert model is None
    assert [str(issue).split("/")[-1] for issue in issues] == [
        "hub.yaml:7: unknown key 'prot'; did you mean 'port'?"
    ]
    model, issues = loaded.validate_integration("demo", ModbusSection)
    assert [(issue.line, issue.message) for issue in issues] == [
        (8, "missing required key 'host'")
    ]


def test_unknown_integrations_are_named_with_a_suggestion(write: WriteFile,
                                                          tmp_path: Path) -> None:
    loaded = loaded_with_sections(write, tmp_path)
    issues = unknown_integrations(loaded, ["modbus", "demo", "hues"])
    assert [(issue.line, issue.message) for issue in issues] == [
        (9, "unknown integration 'hue'; did you mean 'hues'?"),
        (10, "unknown integration 'htpp'; did you mean 'http'?"),
    ]
