"""Help texts as people read them: no typer artefacts, exit codes listed once per command.

typer labels every argument with its Python type and wraps it in its own brackets, so `PATH...` shows as
`{PATH}...` and `PATH <list[str]>`, and `[ID]...` as `[[ID]...]...`. An argument's metavar here is the whole
story (`PATH...` required and repeatable, `[ID]...` optional), shown as written. `tests/snapshots/help-*.txt`
pin the result.
"""

from __future__ import annotations

from typer.core import TyperArgument, TyperCommand

# What each exit code means for the commands that classify; a command can word one for itself.
EXIT_CODES = {
    0: "classified (any class, including not-ATMP)",
    1: "invalid input (the message names the file, record and field)",
    2: "usage error (also: wizard asked for without a terminal)",
    3: "undetermined (the outcome depends on answers marked unsure)",
    130: "interrupted (wizard answers so far are saved; resume with --resume)",
    141: "the reader of the output went away (e.g. atmp ... | head)",
}


def exit_codes_help(*codes: int, **worded: str) -> str:
    """An epilog listing `codes` (all when none are given); `worded` rewords some, as `c3="..."`."""
    own = {int(key[1:]): text for key, text in worded.items()}
    lines = [f"  {code:<4} {own.get(code, EXIT_CODES[code])}" for code in codes or EXIT_CODES]
    return "\b\nExit codes:\n" + "\n".join(lines) + "\n"


class PlainArgument(TyperArgument):
    """An argument shown by its metavar alone, in the usage line and the argument list."""

    def display_type_rich(self, ctx) -> None:  # noqa: ANN001 - typer's signature
        return None

    def _usage_display_name(self) -> str:
        return self.metavar or super()._usage_display_name()

    def _rich_display_name(self) -> str:
        return self.metavar or super()._rich_display_name()


class PlainHelpCommand(TyperCommand):
    """A command whose arguments with a metavar are PlainArguments."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - passed through to typer
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument and param.metavar:
                param.__class__ = PlainArgument
