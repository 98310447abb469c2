"""Subcommands of `listkeeper`: each module has `register(commands)` and its handlers."""
