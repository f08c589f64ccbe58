"""Subcommand groups whose members live in private modules (`station grade X`, `station sim X`).

Each member module exposes ``add_arguments(parser)`` and ``run(args)``; a member whose module is
absent is simply not offered, so a capability owns its own CLI module.
"""

from __future__ import annotations

import importlib


def register_group(sub, name: str, help_text: str, dest: str, metavar: str,
                   members: dict[str, tuple[str, str]]) -> None:
    parser = sub.add_parser(name, help=help_text)
    group = parser.add_subparsers(dest=dest, metavar=metavar, required=True)
    for member, (module_name, member_help) in members.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        member_parser = group.add_parser(member, help=member_help)
        module.add_arguments(member_parser)
        member_parser.set_defaults(func=module.run)
