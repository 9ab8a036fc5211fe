"""View models: pure functions from the read APIs' JSON to what a page shows. No I/O."""
