"""``python -m osintlab`` is the ``osintlab`` command."""

from .cli import main

main()
