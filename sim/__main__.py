"""``python -m sim`` runs the airlift command."""

from sim.cli import main

main()
