"""``python -m osintlab.sandbox --port N``: serve the fictional websites until interrupted."""

from . import main

main()
