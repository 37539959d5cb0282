"""Validation against the OFFICIAL Open Referral HSDS 3.0 schemas.

The schemas are not copied into the project: CI places ``shared/`` beside the
clone (``<repo>/../shared``); a worktree under ``<dir>/wt/<name>`` finds it
two levels up. ``RUSFELT_SHARED_DIR`` overrides both. A missing schema folder
fails the tests rather than skipping them.
"""

import json
import os
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

REPO_ROOT = Path(__file__).resolve().parents[4]
RELATIVE = Path("reference") / "hsds-3.0" / "schema"


def schema_dir() -> Path:
    candidates = [Path(os.environ["RUSFELT_SHARED_DIR"])] if os.environ.get(
        "RUSFELT_SHARED_DIR") else []
    candidates += [REPO_ROOT.parent / "shared", REPO_ROOT.parent.parent / "shared"]
    for shared in candidates:
        if (shared / RELATIVE / "service.json").is_file():
            return shared / RELATIVE
    raise AssertionError(
        "The official HSDS 3.0 schemas were not found in ../shared/reference/hsds-3.0/schema "
        f"(looked in {', '.join(str(c) for c in candidates)})."
    )


@cache
def registry() -> Registry:
    """Every modular schema file under its own name, so "$ref": "phone.json" resolves."""
    resources = []
    for path in sorted(schema_dir().glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(
            contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(name: str, compiled: bool = False) -> Draft202012Validator:
    """A validator of ``name`` (e.g. "service.json"), formats checked (uuid, uri, email...)."""
    if compiled:
        schema = json.loads((schema_dir() / "compiled" / name).read_text(encoding="utf-8"))
        return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    schema = registry().contents(name)
    return Draft202012Validator(schema, registry=registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(instance, name: str = "service.json", compiled: bool = False) -> list[str]:
    """Every schema error as "path: message" (empty when valid)."""
    return [f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
            for e in validator(name, compiled).iter_errors(instance)]


def openapi() -> dict:
    return json.loads((schema_dir() / "openapi.json").read_text(encoding="utf-8"))
