"""Aircraft performance: fuel and mass, payload-range, and reach."""
