"""Runs, replications, sweeps, sizing and the closed-form planning estimates."""
