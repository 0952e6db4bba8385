"""Allow `python -m pairlab`."""

from pairlab.cli import main

main()
