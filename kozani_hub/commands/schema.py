"""`kozani-hub schema`: the JSON Schema (draft 2020-12) of rule files, for editor completion."""

from __future__ import annotations

import argparse
import json

from kozani_hub.automation import rule_json_schema


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the JSON Schema (draft 2020-12) of rule files. Save it, for example as "
        "kozani-rules.schema.json, and point your editor's YAML language server at it for "
        "completion and checking as you type."
    )


def main(args: argparse.Namespace) -> int:
    print(json.dumps(rule_json_schema(), indent=2, ensure_ascii=False))
    return 0
