"""The configuration tags: includes, secrets, environment variables and blueprint inputs."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from kozani_hub.config.errors import ConfigError
from kozani_hub.config.loader import (
    Input,
    SecretStore,
    SecretText,
    load_yaml,
    try_load_yaml,
)
from tests.config.conftest import WriteFile


def messages(path: Path, roots: list[Path], env: dict[str, str] | None = None) -> list[str]:
    data, issues = try_load_yaml(path, roots=roots, env=env or {})
    assert data is None
    return [f"{Path(issue.file).name}:{issue.line}: {issue.message}" for issue in issues]


def test_include_is_relative_to_the_including_file(write: WriteFile, tmp_path: Path) -> None:
    main = write("config/hub.yaml", "lights: !include parts/lights.yaml\n")
    write("config/parts/lights.yaml", "street: !include street.yaml\n")
    street = write("config/parts/street.yaml", "- light.dimokratias_01\n")
    data = load_yaml(main, roots=[tmp_path / "config"])
    assert data == {"lights": {"street": ["light.dimokratias_01"]}}
    assert data["lights"]["street"].mark(0) == (str(street), 1)


def test_include_of_an_empty_file_gives_none(write: WriteFile, tmp_path: Path) -> None:
    main = write("hub.yaml", "x: !include empty.yaml\n")
    write("empty.yaml", "")
    assert load_yaml(main, roots=[tmp_path]) == {"x": None}


def test_the_same_file_may_be_included_twice(write: WriteFile, tmp_path: Path) -> None:
    main = write("hub.yaml", "a: !include common.yaml\nb: !include common.yaml\n")
    write("common.yaml", "mode: restart\n")
    assert load_yaml(main, roots=[tmp_path]) == {"a": {"mode": "restart"},
                                                 "b": {"mode": "restart"}}


@pytest.fixture
def folder(write: WriteFile, tmp_path: Path) -> Path:
    """A folder of YAML files to include, with the files an include must skip."""
    write("config/auto/b_water.yaml", "- id: tank_low\n- id: tank_high\n")
    write("config/auto/a_light.yaml", "- id: dim\n")
    write("config/auto/sub/c_energy.yaml", "- id: save\n")
    write("config/auto/.hidden.yaml", "- id: hidden\n")
    write("config/auto/.cache/x.yaml", "- id: cached\n")
    write("config/auto/secrets.yaml", "token: x\n")
    write("config/auto/empty.yaml", "")
    write("config/auto/readme.txt", "not yaml\n")
    return tmp_path / "config"


def test_include_dir_list_gives_one_item_per_file_sorted(write: WriteFile, folder: Path) -> None:
    main = write("config/hub.yaml", "rules: !include_dir_list auto\n")
    rules = load_yaml(main, roots=[folder])["rules"]
    assert rules == [[{"id": "dim"}], [{"id": "tank_low"}, {"id": "tank_high"}],
                     [{"id": "save"}]]
    assert rules.mark(1) == (str(folder / "auto" / "b_water.yaml"), 1)


def test_include_dir_merge_list_joins_the_lists(write: WriteFile, folder: Path) -> None:
    main = write("config/hub.yaml", "rules: !include_dir_merge_list auto\n")
    rules = load_yaml(main, roots=[folder])["rules"]
    assert [rule["id"] for rule in rules] == ["dim", "tank_low", "tank_high", "save"]
    assert rules.mark(2) == (str(folder / "auto" / "b_water.yaml"), 2)
    assert rules.mark(3) == (str(folder / "auto" / "sub" / "c_energy.yaml"), 1)


def test_include_dir_named_keys_each_file_by_its_name(write: WriteFile, folder: Path) -> None:
    main = write("config/hub.yaml", "rules: !include_dir_named auto\n")
    rules = load_yaml(main, roots=[folder])["rules"]
    assert list(rules) == ["a_light", "b_water", "c_energy"]
    assert rules.mark("c_energy") == (str(folder / "auto" / "sub" / "c_energy.yaml"), 1)


def test_include_dir_merge_named_joins_the_mappings(write: WriteFile, tmp_path: Path) -> None:
    write("config/people/north.yaml", "maria: {phone: '+30 1'}\n")
    write("config/people/south.yaml", "nikos: {phone: '+30 2'}\nkostas: {phone: '+30 3'}\n")
    main = write("config/hub.yaml", "people: !include_dir_merge_named people\n")
    people = load_yaml(main, roots=[tmp_path / "config"])["people"]
    assert list(people) == ["maria", "nikos", "kostas"]
    assert people.mark("kostas") == (str(tmp_path / "config/people/south.yaml"), 2)


def test_merged_folders_refuse_clashes_and_wrong_kinds(write: WriteFile, tmp_path: Path) -> None:
    write("config/people/a.yaml", "maria: 1\n")
    write("config/people/b.yaml", "# people of the\n# southern district\nmaria: 2\n")
    write("config/lists/a.yaml", "not: a list\n")
    write("config/named/x.yaml", "1\n")
    write("config/named/sub/x.yaml", "2\n")
    main = write("config/hub.yaml", """
        people: !include_dir_merge_named people
        lists: !include_dir_merge_list lists
        named: !include_dir_named named
    """)
    root = tmp_path / "config"
    assert messages(main, [root]) == [
        f"b.yaml:3: duplicate key 'maria': already given at {root}/people/a.yaml:1; keep only one",
        f"a.yaml:1: expected a list, found a mapping: this file is merged by "
        f"!include_dir_merge_list at {root}/hub.yaml:2",
        f"hub.yaml:3: two files are named 'x': {root}/named/sub/x.yaml and {root}/named/x.yaml; "
        "rename one of them",
    ]


def test_include_outside_the_roots_is_refused(write: WriteFile, tmp_path: Path) -> None:
    write("secret.yaml", "password: x\n")
    main = write("config/hub.yaml", """
        a: !include ../secret.yaml
        b: !include ../../../../../etc/passwd
        c: !include /etc/passwd
        d: !include_dir_list ..
    """)
    root = tmp_path / "config"
    assert messages(main, [root]) == [
        f"hub.yaml:1: refusing to include '../secret.yaml': it lies outside the configuration "
        f"folders ({root})",
        f"hub.yaml:2: refusing to include '../../../../../etc/passwd': it lies outside the "
        f"configuration folders ({root})",
        "hub.yaml:3: refusing to include '/etc/passwd': give a path relative to this file, not "
        "an absolute one",
        f"hub.yaml:4: refusing to include '..': it lies outside the configuration folders "
        f"({root})",
    ]


def test_symlinks_out_of_the_roots_are_refused(write: WriteFile, tmp_path: Path) -> None:
    outside = write("outside/passwords.yaml", "root: hunter2\n")
    (tmp_path / "config" / "auto").mkdir(parents=True)
    os.symlink(outside, tmp_path / "config" / "link.yaml")
    os.symlink(outside, tmp_path / "config" / "auto" / "link.yaml")
    main = write("config/hub.yaml", "a: !include link.yaml\nb: !include_dir_list auto\n")
    root = tmp_path / "config"
    assert messages(main, [root]) == [
        f"hub.yaml:1: refusing to include 'link.yaml': it links to a place outside the "
        f"configuration folders ({root})",
        f"hub.yaml:2: refusing to include {root}/auto/link.yaml: it links to a file outside the "
        "configuration folders",
    ]


def test_includes_may_reach_every_root(write: WriteFile, tmp_path: Path) -> None:
    write("rules/common.yaml", "mode: restart\n")
    main = write("config/hub.yaml", "a: !include ../rules/common.yaml\n")
    data = load_yaml(main, roots=[tmp_path / "config", tmp_path / "rules"])
    assert data == {"a": {"mode": "restart"}}


def test_include_cycles_are_refused(write: WriteFile, tmp_path: Path) -> None:
    main = write("hub.yaml", "a: !include one.yaml\n")
    write("one.yaml", "b: !include two.yaml\n")
    write("two.yaml", "c: !include one.yaml\n")
    assert messages(main, [tmp_path]) == [
        f"two.yaml:1: include cycle: {tmp_path}/one.yaml → {tmp_path}/two.yaml → "
        f"{tmp_path}/one.yaml"
    ]


def test_missing_and_wrong_include_targets_are_explained(write: WriteFile,
                                                         tmp_path: Path) -> None:
    (tmp_path / "auto").mkdir()
    main = write("hub.yaml", """
        a: !include nothing.yaml
        b: !include auto
        c: !include_dir_list hub.yaml
        d: !include
    """)
    assert messages(main, [tmp_path]) == [
        f"hub.yaml:1: cannot include 'nothing.yaml': no such file {tmp_path}/nothing.yaml",
        "hub.yaml:2: cannot include 'auto': it is a folder; use !include_dir_list, "
        "!include_dir_merge_list, !include_dir_named or !include_dir_merge_named",
        f"hub.yaml:3: cannot include folder 'hub.yaml': found a file at {tmp_path}/hub.yaml",
        "hub.yaml:4: !include expects a file name, found nothing",
    ]


def test_problems_inside_an_included_file_name_that_file(write: WriteFile,
                                                         tmp_path: Path) -> None:
    main = write("hub.yaml", "a: !include part.yaml\nb: !include_dir_list parts\n")
    write("part.yaml", "x: 1\nx: 2\n")
    write("parts/p.yaml", "y: [\n")
    found = messages(main, [tmp_path])
    assert found[0] == "part.yaml:2: duplicate key 'x': already given at line 1; keep only one"
    assert found[1].startswith("p.yaml:2: YAML syntax error")


def test_secret_comes_from_secrets_yaml_beside_the_main_file(write: WriteFile,
                                                            tmp_path: Path) -> None:
    write("config/secrets.yaml", "api_token: abcdefghijklmnopqrstuvwxyz\nport: 8123\n")
    main = write("config/hub.yaml", "token: !secret api_token\nport: !secret port\n")
    data = load_yaml(main, roots=[tmp_path / "config"])
    assert data == {"token": "abcdefghijklmnopqrstuvwxyz", "port": 8123}
    token = data["token"]
    assert isinstance(token, SecretText)
    assert token.secret_name == "api_token"
    assert (token.file, token.line) == (str(main), 1)
    assert "abcdef" not in repr(data)


def test_rule_files_read_the_secrets_of_the_main_configuration(write: WriteFile,
                                                               tmp_path: Path) -> None:
    write("config/secrets.yaml", "pin: '1234'\n")
    rule = write("rules/door.yaml", "code: !secret pin\n")
    store = SecretStore.beside(tmp_path / "config" / "hub.yaml")
    data = load_yaml(rule, roots=[tmp_path / "rules"], secrets=store)
    assert data == {"code": "1234"}


def test_missing_secret_names_itself_and_suggests(write: WriteFile, tmp_path: Path) -> None:
    write("secrets.yaml", "api_token: abcdefghijklmnop\n")
    main = write("hub.yaml", "a: !secret api_tokn\nb: !secret smtp_password\n")
    assert messages(main, [tmp_path]) == [
        f"hub.yaml:1: secret 'api_tokn' is not defined in {tmp_path}/secrets.yaml; did you "
        "mean 'api_token'?",
        f"hub.yaml:2: secret 'smtp_password' is not defined in {tmp_path}/secrets.yaml; add "
        "'smtp_password: VALUE' to it",
    ]


def test_missing_secrets_file_says_to_copy_the_example(write: WriteFile, tmp_path: Path) -> None:
    write("secrets.example.yaml", "api_token: replace-me\n")
    main = write("hub.yaml", "http:\n  tokens: [!secret api_token]\n")
    assert messages(main, [tmp_path]) == [
        f"hub.yaml:2: secret 'api_token' cannot be found: {tmp_path}/secrets.yaml does not "
        f"exist; copy {tmp_path}/secrets.example.yaml to secrets.yaml and give 'api_token' a "
        "value there"
    ]


def test_missing_secrets_file_without_example_says_what_to_write(write: WriteFile,
                                                                 tmp_path: Path) -> None:
    main = write("hub.yaml", "a: !secret api_token\n")
    assert messages(main, [tmp_path]) == [
        f"hub.yaml:1: secret 'api_token' cannot be found: {tmp_path}/secrets.yaml does not "
        "exist; create it with a line 'api_token: VALUE'"
    ]


def test_problems_in_secrets_yaml_are_reported_at_their_lines(write: WriteFile, tmp_path: Path) -> None:
    write("secrets.yaml", "a: 1\na: 2\nb: !secret a\n")
    main = write("hub.yaml", "x: !secret a\ny: !secret b\n")
    assert messages(main, [tmp_path]) == [
        "secrets.yaml:2: duplicate key 'a': already given at line 1; keep only one",
        "secrets.yaml:3: the tag '!secret' cannot be used in this file",
    ]


def test_env_var_reads_the_environment_with_an_optional_default(write: WriteFile,
                                                                tmp_path: Path) -> None:
    main = write("hub.yaml", """
        host: !env_var KOZANI_HOST
        port: !env_var KOZANI_PORT 8123
        name: !env_var KOZANI_NAME Kozani demo district
    """)
    env = {"KOZANI_HOST": "0.0.0.0"}
    data = load_yaml(main, roots=[tmp_path], env=env)
    assert data == {"host": "0.0.0.0", "port": "8123", "name": "Kozani demo district"}


def test_env_var_reads_the_process_environment_by_default(
    write: WriteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOZANI_TEST_TOKEN", "from-the-environment")
    main = write("hub.yaml", "token: !env_var KOZANI_TEST_TOKEN\n")
    assert load_yaml(main, roots=[tmp_path]) == {"token": "from-the-environment"}


def test_unset_env_var_without_default_is_an_error(write: WriteFile, tmp_path: Path) -> None:
    main = write("hub.yaml", "host: !env_var KOZANI_HOST\n")
    assert messages(main, [tmp_path]) == [
        "hub.yaml:1: environment variable 'KOZANI_HOST' is not set and no default is given; "
        "set it, or write '!env_var KOZANI_HOST DEFAULT'"
    ]


def test_input_is_a_placeholder_for_blueprints(write: WriteFile, tmp_path: Path) -> None:
    main = write("blueprint.yaml", "entity_id: !input motion_sensor\n")
    data = load_yaml(main, roots=[tmp_path])
    placeholder = data["entity_id"]
    assert placeholder == Input("motion_sensor")
    assert (placeholder.file, placeholder.line) == (str(main), 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        placeholder.name = "other"


def test_unknown_tags_are_refused_with_a_suggestion(write: WriteFile, tmp_path: Path) -> None:
    main = write("hub.yaml", "a: !includ x.yaml\nb: !vault key\n")
    found = messages(main, [tmp_path])
    assert found[0] == "hub.yaml:1: unknown tag '!includ'; did you mean '!include'?"
    assert found[1].startswith("hub.yaml:2: unknown tag '!vault'; the tags are !include, ")


def test_every_problem_of_a_file_is_reported_at_once(write: WriteFile, tmp_path: Path) -> None:
    main = write("hub.yaml", """
        a: !include missing.yaml
        b: !secret nothing
        c: !env_var NOTHING
        d: 1
        d: 2
    """)
    with pytest.raises(ConfigError) as caught:
        load_yaml(main, roots=[tmp_path], env={})
    assert [issue.line for issue in caught.value.issues] == [1, 2, 3, 5]
