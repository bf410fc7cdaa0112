"""Allow `python -m atmp_cli`."""

from atmp_cli.cli import main

main()
