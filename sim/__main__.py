"""``python -m sim`` runs the airlift command."""

from sim.cli import main

if __name__ == "__main__":  # not when a worker process imports the main module
    main()
