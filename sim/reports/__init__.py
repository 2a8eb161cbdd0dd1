"""Documents built from results: the reach report and the claims it tests."""
