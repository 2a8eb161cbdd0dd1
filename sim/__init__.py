"""airlift-sim: a geospatial discrete-event simulator of strategic airlift."""
