"""Command implementations; atmp_cli.cli holds only their typer signatures."""
