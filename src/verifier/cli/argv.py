"""Command-line arguments before typer sees them: global options accepted after the command."""

from __future__ import annotations

import typer


def hoist_global_options(app: typer.Typer, args: list[str]) -> list[str]:
    """Move global options given after the command to before it: `eval --offline --json`.

    An option the command defines itself (eval's `--model`) stays with the command.
    """
    group = typer.main.get_command(app)
    takes_value = {
        opt: not p.is_flag
        for p in group.params
        if p.param_type_name == "option"
        for opt in (*p.opts, *p.secondary_opts)
    }
    i, cmd = 0, group
    while i < len(args) and args[i] in takes_value:  # global options already in front
        i += 2 if takes_value[args[i]] else 1
    lead = i
    while i < len(args) and hasattr(cmd, "commands"):  # the (sub)command path
        sub = cmd.commands.get(args[i])
        if sub is None:
            return args
        cmd, i = sub, i + 1
    own = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
    hoisted: list[str] = []
    rest: list[str] = []
    tail = args[i:]
    j = 0
    while j < len(tail):
        tok = tail[j]
        if tok == "--":
            rest.extend(tail[j:])
            break
        name = tok.split("=", 1)[0]
        if name in takes_value and name not in own:
            n = 2 if takes_value[name] and "=" not in tok else 1
            hoisted.extend(tail[j : j + n])
            j += n
            continue
        rest.append(tok)
        j += 1
    return args[:lead] + hoisted + args[lead:i] + rest
