"""The ``airlift`` subcommands, one module per concern; sim.cli assembles them."""
